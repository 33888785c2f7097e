"""The FOCUS export's schema against the FOCUS 1.2 specification's column list (tests/focus_spec.py), in CSV and
Parquet, and `manage.py export_focus`: its files' totals are the stored history's, split by charge category and
region without counting a cost twice."""

import csv
import datetime as dt
import io
from decimal import Decimal

import duckdb
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from collection.focus_columns import COLUMNS
from collection.focus_rows import UNATTRIBUTED_SERVICE
from collection.focus_services import BY_SERVICE
from collection.models import ChargeTypeCost, ExportIngestion
from collection.selectors import cost_totals
from tests import factories, focus_spec

pytestmark = pytest.mark.django_db

MARCH = {"start": dt.date(2025, 3, 1), "end": dt.date(2025, 3, 31)}
PAYER, MEMBER = "111111111111", "222222222222"


@pytest.fixture
def bill():
    """Two accounts' days of cost in March 2025 (one after the month's last day), with tax, a credit inside a
    service, a day without net figures, a service stored by region (the regions holding part of it), a per-region
    row without its all-regions row, and charge types: a credit, a Savings Plans fee, a refund, the tax the Tax
    service already holds, and a charge type AWS might add one day."""
    payer = factories.AwsAccountFactory(account_id=PAYER, name="management", is_payer=True)
    member = factories.AwsAccountFactory(account_id=MEMBER, name="")
    rows = [
        (payer, dt.date(2025, 3, 1), "Amazon Simple Storage Service", "", "10.5", "10.5", "9.9"),
        (payer, dt.date(2025, 3, 1), "Amazon Simple Storage Service", "us-east-1", "4", "4", "3.9"),
        (payer, dt.date(2025, 3, 1), "Amazon Simple Storage Service", "eu-west-1", "5", "5", "5"),
        (payer, dt.date(2025, 3, 1), "Amazon Elastic Compute Cloud - Compute", "eu-west-1", "7", "7", "7"),
        (payer, dt.date(2025, 3, 31), "Tax", "", "2.1", "2.1", "2.1"),
        (member, dt.date(2025, 3, 15), "Amazon Elastic Compute Cloud - Compute", "", "-1.25", "3.75", None),
        (member, dt.date(2025, 3, 15), "Some Future Service", "", "0", "0", "0"),
        (member, dt.date(2025, 4, 1), "AWS Lambda", "", "99", "99", "99"),
    ]
    for account, day, service, region, unblended, amortized, net in rows:
        factories.CostDataFactory(
            account=account,
            date=day,
            service=service,
            region=region,
            unblended_cost=Decimal(unblended),
            amortized_cost=Decimal(amortized),
            net_unblended_cost=None if net is None else Decimal(net),
            net_amortized_cost=None if net is None else Decimal(net),
        )
    charges = [
        (payer, dt.date(2025, 3, 1), "Usage", "9.25", "10.5"),
        (payer, dt.date(2025, 3, 1), "SavingsPlanRecurringFee", "1", "0"),
        (payer, dt.date(2025, 3, 1), "SomeFutureChargeType", "0.25", "0"),
        (payer, dt.date(2025, 3, 31), "Tax", "2.1", "2.1"),
        (payer, dt.date(2025, 3, 31), "Refund", "-0.5", "-0.5"),
        (member, dt.date(2025, 3, 15), "Usage", "3.75", "8.75"),
        (member, dt.date(2025, 3, 15), "Credit", "-5", "-5"),
        (member, dt.date(2025, 4, 1), "Credit", "-9", "-9"),
    ]
    for account, day, kind, unblended, amortized in charges:
        factories.ChargeTypeCostFactory(
            account=account,
            date=day,
            charge_type=kind,
            unblended_cost=Decimal(unblended),
            amortized_cost=Decimal(amortized),
            net_unblended_cost=Decimal(unblended),
            net_amortized_cost=Decimal(amortized),
        )


ROWS = 13  # 1 March: S3 in 2 regions and the rest, 2 charge types, an offset; 31 March: Tax, the refund, an offset;
# 15 March: 2 services, the credit, an offset (the tax charge type is the Tax service's; the EC2 region row has no
# all-regions row)


def export(tmp_path, fmt: str = "csv"):
    target = tmp_path / f"focus.{fmt}"
    out = io.StringIO()
    call_command(
        "export_focus", "--start", "2025-03-01", "--end", "2025-03-31", "--format", fmt, "--output", target, stdout=out
    )
    assert f"{ROWS} FOCUS rows (2025-03-01..2025-03-31)" in out.getvalue()
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
    assert len(rows) == ROWS
    for row in rows:
        for name, (data_type, allows_nulls) in {**focus_spec.MANDATORY, **focus_spec.CONDITIONAL}.items():
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
        assert bool(row["RegionName"]) == bool(row["RegionId"])  # null exactly when RegionId is
        assert row["Tags"] == ""  # null: not known per row (collection.focus_columns)
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


def by_category(rows) -> dict[str, Decimal]:
    totals = {}
    for row in rows:
        totals[row["ChargeCategory"]] = totals.get(row["ChargeCategory"], 0) + Decimal(row["BilledCost"])
    return totals


def test_an_account_days_cost_is_split_by_charge_category_without_double_counting(tmp_path, bill):
    rows = list(csv.DictReader(export(tmp_path).open()))
    # Tax: the Tax service (its charge type adds nothing beside it); Purchase: the fee; Credit: the credit;
    # Adjustment: the refund and the charge type not in AWS's list; Usage: the rest of the services' cost.
    assert by_category(rows) == {
        "Usage": Decimal("13.5"),
        "Tax": Decimal("2.1"),
        "Purchase": Decimal(1),
        "Credit": Decimal(-5),
        "Adjustment": Decimal("-0.25"),
    }
    charged = [r for r in rows if r["x_CostmonitorRow"] == "charge-type"]
    assert sorted((r["x_ChargeType"], r["ChargeCategory"], r["ChargeClass"], r["SubAccountId"]) for r in charged) == [
        ("Credit", "Credit", "", MEMBER),
        ("Refund", "Adjustment", "Correction", PAYER),
        ("SavingsPlanRecurringFee", "Purchase", "", PAYER),
        ("SomeFutureChargeType", "Adjustment", "", PAYER),
    ]
    assert {r["ServiceName"] for r in charged} == {UNATTRIBUTED_SERVICE}
    assert (
        "not in AWS's list"
        in next(r for r in charged if r["x_ChargeType"] == "SomeFutureChargeType")["ChargeDescription"]
    )
    offsets = {
        (r["ChargePeriodStart"][:10], r["SubAccountId"]): (r["ChargeCategory"], r["BilledCost"], r["ChargeDescription"])
        for r in rows
        if r["x_CostmonitorRow"] == "charge-offset"
    }
    assert offsets == {
        ("2025-03-01", PAYER): (
            "Usage",
            "-1.2500000000",
            "The account's daily SavingsPlanRecurringFee, SomeFutureChargeType taken out of its services' rows",
        ),
        ("2025-03-31", PAYER): ("Usage", "0.5000000000", "The account's daily Refund taken out of its services' rows"),
        ("2025-03-15", MEMBER): ("Usage", "5.0000000000", "The account's daily Credit taken out of its services' rows"),
    }
    assert {r["x_CostmonitorChargeSplit"] for r in rows} == {"true"}


def test_a_service_stored_by_region_is_one_row_per_region_and_the_rest(tmp_path, bill):
    rows = list(csv.DictReader(export(tmp_path).open()))
    storage = [r for r in rows if r["ServiceName"] == "Amazon Simple Storage Service"]
    assert [(r["RegionId"], r["RegionName"], r["BilledCost"], r["x_CostmonitorRow"]) for r in storage] == [
        ("eu-west-1", "Europe (Ireland)", "5.0000000000", "region"),
        ("us-east-1", "US East (N. Virginia)", "4.0000000000", "region"),
        ("", "", "1.5000000000", "region-unattributed"),
    ]
    assert storage[-1]["x_NetBilledCost"] == "1.0000000000"
    # EC2's eu-west-1 row on 1 March has no all-regions row: it is not in the stored history's totals either.
    assert not [r for r in rows if r["ServiceName"].startswith("Amazon Elastic") and r["SubAccountId"] == PAYER]


def test_a_day_without_stored_charge_types_is_not_split(bill):
    ChargeTypeCost.objects.filter(date=dt.date(2025, 3, 15)).delete()
    out = io.StringIO()
    call_command("export_focus", "--start", "2025-03-15", "--end", "2025-03-15", stdout=out, stderr=io.StringIO())
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["ChargeCategory"], r["x_CostmonitorRow"], r["x_CostmonitorChargeSplit"]) for r in rows] == [
        ("Usage", "service", "false"),
        ("Usage", "service", "false"),
    ]


@pytest.mark.parametrize("kind", ["credit", "CREDIT", "Credit"])
def test_a_charge_type_in_any_case_is_its_category(bill, kind):
    ChargeTypeCost.objects.filter(charge_type="Credit").update(charge_type=kind)
    out = io.StringIO()
    call_command("export_focus", "--start", "2025-03-15", "--end", "2025-03-15", stdout=out, stderr=io.StringIO())
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["x_ChargeType"], r["ChargeCategory"]) for r in rows if r["x_ChargeType"]] == [(kind, "Credit")]
    assert by_category(rows) == {"Usage": Decimal("3.75"), "Credit": Decimal(-5)}


def test_the_parquet_file_holds_the_same_rows_in_focus_types(tmp_path, bill):
    target = export(tmp_path, "parquet")
    described = "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))"
    types = dict(duckdb.execute(described, [str(target)]).fetchall())
    expected = {"Decimal": "DECIMAL(38,10)", "Date/Time": "TIMESTAMP WITH TIME ZONE", "String": "VARCHAR"}
    for name, (data_type, _) in focus_spec.MANDATORY.items():
        assert types[name] == expected[data_type], name
    assert (types["RegionId"], types["RegionName"], types["Tags"]) == ("VARCHAR", "VARCHAR", "VARCHAR")
    assert types["x_Estimated"] == types["x_CostmonitorChargeSplit"] == "BOOLEAN"
    query = (
        "SELECT count(*), sum(BilledCost), sum(EffectiveCost),"
        " min(strftime(ChargePeriodStart AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ')),"
        " count(PricingQuantity), count(Tags), count(RegionId), count(ChargeClass) FROM read_parquet(?)"
    )
    assert duckdb.execute(query, [str(target)]).fetchone() == (
        ROWS,
        Decimal("11.35"),
        Decimal("16.35"),
        "2025-03-01T00:00:00Z",
        0,
        0,
        2,
        1,
    )
    categories = "SELECT ChargeCategory, sum(BilledCost) FROM read_parquet(?) GROUP BY ALL"
    csv_rows = list(csv.DictReader(export(tmp_path).open()))
    assert dict(duckdb.execute(categories, [str(target)]).fetchall()) == by_category(csv_rows)


def test_csv_goes_to_standard_output_without_a_file(bill):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_focus", "--start", "2025-03-15", "--end", "2025-03-15", stdout=out, stderr=err)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["ServiceName"] for r in rows] == [
        "Amazon Elastic Compute Cloud - Compute",
        "Some Future Service",
        UNATTRIBUTED_SERVICE,
        UNATTRIBUTED_SERVICE,
    ]
    assert "4 FOCUS rows" in err.getvalue()


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
    factories.CostDataFactory(account_id=PAYER, date=dt.date(2025, 3, 2), service="AWS Lambda")
    factories.ChargeTypeCostFactory(account_id=PAYER, date=dt.date(2025, 3, 2), charge_type="Usage")
    factories.CostDataFactory(account_id=PAYER, date=dt.date(2025, 3, 3), service="AWS Lambda")
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
    call_command("export_focus", "--start", "2025-02-28", "--end", "2025-03-03", stdout=out, stderr=io.StringIO())
    labels = [
        (r["ChargePeriodStart"][:10], r["x_CostmonitorRow"], r["x_CostmonitorConformance"], r["x_CostmonitorSource"])
        for r in csv.DictReader(io.StringIO(out.getvalue()))
    ]
    # Conformant: the export's costs on a row whose ChargeCategory is exact (2 March: its charge types are all
    # usage). Aligned: what costmonitor derives (a region's remainder, a charge type's share), the services other
    # categories were split out of (1 March), and a day whose charge types are not stored (3 March).
    assert labels == [
        ("2025-02-28", "service", "FOCUS-aligned", "cost_explorer"),
        ("2025-03-01", "region", "FOCUS-aligned", "data_exports"),
        ("2025-03-01", "region", "FOCUS-aligned", "data_exports"),
        ("2025-03-01", "region-unattributed", "FOCUS-aligned", "data_exports"),
        ("2025-03-01", "charge-type", "FOCUS-aligned", "data_exports"),
        ("2025-03-01", "charge-type", "FOCUS-aligned", "data_exports"),
        ("2025-03-01", "charge-offset", "FOCUS-aligned", "data_exports"),
        ("2025-03-02", "service", "FOCUS-conformant", "data_exports"),
        ("2025-03-03", "service", "FOCUS-aligned", "data_exports"),
    ]


def test_every_mapped_service_category_is_one_the_specification_allows():
    assert set(BY_SERVICE.values()) <= focus_spec.SERVICE_CATEGORIES
