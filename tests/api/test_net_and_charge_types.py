"""/api/costs with net metrics and the cost by charge type: amounts, unknown net cost, CSV, refused combinations."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import AwsAccountFactory, ChargeTypeCostFactory, CostDataFactory

pytestmark = pytest.mark.django_db

A, B = "111111111111", "222222222222"
OCT_1, OCT_2 = dt.date(2025, 10, 1), dt.date(2025, 10, 2)
WINDOW = "start=2025-10-01&end=2025-10-31"


@pytest.fixture
def bill():
    a, b = AwsAccountFactory(account_id=A), AwsAccountFactory(account_id=B)
    CostDataFactory(date=OCT_1, account=a, unblended_cost=10, net_unblended_cost=Decimal("9.5"), net_amortized_cost=9)
    CostDataFactory(date=OCT_2, account=a, unblended_cost=4, net_unblended_cost=Decimal("3.8"), net_amortized_cost=None)
    for day, account, kind, amount in [
        (OCT_1, a, "Usage", "10.80"),
        (OCT_1, a, "Tax", "0.80"),
        (OCT_1, a, "Credit", "-1.60"),
        (OCT_2, a, "Usage", "4"),
        (OCT_2, b, "Credit", "-0.25"),
    ]:
        ChargeTypeCostFactory(date=day, account=account, charge_type=kind, unblended_cost=Decimal(amount))


def get(client, query: str) -> dict:
    response = client.get(f"/api/costs?{WINDOW}&{query}")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_net_unblended_cost_per_day(api_client, bill):
    data = get(api_client, "metric=net_unblended")
    assert {r["period"]: Decimal(r["amount"]) for r in data["rows"]} == {
        "2025-10-01": Decimal("9.5"),
        "2025-10-02": Decimal("3.8"),
    }
    assert Decimal(data["total"]) == Decimal("13.3")


def test_a_net_figure_some_day_lacks_is_null_never_a_partial_sum(api_client, bill):
    data = get(api_client, "metric=net_amortized&granularity=monthly")
    assert data["rows"] == [{"period": "2025-10-01", "amount": None, "currency": "USD"}]
    assert (data["total"], data["totals"]) == (None, {"USD": None})
    assert get(api_client, "metric=net_amortized&end=2025-10-01")["rows"][0]["amount"] == "9.0000000000"


def test_cost_by_charge_type_and_account(api_client, bill):
    data = get(api_client, "group_by=charge_type&group_by=account&granularity=monthly&ordering=amount")
    rows = [(r["charge_type"], r["account_id"], Decimal(r["amount"])) for r in data["rows"]]
    assert rows == [
        ("Credit", A, Decimal("-1.6")),
        ("Credit", B, Decimal("-0.25")),
        ("Tax", A, Decimal("0.8")),
        ("Usage", A, Decimal("14.8")),
    ]
    assert Decimal(data["total"]) == Decimal("13.75")


def test_a_charge_type_is_matched_in_any_case(api_client, bill):
    data = get(api_client, "charge_type=CREDIT&granularity=monthly")
    assert [Decimal(r["amount"]) for r in data["rows"]] == [Decimal("-1.85")]
    assert data["totals"] == {"USD": "-1.8500000000"}


def test_csv_export_by_charge_type(api_client, bill):
    response = api_client.get(f"/api/costs?{WINDOW}&group_by=charge_type&granularity=monthly&format=csv")
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "period,charge_type,amount,currency"
    assert lines[1:] == [
        "2025-10-01,Credit,-1.8500000000,USD",
        "2025-10-01,Tax,0.8000000000,USD",
        "2025-10-01,Usage,14.8000000000,USD",
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("group_by=charge_type&group_by=service", "group_by"),
        ("charge_type=Tax&group_by=region", "group_by"),
        ("charge_type=Tax&service=EC2", "service"),
        ("group_by=charge_type&region=us-east-1", "region"),
    ],
)
def test_charge_types_know_no_service_or_region(api_client, query, field):
    response = api_client.get(f"/api/costs?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["details"][0]["field"], error["details"][0]["code"]) == (
        "VALIDATION_ERROR",
        field,
        "not_combinable",
    )


def test_an_unknown_metric_is_a_400(api_client):
    response = api_client.get("/api/costs?metric=net")
    assert response.status_code == 400
    assert response.json()["error"]["details"][0] == {
        "field": "metric",
        "code": "invalid_choice",
        "message": "'net' is not a valid choice; choose one of: amortized, net_amortized, net_unblended, unblended.",
    }
