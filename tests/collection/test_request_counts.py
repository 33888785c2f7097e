"""Pins the Cost Explorer requests of every collection on the demo dataset: a regression in API spend fails here."""

import datetime as dt

import pytest
from django.utils import timezone

from collection.models import ResourceCost
from collection.services import run_collection

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 18, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(demo_source, monkeypatch):
    """A settable clock for runs, the demo bill and the stored timestamps alike."""
    current = {"now": NOW}
    monkeypatch.setattr(timezone, "now", lambda: current["now"])
    return current


@pytest.fixture
def spend(django_capture_on_commit_callbacks):
    """`spend(kind)`: the CE requests of a scheduled run, committed as runs are (what a run records for the next
    once committed, such as the tag-value probes, is recorded)."""

    def run(kind: str) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            finished = run_collection(kind=kind, trigger="schedule")
        assert finished.status == "succeeded", finished.error_message
        return {key: n for key, n in finished.aws_requests.items() if key.startswith("ce:")}

    return run


def test_ce_requests_per_collection_are_pinned(clock, spend):
    # 5 accounts x 10 services over 29 days = 1450 groups: three pages of 500; then by charge type, 14 groups a
    # day (each account's Usage and Tax, a Savings Plan's three lines, a sandbox's credits): one page.
    assert spend("costs") == {"ce:GetCostAndUsage": 4}
    # GetTags once, then team (4 values x 10 services x 29 days: 3 pages) and env (3 values: 2 pages).
    assert spend("tags") == {"ce:GetTags": 1, "ce:GetCostAndUsage": 5}
    assert spend("forecast") == {"ce:GetCostForecast": 1}
    assert spend("optimization") == {
        "ce:GetRightsizingRecommendation": 1,
        "ce:GetSavingsPlansPurchaseRecommendation": 1,
    }
    assert spend("accounts") == {}

    # Same hour: Cost Explorer has not refreshed. One shared probe, nothing else.
    clock["now"] += dt.timedelta(minutes=10)
    assert spend("costs") == {"ce:GetCostAndUsage": 1}
    assert spend("tags") == {}
    assert spend("forecast") == {}
    assert spend("optimization") == {}

    # Next CE refresh (8 h later) restates the last three days: one probe, then one page per query.
    clock["now"] += dt.timedelta(hours=8)
    assert spend("costs") == {"ce:GetCostAndUsage": 3}
    assert spend("tags") == {"ce:GetCostAndUsage": 2}
    assert spend("forecast") == {"ce:GetCostForecast": 1}
    clock["now"] += dt.timedelta(hours=4)
    assert spend("optimization") == {
        "ce:GetRightsizingRecommendation": 1,
        "ce:GetSavingsPlansPurchaseRecommendation": 1,
    }


def test_run_records_its_spend_and_demo_label(clock):
    run = run_collection(kind="costs", trigger="schedule")
    # Four calls answered by the demo source (costs, charge types), none billed: the run's billed figure matches the
    # month's spend.
    assert (run.source, run.ce_calls, run.ce_requests, str(run.ce_cost_usd)) == ("demo", 4, 0, "0.00")
    # Costs and charge types, and the costliest resources of the demo's Data Export (this month's and last month's).
    assert run.rows_written == 1450 + 29 * 14 + ResourceCost.objects.count()
    assert ResourceCost.objects.exists()
    assert (run.window_start, run.window_end) == (dt.date(2026, 2, 18), dt.date(2026, 3, 19))


def test_budgets_and_anomalies_requests_are_pinned(clock, django_capture_on_commit_callbacks):
    def run(kind: str) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            finished = run_collection(kind=kind, trigger="schedule")
        assert finished.status == "succeeded", finished.error_message
        return finished.aws_requests

    # Five budgets on one page, each one's notifications (two answer "none"): free, so no CE request at all.
    assert run("budgets") == {
        "budgets:DescribeBudgets": 1,
        "budgets:DescribeNotificationsForBudget": 5,
        "sts:GetCallerIdentity": 1,
    }
    # Every 8 hours a page of anomalies, and every third run (once a day) the monitors: 4 billed requests a day.
    assert run("anomalies") == {"ce:GetAnomalies": 1, "ce:GetAnomalyMonitors": 1}
    for _ in range(2):
        clock["now"] += dt.timedelta(hours=8)
        assert run("anomalies") == {"ce:GetAnomalies": 1}
    clock["now"] += dt.timedelta(hours=8)
    assert run("anomalies") == {"ce:GetAnomalies": 1, "ce:GetAnomalyMonitors": 1}
