"""/api/budgets and /api/anomalies: the envelope, filters, validation that names the choices, CSV and caching."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from collection.cache_versions import bump_dataset_versions
from tests.factories import BudgetFactory, CostAnomalyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def budgets():
    BudgetFactory(name="Organization", limit=Decimal(1000), actual=Decimal(400), forecast=Decimal(900))
    BudgetFactory(name="Production", limit=Decimal(100), actual=Decimal(120), forecast=Decimal(240))
    BudgetFactory(name="S3 storage", budget_type="USAGE", unit="GB", limit=Decimal(5000), forecast=None)
    BudgetFactory(name="Deleted", active=False)


def test_budgets_list_active_budgets_by_name_with_thresholds(api_client, budgets):
    from collection.models import Budget, BudgetNotification

    production = Budget.objects.get(name="Production")
    BudgetNotification.objects.create(
        budget=production, notification_type="FORECASTED", comparison_operator="GREATER_THAN", threshold=100
    )
    body = api_client.get("/api/budgets").json()

    assert body["status"] == "success"
    assert [b["name"] for b in body["data"]] == ["Organization", "Production", "S3 storage"]
    assert body["data"][1]["notifications"] == [
        {
            "notification_type": "FORECASTED",
            "comparison_operator": "GREATER_THAN",
            "threshold": "100.0000000000",
            "threshold_type": "",
            "state": "",
        }
    ]
    assert body["metadata"]["total_count"] == 3


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("over_limit=forecast", ["Production"]),
        ("over_limit=actual", ["Production"]),
        ("unit=gb", ["S3 storage"]),
        ("budget_type=USAGE", ["S3 storage"]),
        ("name=production", ["Production"]),
        ("active=false", ["Deleted"]),
        ("ordering=forecast&unit=USD", ["Production", "Organization"]),
    ],
)
def test_budget_filters(api_client, budgets, query, names):
    assert [b["name"] for b in api_client.get(f"/api/budgets?{query}").json()["data"]][:2] == names


@pytest.mark.parametrize(
    ("url", "field", "says"),
    [
        ("/api/budgets?budget_type=cost", "budget_type", "choose one of: USAGE, COST"),
        ("/api/budgets?over_limit=both", "over_limit", "choose one of: actual, forecast"),
        ("/api/budgets?ordering=spend", "ordering", "choose one of: name, -name"),
        ("/api/budgets?limit=5", "limit", "Unknown parameter; accepted: active, budget_type"),
        ("/api/anomalies?feedback=yes", "feedback", "choose one of: YES, NO, PLANNED_ACTIVITY, NONE"),
        ("/api/anomalies?start=2026-02-30", "start", "no day of the calendar"),
        ("/api/anomalies?end=2020-01-01&start=2020-02-01", "end", "end is before start"),
        ("/api/anomalies?start=2000-01-01&end=2025-01-01", "end", "The window is longer than 1160 days."),
        ("/api/anomalies?min_impact=-1", "min_impact", "greater than or equal to 0"),
        ("/api/anomalies?monitor=x", "monitor", "Unknown parameter; accepted: account_id, end, feedback"),
    ],
)
def test_bad_parameters_are_refused_naming_the_field_and_the_choices(api_client, url, field, says):
    response = api_client.get(url)
    error = response.json()["error"]

    assert response.status_code == 400
    assert error["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in error["details"]] == [field]
    assert says in error["details"][0]["message"]


def test_budgets_csv(api_client, budgets):
    response = api_client.get("/api/budgets?format=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()

    assert response["Content-Type"].startswith("text/csv")
    assert lines[0].startswith("account_id,name,budget_type,time_unit,limit,actual,forecast,unit")
    assert len(lines) == 4


def test_budgets_are_cached_until_a_budgets_collection_bumps_their_version(api_client, budgets):
    assert api_client.get("/api/budgets").json()["metadata"]["cached"] is False
    assert api_client.get("/api/budgets").json()["metadata"]["cached"] is True
    BudgetFactory(name="New")
    assert len(api_client.get("/api/budgets").json()["data"]) == 3  # the cached answer, until a run finishes
    bump_dataset_versions(datasets=["budgets"])
    assert len(api_client.get("/api/budgets").json()["data"]) == 4


@pytest.fixture
def anomalies():
    today = timezone.now().date()
    CostAnomalyFactory(anomaly_id="a-big", total_impact=Decimal(400), root_causes__account_id="111111111111")
    CostAnomalyFactory(
        anomaly_id="a-planned",
        total_impact=Decimal(90),
        feedback="PLANNED_ACTIVITY",
        service="AWS Lambda",
        root_causes__account_id="222222222222",
    )
    CostAnomalyFactory(anomaly_id="a-no-total", total_impact=None, max_impact=Decimal(30))
    CostAnomalyFactory(
        anomaly_id="a-old", start_date=today - dt.timedelta(days=80), end_date=today - dt.timedelta(days=70)
    )


def test_anomalies_list_the_window_largest_impact_first(api_client, anomalies):
    data = api_client.get("/api/anomalies").json()["data"]

    assert [a["anomaly_id"] for a in data["anomalies"]] == ["a-big", "a-planned", "a-no-total"]
    assert data["anomalies"][2]["impact"] == "30.0000000000"  # no total: the largest daily impact
    assert data["anomalies"][0]["root_causes"][0]["account_id"] == "111111111111"
    assert data["summary"] == {"count": 3, "impact": "520.0000000000"}
    assert data["start"] == str(timezone.now().date() - dt.timedelta(days=30))


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("open=true", ["a-big", "a-no-total"]),
        ("open=false", ["a-planned"]),
        ("feedback=NONE", ["a-big", "a-no-total"]),
        ("feedback=PLANNED_ACTIVITY", ["a-planned"]),
        ("min_impact=100", ["a-big"]),
        ("account_id=222222222222", ["a-planned"]),
        ("service=aws%20lambda", ["a-planned"]),
        ("ordering=impact", ["a-no-total", "a-planned", "a-big"]),
    ],
)
def test_anomaly_filters(api_client, anomalies, query, ids):
    found = [a["anomaly_id"] for a in api_client.get(f"/api/anomalies?{query}").json()["data"]["anomalies"]]
    assert found == ids


def test_an_older_window_holds_older_anomalies(api_client, anomalies):
    start = timezone.now().date() - dt.timedelta(days=89)
    found = api_client.get(f"/api/anomalies?start={start}&ordering=start_date").json()["data"]["anomalies"]
    assert found[0]["anomaly_id"] == "a-old"
    assert len(found) == 4


def test_anomalies_csv(api_client, anomalies):
    response = api_client.get("/api/anomalies?format=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()

    assert lines[0].startswith("anomaly_id,monitor_arn,monitor_name,start_date,end_date")
    assert len(lines) == 4


def test_an_organization_without_budgets_or_anomalies_gets_empty_lists(api_client):
    assert api_client.get("/api/budgets").json()["data"] == []
    assert api_client.get("/api/anomalies").json()["data"]["summary"] == {"count": 0, "impact": "0.0000000000"}
