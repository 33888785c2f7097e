"""The FOCUS export's schema against the FOCUS 1.2 specification's column list (tests/focus_spec.py), in CSV and
Parquet, and `manage.py export_focus`: its files' totals are the stored history's."""

import csv
import datetime as dt
import io
from decimal import Decimal

import duckdb
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from collection.focus_columns import COLUMNS
from collection.focus_services import BY_SERVICE
from collection.models import ExportIngestion
from collection.selectors import cost_totals
from tests import factories, focus_spec

pytestmark = pytest.mark.django_db

MARCH = {"start": dt.date(2025, 3, 1), "end": dt.date(2025, 3, 31)}
PAYER, MEMBER = "111111111111", "222222222222"


@pytest.fixture
def bill():
    """Two accounts' days of cost in March 2025 (one after the month's last day), with tax, a credit inside a
    service, a day without net figures and a per-region row beside the all-regions one."""
    payer = factories.AwsAccountFactory(account_id=PAYER, name="management", is_payer=True)
    member = factories.AwsAccountFactory(account_id=MEMBER, name="")
    rows = [
        (payer, dt.date(2025, 3, 1), "Amazon Simple Storage Service", "10.5", "10.5", "9.9"),
        (payer, dt.date(2025, 3, 31), "Tax", "2.1", "2.1", "2.1"),
        (member, dt.date(2025, 3, 15), "Amazon Elastic Compute Cloud - Compute", "-1.25", "3.75", None),
        (member, dt.date(2025, 3, 15), "Some Future Service", "0", "0", "0"),
        (member, dt.date(2025, 4, 1), "AWS Lambda", "99", "99", "99"),
    ]
    for account, day, service, unblended, amortized, net in rows:
        factories.CostDataFactory(
            account=account,
            date=day,
            service=service,
            unblended_cost=Decimal(unblended),
            amortized_cost=Decimal(amortized),
            net_unblended_cost=None if net is None else Decimal(net),
            net_amortized_cost=None if net is None else Decimal(net),
        )
    factories.CostDataFactory(account=payer, date=dt.date(2025, 3, 1), region="eu-west-1", unblended_cost=Decimal(7))


def export(tmp_path, fmt: str = "csv"):
    target = tmp_path / f"focus.{fmt}"
    out = io.StringIO()
    call_command(
        "export_focus", "--start", "2025-03-01", "--end", "2025-03-31", "--format", fmt, "--output", target, stdout=out
    )
    assert "4 FOCUS rows (2025-03-01..2025-03-31)" in out.getvalue()
    return target


def test_every_mandatory_column_is_present_with_the_specifications_type(tmp_path, bill):
    by_name = {c.name: c for c in COLUMNS}
    header = next(csv.reader(export(tmp_path).open()))
    assert [name for name in header if name in focus_spec.MANDATORY] == list(focus_spec.MANDATORY)
    for name, (data_type, allows_nulls) in {**focus_spec.MANDATORY, **focus_spec.CONDITIONAL}.items():
        assert by_name[name].data_type == data_type, name
        assert allows_nulls or not by_name[name].nullable, name
    for name in header:
        assert name in focus_spec.MANDATORY or name in focus_spec.CONDITIONAL or focus_spec.CUSTOM.match(name), name
        assert focus_spec.PASCAL.match(name) or focus_spec.CUSTOM.match(name), name


def test_every_value_has_the_specifications_format(tmp_path, bill):
    rows = list(csv.DictReader(export(tmp_path).open()))
    assert len(rows) == 4
    for row in rows:
        for name, (data_type, allows_nulls) in focus_spec.MANDATORY.items():
            value = row[name]
            if not allows_nulls:
                assert value != "", name
            if value and data_type == "Date/Time":
                assert focus_spec.DATETIME.match(value), (name, value)
            if value and data_type == "Decimal":
                assert focus_spec.DECIMAL.match(value), (name, value)
        assert focus_spec.CURRENCY.match(row["BillingCurrency"])
        assert row["ChargeCategory"] in focus_spec.CHARGE_CATEGORIES
        assert row["ChargeClass"] in focus_spec.CHARGE_CLASSES
        assert row["ServiceCategory"] in focus_spec.SERVICE_CATEGORIES
        assert row["BillingPeriodStart"] == "2025-03-01T00:00:00Z"
        assert row["BillingPeriodEnd"] == "2025-04-01T00:00:00Z"  # exclusive
        assert row["x_CostmonitorConformance"] == "FOCUS-aligned"
        assert row["x_CostmonitorSource"] == "cost_explorer"
        assert row["BillingAccountId"] == PAYER
    tax = next(r for r in rows if r["ServiceName"] == "Tax")
    assert (tax["ChargeCategory"], tax["ChargePeriodStart"], tax["ChargePeriodEnd"]) == (
        "Tax",
        "2025-03-31T00:00:00Z",
        "2025-04-01T00:00:00Z",
    )
    compute = next(r for r in rows if r["ServiceName"].startswith("Amazon Elastic Compute"))
    assert (compute["ServiceCategory"], compute["SubAccountId"], compute["SubAccountName"]) == ("Compute", MEMBER, "")
    assert (compute["BilledCost"], compute["EffectiveCost"], compute["x_NetBilledCost"]) == (
        "-1.2500000000",
        "3.7500000000",
        "",
    )
    assert next(r for r in rows if r["ServiceName"] == "Some Future Service")["BilledCost"] == "0.0000000000"


def test_the_files_totals_are_the_stored_historys(tmp_path, bill):
    rows = list(csv.DictReader(export(tmp_path).open()))
    window = {"start": MARCH["start"], "end": MARCH["end"] + dt.timedelta(days=1)}
    assert sum(Decimal(r["BilledCost"]) for r in rows) == cost_totals(**window)["USD"] == Decimal("11.35")
    assert sum(Decimal(r["EffectiveCost"]) for r in rows) == cost_totals(**window, metric="amortized")["USD"]


def test_the_parquet_file_holds_the_same_rows_in_focus_types(tmp_path, bill):
    target = export(tmp_path, "parquet")
    described = "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))"
    types = dict(duckdb.execute(described, [str(target)]).fetchall())
    expected = {"Decimal": "DECIMAL(38,10)", "Date/Time": "TIMESTAMP WITH TIME ZONE", "String": "VARCHAR"}
    for name, (data_type, _) in focus_spec.MANDATORY.items():
        assert types[name] == expected[data_type], name
    assert types["x_Estimated"] == "BOOLEAN"
    query = (
        "SELECT count(*), sum(BilledCost), min(strftime(ChargePeriodStart AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ')),"
        " count(PricingQuantity), count(x_NetBilledCost) FROM read_parquet(?)"
    )
    assert duckdb.execute(query, [str(target)]).fetchone() == (4, Decimal("11.35"), "2025-03-01T00:00:00Z", 0, 3)


def test_csv_goes_to_standard_output_without_a_file(bill):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_focus", "--start", "2025-03-15", "--end", "2025-03-15", stdout=out, stderr=err)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["ServiceName"] for r in rows] == ["Amazon Elastic Compute Cloud - Compute", "Some Future Service"]
    assert "2 FOCUS rows" in err.getvalue()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--start", "2025-03-31", "--end", "2025-03-01"], "is before --start"),
        (["--start", "2025-03-01", "--end", "2025-03-31", "--format", "parquet"], "needs --output"),
        (["--start", "2025-03-01", "--end", "2025-03-31", "--output", "/no/such/dir/f.csv"], "no such directory"),
    ],
)
def test_bad_arguments_are_told(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_focus", *arguments)


def test_an_impossible_day_is_told():
    with pytest.raises(CommandError, match="not a date in YYYY-MM-DD format"):
        call_command("export_focus", "--start", "2025-02-30", "--end", "2025-03-01")


def test_a_month_ingested_from_a_data_export_is_labelled_conformant(bill):
    factories.CostDataFactory(account_id=PAYER, date=dt.date(2025, 2, 28), service="AWS Lambda")
    ExportIngestion.objects.create(
        billing_period=dt.date(2025, 3, 1),
        kind="costs",
        export_format="focus1.2",
        engine="duckdb",
        manifest_key="exports/focus/metadata/BILLING_PERIOD=2025-03/focus-Manifest.json",
        manifest_id="exec-1:etag-1",
        ingested_at=timezone.now(),
    )
    out = io.StringIO()
    call_command("export_focus", "--start", "2025-02-28", "--end", "2025-03-01", stdout=out, stderr=io.StringIO())
    labels = [
        (r["ChargePeriodStart"][:10], r["x_CostmonitorConformance"], r["x_CostmonitorSource"])
        for r in csv.DictReader(io.StringIO(out.getvalue()))
    ]
    assert labels == [
        ("2025-02-28", "FOCUS-aligned", "cost_explorer"),
        ("2025-03-01", "FOCUS-conformant", "data_exports"),
    ]


def test_every_mapped_service_category_is_one_the_specification_allows():
    assert set(BY_SERVICE.values()) <= focus_spec.SERVICE_CATEGORIES
