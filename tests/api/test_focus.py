"""GET /api/focus: the FOCUS 1.2 export over the API's window, in CSV and Parquet, within the reader's scope and the
export cap, its errors in the envelope."""

import csv
import datetime as dt
import io
from decimal import Decimal

import duckdb
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.tokens import issue_api_token
from collection.selectors import cost_totals
from tests import factories, focus_spec

pytestmark = pytest.mark.django_db

WINDOW = "start=2025-03-01&end=2025-03-31"
PAYER, MEMBER = "111111111111", "222222222222"


@pytest.fixture
def two_accounts():
    payer = factories.AwsAccountFactory(account_id=PAYER, name="management", is_payer=True)
    member = factories.AwsAccountFactory(account_id=MEMBER, name="team")
    factories.CostDataFactory(account=payer, date="2025-03-02", unblended_cost=Decimal("1.5"))
    factories.CostDataFactory(account=member, date="2025-03-03", unblended_cost=Decimal("2.25"))
    factories.CostDataFactory(account=member, date="2025-02-28", unblended_cost=Decimal(100))


def focus_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_is_the_default_with_every_mandatory_column(api_client, two_accounts):
    response = api_client.get(f"/api/focus?{WINDOW}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="focus_2025-03-01_2025-03-31.csv"'
    rows = focus_rows(response)
    assert set(focus_spec.MANDATORY) <= set(rows[0])
    assert [(r["ChargePeriodStart"], r["SubAccountId"], r["BilledCost"]) for r in rows] == [
        ("2025-03-02T00:00:00Z", PAYER, "1.5000000000"),
        ("2025-03-03T00:00:00Z", MEMBER, "2.2500000000"),
    ]
    assert {r["BillingAccountId"] for r in rows} == {PAYER}


def test_the_default_window_is_this_month_to_date_split_by_charge_type(api_client):
    today = timezone.now().date()
    first = today.replace(day=1)
    member = factories.AwsAccountFactory(account_id=MEMBER)
    factories.CostDataFactory(account=member, date=today, unblended_cost=Decimal("4.5"), amortized_cost=Decimal(4))
    factories.CostDataFactory(account=member, date=first - dt.timedelta(days=1), unblended_cost=Decimal(100))
    factories.ChargeTypeCostFactory(account=member, date=today, charge_type="Tax", unblended_cost=Decimal("0.5"))
    rows = focus_rows(api_client.get("/api/focus"))
    next_month = (first + dt.timedelta(days=31)).replace(day=1)
    assert [(r["ChargePeriodStart"], r["ChargeCategory"], r["BilledCost"]) for r in rows] == [
        (f"{today}T00:00:00Z", "Usage", "4.5000000000"),
        (f"{today}T00:00:00Z", "Tax", "0.5000000000"),
        (f"{today}T00:00:00Z", "Usage", "-0.5000000000"),
    ]
    assert {r["ChargePeriodEnd"] for r in rows} == {f"{today + dt.timedelta(days=1)}T00:00:00Z"}
    assert {(r["BillingPeriodStart"], r["BillingPeriodEnd"]) for r in rows} == {
        (f"{first}T00:00:00Z", f"{next_month}T00:00:00Z")
    }
    window = {"start": first, "end": today + dt.timedelta(days=1)}
    assert sum(Decimal(r["BilledCost"]) for r in rows) == cost_totals(**window)["USD"]
    assert sum(Decimal(r["EffectiveCost"]) for r in rows) == cost_totals(**window, metric="amortized")["USD"]


def test_parquet_is_one_file_of_focus_types(api_client, two_accounts, tmp_path):
    response = api_client.get(f"/api/focus?{WINDOW}&format=parquet")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.apache.parquet"
    assert 'filename="focus_2025-03-01_2025-03-31.parquet"' in response["Content-Disposition"]
    target = tmp_path / "focus.parquet"
    target.write_bytes(b"".join(response.streaming_content))
    query = "SELECT count(*), sum(BilledCost), typeof(any_value(ChargePeriodStart)) FROM read_parquet(?)"
    assert duckdb.execute(query, [str(target)]).fetchone() == (2, Decimal("3.75"), "TIMESTAMP WITH TIME ZONE")


def test_a_scoped_token_sees_only_its_accounts_and_no_payer_outside_them(api_user, two_accounts):
    client = APIClient()
    token = issue_api_token(username=api_user.username, name="team", account_ids=[MEMBER])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = b"".join(client.get(f"/api/focus?{WINDOW}").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(r["SubAccountId"], r["BillingAccountId"], r["BillingAccountName"]) for r in rows] == [
        (MEMBER, MEMBER, "team")
    ]
    assert PAYER not in body
    assert "management" not in body


def test_a_scoped_token_sees_only_its_accounts_charge_types(api_user, two_accounts):
    factories.ChargeTypeCostFactory(account_id=PAYER, date="2025-03-02", charge_type="Credit", unblended_cost=-1)
    factories.ChargeTypeCostFactory(account_id=MEMBER, date="2025-03-03", charge_type="Refund", unblended_cost=-2)
    client = APIClient()
    token = issue_api_token(username=api_user.username, name="team", account_ids=[MEMBER])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    rows = focus_rows(client.get(f"/api/focus?{WINDOW}"))
    assert [(r["x_CostmonitorRow"], r["ChargeCategory"], r["ChargeClass"], r["BilledCost"]) for r in rows] == [
        ("service", "Usage", "", "2.2500000000"),
        ("charge-type", "Adjustment", "Correction", "-2.0000000000"),
        ("charge-offset", "Usage", "", "2.0000000000"),
    ]
    assert {r["SubAccountId"] for r in rows} == {MEMBER}
    assert sum(Decimal(r["BilledCost"]) for r in rows) == Decimal("2.25")


def test_account_ids_are_masked_when_the_api_masks_them(api_client, two_accounts, settings):
    settings.MASK_ACCOUNT_IDS = True
    rows = focus_rows(api_client.get(f"/api/focus?{WINDOW}"))
    assert {r["SubAccountId"] for r in rows} | {r["BillingAccountId"] for r in rows} == {"1111****1111", "2222****2222"}


def test_demo_data_says_so_in_its_file_name_and_rows(api_client, two_accounts):
    factories.CollectionRunFactory(source="demo")
    response = api_client.get(f"/api/focus?{WINDOW}")
    assert response["Content-Disposition"] == 'attachment; filename="focus_2025-03-01_2025-03-31_DEMO.csv"'
    rows = focus_rows(response)
    assert {r["x_CostmonitorSource"] for r in rows} == {"demo"}
    assert "data_source" not in rows[0]  # a custom column is x_-prefixed (FOCUS custom columns)
    parquet = api_client.get(f"/api/focus?{WINDOW}&format=parquet")
    assert 'filename="focus_2025-03-01_2025-03-31_DEMO.parquet"' in parquet["Content-Disposition"]


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("start=2025-03-01&end=2025-02-01", "end", "end_before_start"),
        ("start=2025-02-30", "start", "no_such_day"),
        ("start=01.03.2025", "start", "invalid"),
        ("start=2999-01-01", "start", "beyond_data"),
        (f"{WINDOW}&page=2", "page", "unknown_parameter"),
        (f"{WINDOW}&format=xlsx", "format", "invalid_choice"),
    ],
)
def test_bad_parameters_are_told_in_the_envelope(api_client, query, field, code):
    response = api_client.get(f"/api/focus?{query}")
    assert (response.status_code, response["Content-Type"]) == (400, "application/json")
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert [(d["field"], d["code"]) for d in error["details"]] == [(field, code)]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_an_export_over_the_cap_is_refused_before_any_row(api_client, two_accounts, settings, fmt):
    settings.API_MAX_CSV_ROWS = 1
    response = api_client.get(f"/api/focus?{WINDOW}&format={fmt}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "RESULT_TOO_LARGE"
    assert response.json()["error"]["details"] == {"count": 2, "limit": 1, "setting": "API_MAX_CSV_ROWS"}


def test_the_cap_counts_the_rows_charge_types_and_regions_can_make(api_client, two_accounts, settings):
    factories.ChargeTypeCostFactory(account_id=PAYER, date="2025-03-02", charge_type="Credit")
    factories.CostDataFactory(account_id=PAYER, date="2025-03-02", region="us-east-1", unblended_cost=Decimal(1))
    # The payer's day: its region, the rest of it, the credit and its offset; and the member's service.
    settings.API_MAX_CSV_ROWS = 5
    assert len(focus_rows(api_client.get(f"/api/focus?{WINDOW}"))) == 5
    settings.API_MAX_CSV_ROWS = 4
    response = api_client.get(f"/api/focus?{WINDOW}&format=parquet")
    assert (response.status_code, response.json()["error"]["details"]["count"]) == (400, 5)


def test_an_anonymous_reader_is_refused(client):
    response = client.get(f"/api/focus?{WINDOW}")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "NOT_AUTHENTICATED")
