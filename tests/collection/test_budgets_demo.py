"""The demo source's budgets and anomalies reach the history, the API's selectors and /metrics plausibly."""

import datetime as dt

import pytest
from django.utils import timezone

from collection.models import AnomalyMonitor, Budget, BudgetNotification, CostAnomaly
from collection.services import run_collection

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 18, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(demo_source, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def test_demo_budgets_and_anomalies_are_collected(clock):
    budgets = run_collection(kind="budgets", trigger="command")
    anomalies = run_collection(kind="anomalies", trigger="command")

    assert (budgets.status, anomalies.status) == ("succeeded", "succeeded")
    assert Budget.objects.filter(active=True).count() == 5
    production = Budget.objects.get(name="Production account")
    assert production.forecast > production.limit  # the demo's budget over its limit
    assert production.linked_accounts == ["222222222222"]
    assert BudgetNotification.objects.filter(budget=production).count() == 2
    assert AnomalyMonitor.objects.count() == 2
    assert CostAnomaly.objects.count() >= 4
    assert all(a.monitor_name == "Services" for a in CostAnomaly.objects.all())
