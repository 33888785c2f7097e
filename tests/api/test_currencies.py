"""Amounts in different currencies are never added in the API (issue 13, defect 5: 21.5 USD + 25.5 EUR was 47)."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import AwsAccountFactory, CostDataFactory, RecommendationFactory, TagCostFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 10, 5)
WINDOW = "start=2025-10-01&end=2025-10-31"


def data(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["data"]


@pytest.fixture
def mixed_costs():
    account = AwsAccountFactory(account_id="111111111111")
    CostDataFactory(date=DAY, account=account, service="EC2", unblended_cost=Decimal("21.5"))
    CostDataFactory(date=DAY, account=account, service="S3", unblended_cost=Decimal("25.5"), currency="EUR")


@pytest.mark.parametrize("group_by", ["", "&group_by=service", "&group_by=region"])
def test_costs_total_per_currency_and_no_single_total_across_them(api_client, mixed_costs, group_by):
    result = data(api_client, f"/api/costs?{WINDOW}&granularity=monthly{group_by}")
    assert result["totals"] == {"EUR": "25.5000000000", "USD": "21.5000000000"}
    assert result["total"] is None


def test_one_currency_keeps_its_total(api_client, mixed_costs):
    result = data(api_client, f"/api/costs?{WINDOW}&service=EC2")
    assert (result["total"], result["totals"]) == ("21.5000000000", {"USD": "21.5000000000"})
    empty = data(api_client, "/api/costs?start=2025-11-01&end=2025-11-02")
    assert (empty["total"], empty["totals"]) == ("0.0000000000", {})


def test_a_later_page_knows_every_currency_of_the_window(api_client, mixed_costs):
    """The page holds only the EUR row; the window's totals still name both currencies."""
    result = data(api_client, f"/api/costs?{WINDOW}&granularity=monthly&group_by=service&page_size=1&page=2")
    assert [row["currency"] for row in result["rows"]] == ["EUR"]
    assert result["totals"] == {"EUR": "25.5000000000", "USD": "21.5000000000"}


def test_untagged_share_per_tag_key_and_currency(api_client):
    TagCostFactory(date=DAY, tag_value="", amount=Decimal("1"))
    TagCostFactory(date=DAY, tag_value="platform", amount=Decimal("3"))
    TagCostFactory(date=DAY, tag_value="", service="EC2", amount=Decimal("5"), currency="EUR")
    untagged = data(api_client, f"/api/tags?{WINDOW}")["untagged"]
    assert [(u["currency"], u["total"], u["untagged_share"]) for u in untagged] == [
        ("EUR", "5.0000000000", "1.0000"),
        ("USD", "4.0000000000", "0.2500"),
    ]


def test_optimization_summary_per_type_and_currency(api_client):
    RecommendationFactory(estimated_monthly_savings=Decimal("10"))
    RecommendationFactory(estimated_monthly_savings=Decimal("20"), currency="EUR")
    summary = data(api_client, "/api/optimization")["summary"]
    assert [(s["type"], s["currency"], s["estimated_monthly_savings"]) for s in summary] == [
        ("rightsizing", "EUR", "20.0000000000"),
        ("rightsizing", "USD", "10.0000000000"),
    ]
