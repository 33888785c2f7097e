"""/api/costs: inclusive window, granularity, groups, filters, ordering, pagination and parameter errors."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import AwsAccountFactory, CollectionRunFactory, CostDataFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def costs():
    a, b = AwsAccountFactory(account_id="111111111111"), AwsAccountFactory(account_id="222222222222")
    for day, acct, service, region, amount in [
        ("2025-09-30", a, "EC2", "", "1.00"),
        ("2025-10-01", a, "EC2", "", "2.00"),
        ("2025-10-01", a, "EC2", "us-east-1", "2.00"),
        ("2025-10-02", a, "S3", "", "0.50"),
        ("2025-10-31", b, "EC2", "", "10.00"),
        ("2025-11-01", b, "EC2", "", "99.00"),
    ]:
        CostDataFactory(
            date=dt.date.fromisoformat(day),
            account=acct,
            service=service,
            region=region,
            unblended_cost=Decimal(amount),
            amortized_cost=Decimal(amount) / 2,
        )


def get(client, query: str) -> dict:
    response = client.get(f"/api/costs?{query}")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_end_is_inclusive(api_client, costs):
    data = get(api_client, "start=2025-10-01&end=2025-10-31")
    assert Decimal(data["total"]) == Decimal("12.50")
    assert [r["period"] for r in data["rows"]] == ["2025-10-01", "2025-10-02", "2025-10-31"]


def test_monthly_by_service_is_aggregated_in_the_database(api_client, costs):
    data = get(api_client, "start=2025-09-01&end=2025-11-30&granularity=monthly&group_by=service")
    rows = {(r["period"], r["service"]): Decimal(r["amount"]) for r in data["rows"]}
    assert rows == {
        ("2025-09-01", "EC2"): Decimal("1"),
        ("2025-10-01", "EC2"): Decimal("12"),
        ("2025-10-01", "S3"): Decimal("0.5"),
        ("2025-11-01", "EC2"): Decimal("99"),
    }


def test_two_groups_filters_and_amortized_metric(api_client, costs):
    data = get(
        api_client, "start=2025-10-01&end=2025-10-31&group_by=account&group_by=region&region=us-east-1&metric=amortized"
    )
    assert data["rows"] == [
        {
            "period": "2025-10-01",
            "account_id": "111111111111",
            "region": "us-east-1",
            "amount": "1.0000000000",
            "currency": "USD",
        }
    ]
    assert data["group_by"] == ["account", "region"]
    assert get(api_client, "start=2025-10-01&end=2025-10-31&account_id=222222222222")["total"] == "10.0000000000"


def test_account_ids_are_masked_when_configured(api_client, costs, settings):
    settings.MASK_ACCOUNT_IDS = True
    data = get(api_client, "start=2025-10-31&end=2025-10-31&group_by=account")
    assert data["rows"][0]["account_id"] == "2222****2222"


def test_turning_masking_on_never_serves_a_cached_unmasked_answer(api_client, costs, settings):
    query = "start=2025-10-31&end=2025-10-31&group_by=account"
    assert get(api_client, query)["rows"][0]["account_id"] == "222222222222"
    settings.MASK_ACCOUNT_IDS = True  # as after a restart with the setting on: the cache still holds the answer
    assert get(api_client, query)["rows"][0]["account_id"] == "2222****2222"


def test_default_window_is_month_to_date(api_client):
    today = timezone.now().date()
    CostDataFactory(date=today)
    data = get(api_client, "")
    assert (data["start"], data["end"]) == (today.replace(day=1).isoformat(), today.isoformat())
    assert data["total"] == "12.3400000000"


def test_ordering_and_pagination(api_client, costs):
    query = "start=2025-09-01&end=2025-11-30&granularity=monthly&group_by=service&ordering=-amount&page_size=2"
    response = api_client.get(f"/api/costs?{query}&page=2").json()
    assert [r["amount"] for r in response["data"]["rows"]] == ["1.0000000000", "0.5000000000"]
    assert response["metadata"] | {"timestamp": None} == {
        "timestamp": None,
        "cached": False,
        "cache_age": None,
        "page": 2,
        "page_size": 2,
        "total_count": 4,
        "total_pages": 2,
        "data_source": None,
    }


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("start=yesterday", "start", "invalid"),
        ("end=2025-13-01", "end", "no_such_day"),
        ("group_by=colour", "group_by", "invalid_choice"),
        ("group_by=service,account,region", "group_by", "max_length"),
        ("group_by=service,service", "group_by", "duplicate"),
        ("start=2025-10-02&end=2025-10-01", "end", "end_before_start"),
        ("start=2999-01-01&end=2999-01-02", "start", "beyond_data"),
        ("start=2000-01-01&end=2025-01-01", "end", "window_too_long"),
        ("granularity=hourly", "granularity", "invalid_choice"),
        ("metric=blended", "metric", "invalid_choice"),
        ("account_id=12345", "account_id", "invalid"),
        ("page_size=100000", "page_size", "max_value"),
        ("page_size=0", "page_size", "min_value"),
        ("page=abc", "page", "invalid"),
        ("ordering=colour", "ordering", "invalid_choice"),
        ("ordering=service", "ordering", "not_grouped"),
    ],
)
def test_bad_parameters_are_400_with_code_and_field(api_client, query, field, code):
    response = api_client.get(f"/api/costs?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert {"field": field, "code": code} == {k: error["details"][0][k] for k in ("field", "code")}
    assert field in error["message"]


def test_every_page_carries_the_window_total_and_row_count(api_client, costs):
    query = "start=2025-09-01&end=2025-11-30&granularity=monthly&group_by=service&page_size=1"
    pages = [api_client.get(f"/api/costs?{query}&page={n}").json() for n in (1, 4)]
    assert {p["data"]["total"] for p in pages} == {"112.5000000000"}
    assert {p["metadata"]["total_count"] for p in pages} == {4}


def test_grouped_by_region_the_total_stays_the_all_regions_figure(api_client, costs):
    data = get(api_client, "start=2025-10-01&end=2025-10-31&group_by=region")
    assert [(r["region"], r["amount"]) for r in data["rows"]] == [("us-east-1", "2.0000000000")]
    assert data["total"] == "12.5000000000"


def test_a_window_without_costs_has_an_empty_first_page(api_client, costs):
    response = api_client.get("/api/costs?start=2025-10-05&end=2025-10-06&group_by=service").json()
    assert (response["data"]["rows"], response["data"]["total"]) == ([], "0.0000000000")
    assert (response["metadata"]["total_count"], response["metadata"]["total_pages"]) == (0, 1)


def test_a_page_past_the_end_is_a_404(api_client):
    response = api_client.get("/api/costs?page=5")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Page 5 is past the last page, 1."


def test_csv_export_streams_every_row(api_client, costs):
    response = api_client.get("/api/costs?start=2025-09-01&end=2025-11-30&group_by=service&format=csv&page_size=1")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "period,service,amount,currency"
    assert lines[1:] == [
        "2025-09-30,EC2,1.0000000000,USD",
        "2025-10-01,EC2,2.0000000000,USD",
        "2025-10-02,S3,0.5000000000,USD",
        "2025-10-31,EC2,10.0000000000,USD",
        "2025-11-01,EC2,99.0000000000,USD",
    ]


def test_csv_request_with_a_bad_parameter_gets_a_json_envelope(api_client):
    response = api_client.get("/api/costs?format=csv&end=nope")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["details"][0]["field"] == "end"


@pytest.mark.parametrize("value", ["xml", ""])
def test_unknown_or_empty_format_is_a_400_naming_the_field(api_client, value):
    response = api_client.get(f"/api/costs?format={value}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["details"][0]["field"]) == ("VALIDATION_ERROR", "format")


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [(None, "application/json"), ("*/*", "application/json"), ("text/html", "text/html; charset=utf-8")],
)
def test_content_negotiation_follows_the_accept_header(api_client, accept, content_type):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = api_client.get("/api/costs", **headers)
    assert (response.status_code, response["Content-Type"]) == (200, content_type)


@pytest.mark.parametrize("source", ["demo", "aws"])
def test_metadata_says_whether_the_data_is_demo(api_client, source):
    CollectionRunFactory(kind="costs", source=source)
    first, again = api_client.get("/api/costs").json(), api_client.get("/api/costs").json()
    assert first["metadata"]["data_source"] == source
    assert (again["metadata"]["cached"], again["metadata"]["data_source"]) == (True, source)
