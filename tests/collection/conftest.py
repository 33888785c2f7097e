"""Fixtures shared by the collection tests."""

import pytest
from django.utils import timezone
from moto import mock_aws

from tests.collection.helpers import SAVINGS_PLANS, rightsizing, stub


@pytest.fixture
def optimization_stubs(aws_source, client_hooks):
    """Two rightsizing pages and one Savings Plans answer; STS comes from moto."""
    stub(
        client_hooks,
        "ce",
        [
            (
                "get_rightsizing_recommendation",
                {"RightsizingRecommendations": [rightsizing("i-aaa", "40.5")], "NextPageToken": "2"},
            ),
            ("get_rightsizing_recommendation", {"RightsizingRecommendations": [rightsizing("i-bbb", "10")]}),
            ("get_savings_plans_purchase_recommendation", SAVINGS_PLANS),
        ],
    )
    with mock_aws():
        yield client_hooks


@pytest.fixture
def clock(request, monkeypatch):
    """A settable clock (`clock["now"]`) for runs and stored timestamps, starting at the test module's `NOW`: for the
    modules that play scheduled runs on a clock of their own."""
    current = {"now": request.module.NOW}
    monkeypatch.setattr(timezone, "now", lambda: current["now"])
    return current
