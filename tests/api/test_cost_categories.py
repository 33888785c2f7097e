"""/api/cost-categories: cost per category value with the uncategorized share, validation that names the stored
categories, CSV, caching by the dataset's version, and no answer for a scoped reader (categories span accounts)."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from api.tokens import issue_api_token
from collection.cache_versions import bump_dataset_versions
from tests.factories import AwsAccountFactory, CategoryCostFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 10, 5)
URL = "/api/cost-categories?start=2025-10-01&end=2025-10-31"


@pytest.fixture
def categories():
    CategoryCostFactory(date=DAY, value="Retail", amount=Decimal(3))
    CategoryCostFactory(date=DAY + dt.timedelta(days=1), value="Retail", amount=Decimal(2))
    CategoryCostFactory(date=DAY, value="", uncategorized=True, amount=Decimal(1))
    CategoryCostFactory(date=DAY, category="Environment", value="Other", uncategorized=True, amount=Decimal(6))
    CategoryCostFactory(date=DAY, category="Environment", value="Production", amount=Decimal(2))


def test_cost_per_value_and_the_uncategorized_share_of_each_category(api_client, categories):
    body = api_client.get(URL).json()
    assert (body["status"], body["metadata"]["total_count"]) == ("success", 4)
    assert [(r["category"], r["value"], r["uncategorized"], r["amount"]) for r in body["data"]["rows"]] == [
        ("Business Unit", "", True, "1.0000000000"),
        ("Business Unit", "Retail", False, "5.0000000000"),
        ("Environment", "Other", True, "6.0000000000"),
        ("Environment", "Production", False, "2.0000000000"),
    ]
    assert body["data"]["uncategorized"] == [
        {
            "category": "Business Unit",
            "currency": "USD",
            "total": "6.0000000000",
            "uncategorized": "1.0000000000",
            "uncategorized_share": "0.1667",
        },
        {
            "category": "Environment",
            "currency": "USD",
            "total": "8.0000000000",
            "uncategorized": "6.0000000000",
            "uncategorized_share": "0.7500",
        },
    ]


def test_a_window_without_categories_carries_the_stored_coverage(api_client, categories):
    metadata = api_client.get("/api/cost-categories?start=2025-11-01&end=2025-11-30").json()["metadata"]
    assert (metadata["total_count"], metadata["coverage"]) == (0, {"first_day": "2025-10-05", "last_day": "2025-10-06"})
    assert "coverage" not in api_client.get(URL).json()["metadata"]


def test_filters_by_category_and_value(api_client, categories):
    one = api_client.get(f"{URL}&category=Environment").json()["data"]
    assert [r["value"] for r in one["rows"]] == ["Other", "Production"]
    assert [u["category"] for u in one["uncategorized"]] == ["Environment"]
    empty_value = api_client.get(f"{URL}&value=").json()["data"]["rows"]
    assert [(r["category"], r["value"]) for r in empty_value] == [("Business Unit", "")]
    window = api_client.get("/api/cost-categories?start=2025-10-06&end=2025-10-06").json()["data"]["rows"]
    assert [(r["value"], r["amount"]) for r in window] == [("Retail", "2.0000000000")]


def test_an_unknown_category_is_a_400_that_lists_the_stored_ones(api_client, categories):
    body = api_client.get(f"{URL}&category=Busines Unit").json()
    assert body["error"]["code"] == "VALIDATION_ERROR"
    (detail,) = body["error"]["details"]
    assert (detail["field"], detail["code"]) == ("category", "invalid_choice")
    assert (
        detail["message"] == "'Busines Unit' is not a stored cost category; choose one of: Business Unit, Environment."
    )


def test_an_unknown_category_before_any_collection_says_none_is_stored(api_client):
    response = api_client.get(f"{URL}&category=Team")
    assert response.status_code == 400
    assert "none is stored yet" in response.json()["error"]["details"][0]["message"]


def test_csv_has_every_row(api_client, categories):
    response = api_client.get(f"{URL}&category=Environment&format=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines == [
        "category,value,uncategorized,amount,currency",
        "Environment,Other,True,6.0000000000,USD",
        "Environment,Production,False,2.0000000000,USD",
    ]


def test_cached_until_a_cost_categories_collection_finishes(api_client, categories):
    api_client.get(URL)
    CategoryCostFactory(date=DAY, value="Analytics", amount=Decimal(4))
    cached = api_client.get(URL).json()
    assert (cached["metadata"]["cached"], cached["metadata"]["total_count"]) == (True, 4)
    bump_dataset_versions(datasets=["tags"])  # another dataset's collection keeps it
    assert api_client.get(URL).json()["metadata"]["cached"] is True
    bump_dataset_versions(datasets=["cost_categories"])  # what a finished cost_categories run does
    fresh = api_client.get(URL).json()
    assert (fresh["metadata"]["cached"], fresh["metadata"]["total_count"]) == (False, 5)


def test_a_scoped_reader_is_refused_since_every_value_may_hold_any_accounts_cost(api_user, categories):
    AwsAccountFactory(account_id="111122223333")
    token = issue_api_token(username=api_user.username, name="team", account_ids=["111122223333"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    for url in (URL, f"{URL}&format=csv"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "whole organization" in response.json()["error"]["message"]
