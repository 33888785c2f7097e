"""/api/forecast, /api/tags, /api/optimization, /api/accounts and /api/runs answer the questions they exist for."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import (
    AwsAccountFactory,
    CollectionRunFactory,
    CostForecastFactory,
    RecommendationFactory,
    TagCostFactory,
)

pytestmark = pytest.mark.django_db


def data(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_forecast_is_the_latest_per_scope_and_period(api_client):
    now, start = timezone.now(), dt.date(2025, 11, 1)
    period = {"period_start": start, "period_end": dt.date(2025, 12, 1)}
    CostForecastFactory(**period, mean=Decimal(1), generated_on=start, generated_at=now - dt.timedelta(days=1))
    CostForecastFactory(**period, mean=Decimal(2), generated_on=start + dt.timedelta(days=1), generated_at=now)
    CostForecastFactory(**period, scope="111111111111", mean=Decimal(3), generated_on=start, generated_at=now)
    forecasts = data(api_client, "/api/forecast")
    assert [(f["account_id"], f["mean"]) for f in forecasts] == [
        (None, "2.0000000000"),
        ("111111111111", "3.0000000000"),
    ]
    assert forecasts[0]["lower_bound"] == "900.0000000000"
    assert [f["mean"] for f in data(api_client, "/api/forecast?account_id=111111111111")] == ["3.0000000000"]


def test_tags_show_cost_per_value_and_the_untagged_share(api_client):
    day = dt.date(2025, 10, 5)
    TagCostFactory(date=day, tag_value="platform", amount=Decimal(3))
    TagCostFactory(date=day, tag_value="", amount=Decimal(1))
    TagCostFactory(date=day, tag_value="", service="AWS Lambda", amount=Decimal(4), tag_key="env")
    result = data(api_client, "/api/tags?start=2025-10-01&end=2025-10-31&tag_key=team")
    assert [(r["tag_value"], r["amount"]) for r in result["rows"]] == [
        ("", "1.0000000000"),
        ("platform", "3.0000000000"),
    ]
    assert result["untagged"] == [
        {
            "tag_key": "team",
            "currency": "USD",
            "total": "4.0000000000",
            "untagged": "1.0000000000",
            "untagged_share": "0.2500",
        }
    ]
    untagged = data(api_client, "/api/tags?start=2025-10-01&end=2025-10-31&tag_value=&group_by=service")
    assert [(r["tag_key"], r["service"]) for r in untagged["rows"]] == [
        ("env", "AWS Lambda"),
        ("team", "Amazon Simple Storage Service"),
    ]


def test_tags_csv(api_client):
    TagCostFactory(date=dt.date(2025, 10, 5))
    response = api_client.get("/api/tags?start=2025-10-01&end=2025-10-31&format=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines == ["tag_key,tag_value,amount,currency", "team,platform,5.2500000000,USD"]


@pytest.fixture
def recommendations():
    account = AwsAccountFactory(account_id="111111111111")
    RecommendationFactory(account=account, estimated_monthly_savings=Decimal(10))
    RecommendationFactory(account=account, estimated_monthly_savings=Decimal(50), category="TERMINATE")
    RecommendationFactory(type="savings_plans", category="COMPUTE_SP", estimated_monthly_savings=Decimal(100))
    RecommendationFactory(estimated_monthly_savings=Decimal(999), active=False)


def test_optimization_filters_and_summarizes_savings_per_type(api_client, recommendations):
    result = data(api_client, "/api/optimization")
    assert [r["estimated_monthly_savings"] for r in result["recommendations"]] == [
        "100.0000000000",
        "50.0000000000",
        "10.0000000000",
    ]
    assert {s["type"]: (s["count"], s["estimated_monthly_savings"]) for s in result["summary"]} == {
        "rightsizing": (2, "60.0000000000"),
        "savings_plans": (1, "100.0000000000"),
    }
    filtered = data(api_client, "/api/optimization?type=rightsizing&min_savings=20&account_id=111111111111")
    assert [r["category"] for r in filtered["recommendations"]] == ["TERMINATE"]
    retired = data(api_client, "/api/optimization?active=false")
    assert [r["estimated_monthly_savings"] for r in retired["recommendations"]] == ["999.0000000000"]
    assert data(api_client, "/api/optimization?category=COMPUTE_SP&ordering=last_seen")["summary"][0]["count"] == 1


@pytest.mark.parametrize(
    ("query", "field"), [("min_savings=lots", "min_savings"), ("min_savings=-1", "min_savings"), ("type=x", "type")]
)
def test_optimization_bad_parameters(api_client, query, field):
    response = api_client.get(f"/api/optimization?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == field


def test_optimization_csv_has_every_matching_recommendation(api_client, recommendations):
    response = api_client.get("/api/optimization?format=csv&page_size=1")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("id,type,category,account_id,resource_id,estimated_monthly_savings")
    assert len(lines) == 4


def test_accounts_filter_and_order(api_client):
    AwsAccountFactory(account_id="222222222222", name="b", is_payer=True)
    AwsAccountFactory(account_id="111111111111", name="a", status="SUSPENDED")
    assert [a["name"] for a in data(api_client, "/api/accounts?ordering=-name")] == ["b", "a"]
    assert [a["name"] for a in data(api_client, "/api/accounts?status=SUSPENDED")] == ["a"]
    assert [a["name"] for a in data(api_client, "/api/accounts?is_payer=true")] == ["b"]


def test_runs_show_history_and_this_months_ce_spend(api_client):
    CollectionRunFactory(ce_requests=3, ce_cost_usd=Decimal("0.03"))
    CollectionRunFactory(kind="tags", status="failed", ce_requests=1, ce_cost_usd=Decimal("0.01"))
    result = data(api_client, "/api/runs")
    assert result["ce_spend_this_month"] == {"requests": 4, "usd": "0.04"}
    assert set(result["last_success"]) == {"costs"}
    assert [r["kind"] for r in data(api_client, "/api/runs?status=failed")["runs"]] == ["tags"]
    assert api_client.get("/api/runs?kind=nope").json()["error"]["details"][0]["field"] == "kind"


@pytest.mark.parametrize("query", ["is_payer=", "is_payer=maybe"])
def test_accounts_refuse_a_blank_or_bad_is_payer(api_client, query):
    response = api_client.get(f"/api/accounts?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "is_payer"
