"""Fixtures of the collection tests shared by modules that play scheduled runs on a clock of their own."""

import pytest
from django.utils import timezone


@pytest.fixture
def clock(request, monkeypatch):
    """A settable clock (`clock["now"]`) for runs and stored timestamps, starting at the test module's `NOW`."""
    current = {"now": request.module.NOW}
    monkeypatch.setattr(timezone, "now", lambda: current["now"])
    return current
