"""Costs and tags from a CUR 2.0 export in moto's S3: only the manifest's files, one month replaced per change.

Layout and manifest: https://docs.aws.amazon.com/cur/latest/userguide/dataexports-export-delivery.html,
https://docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html; columns:
https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from collection.models import ChargeTypeCost, CollectionRun, CostData, ExportIngestion, TagCost
from collection.months import month_start
from collection.services import run_collection
from tests.data_exports.exports import cur2_line
from tests.rollup_truth import assert_rollups_exact

pytestmark = pytest.mark.django_db

A, B = "111122223333", "444455556666"
EC2, S3 = "Amazon Elastic Compute Cloud", "Amazon Simple Storage Service"
LAST = month_start(today=month_start() - dt.timedelta(days=1))  # last month: in scope on any day
EARLIER = month_start(today=LAST - dt.timedelta(days=1))
D1, D2 = LAST, LAST + dt.timedelta(days=1)


def lines(scale: str = "1") -> list[dict]:
    factor = Decimal(scale)
    return [
        cur2_line(day=D1, account=A, service=EC2, cost=str(10 * factor), tags={"user_team": "web"}, resource="i-1"),
        cur2_line(day=D1, account=A, service=EC2, cost=str(Decimal("2.5") * factor), region="eu-west-1"),
        cur2_line(day=D2, account=B, service=S3, cost=str(Decimal("0.125") * factor), tags={"user_team": "data"}),
        cur2_line(day=D2, account=B, service=S3, cost="-1", kind="Credit", net="-1"),
    ]


def collect(kind: str = "costs", **window) -> CollectionRun:
    return run_collection(kind=kind, trigger="schedule", **window)


def total(qs, field: str = "unblended_cost") -> Decimal:
    return qs.aggregate(total=Sum(field))["total"]


def test_only_the_manifests_files_count_among_several_snapshots(cur2_export):
    cur2_export.deliver(LAST, lines("3"))  # an earlier snapshot of the month, left in its folder
    cur2_export.deliver(LAST, lines("2"))
    latest = cur2_export.deliver(LAST, lines()[:2], lines()[2:])  # the current one, in two files

    run = collect()

    assert run.status == "succeeded", run.error_message
    assert total(CostData.objects.filter(region="")) == Decimal("11.625")  # 10 + 2.5 + 0.125 - 1, once
    assert run.ce_requests == 0
    assert "s3:ListObjectsV2" in run.aws_requests
    record = ExportIngestion.objects.get(billing_period=LAST, kind="costs")
    assert record.files == latest.data_files
    assert record.line_items == 4
    assert record.run == run
    assert record.manifest_id.startswith(latest.execution_id)


def test_costs_land_in_the_daily_aggregates_by_account_service_and_charge_type(cur2_export):
    cur2_export.deliver(LAST, lines())

    collect()

    ec2 = CostData.objects.get(date=D1, account_id=A, service=EC2, region="")
    assert (ec2.unblended_cost, ec2.net_unblended_cost, ec2.estimated) == (Decimal("12.5"), Decimal("12.5"), True)
    credit = ChargeTypeCost.objects.get(date=D2, account_id=B, charge_type="Credit")
    assert credit.unblended_cost == Decimal("-1")
    assert not CostData.objects.exclude(region="").exists()  # COST_REGION_BREAKDOWN is off


def test_region_rows_with_the_region_breakdown(cur2_export, settings):
    settings.COST_REGION_BREAKDOWN = True
    cur2_export.deliver(LAST, lines())

    collect()

    regions = dict(CostData.objects.filter(date=D1, account_id=A).values_list("region", "unblended_cost"))
    assert regions == {"": Decimal("12.5"), "us-east-1": Decimal("10"), "eu-west-1": Decimal("2.5")}


def test_an_unchanged_manifest_costs_one_list_request_and_writes_nothing(cur2_export):
    cur2_export.deliver(LAST, lines())
    collect()
    stamp = CostData.objects.get(date=D1, account_id=A, service=EC2, region="").updated_at

    again = collect()

    assert again.status == "succeeded"
    assert again.rows_written == 0
    assert again.aws_requests == {"s3:ListObjectsV2": 1}
    assert CostData.objects.get(date=D1, account_id=A, service=EC2, region="").updated_at == stamp


def test_a_restated_month_replaces_exactly_that_month(cur2_export):
    cur2_export.deliver(EARLIER, [cur2_line(day=EARLIER, account=A, service=EC2, cost="7")])
    cur2_export.deliver(LAST, lines())
    collect()
    earlier_stamp = CostData.objects.get(date=EARLIER).updated_at

    cur2_export.deliver(LAST, [cur2_line(day=D1, account=A, service=EC2, cost="20")])  # S3 is gone, EC2 restated
    run = collect()

    assert run.status == "succeeded"
    assert list(CostData.objects.filter(date__gte=LAST).values_list("service", "unblended_cost")) == [
        (EC2, Decimal("20"))
    ]
    assert not ChargeTypeCost.objects.filter(charge_type="Credit").exists()
    assert CostData.objects.get(date=EARLIER).updated_at == earlier_stamp  # the other month untouched


def test_the_cost_rollups_follow_every_ingested_and_restated_month(cur2_export, settings):
    settings.COST_REGION_BREAKDOWN = True  # region rows too, which no rollup sums
    cur2_export.deliver(EARLIER, [cur2_line(day=EARLIER, account=A, service=EC2, cost="7")])
    cur2_export.deliver(LAST, lines())
    collect()
    assert_rollups_exact()

    cur2_export.deliver(LAST, [cur2_line(day=D1, account=A, service=EC2, cost="20.0625")])  # S3 gone, EC2 restated
    collect()
    assert_rollups_exact()


def test_a_month_is_final_once_its_invoice_id_is_set(cur2_export):
    cur2_export.deliver(LAST, lines())
    collect()
    assert not ExportIngestion.objects.get(kind="costs").final

    cur2_export.deliver(LAST, [{**line, "bill_invoice_id": "EUINGB26-123456"} for line in lines()])
    collect()

    record = ExportIngestion.objects.get(kind="costs")
    assert record.final
    assert record.invoice_ids == ["EUINGB26-123456"]
    assert not CostData.objects.filter(date__gte=LAST, estimated=True).exists()


def test_tags_every_key_with_the_untagged_cost(cur2_export):
    cur2_export.deliver(LAST, lines())

    run = collect("tags")

    assert run.status == "succeeded", run.error_message
    values = dict(TagCost.objects.filter(tag_key="user_team").values_list("tag_value", "amount"))
    # D1: 10 tagged web, 2.5 untagged; D2: 0.125 tagged data, -1 untagged: summed over the days per value.
    assert {v: total(TagCost.objects.filter(tag_value=v), "amount") for v in values} == {
        "web": Decimal("10"),
        "data": Decimal("0.125"),
        "": Decimal("1.5"),
    }


def test_missing_optional_columns_read_as_unknown(cur2_export):
    TagCost.objects.create(date=D1, tag_key="team", tag_value="x", service=EC2, amount=1)
    cur2_export.deliver(LAST, lines(), drop=("resource_tags", "line_item_net_unblended_cost"))

    assert collect().status == "succeeded"
    assert collect("tags").status == "succeeded"

    row = CostData.objects.get(date=D1, account_id=A, service=EC2, region="")
    assert (row.unblended_cost, row.net_unblended_cost, row.net_amortized_cost) == (Decimal("12.5"), None, None)
    assert TagCost.objects.filter(tag_key="team").exists()  # an export without tags keeps the stored tags


def test_amortized_cost_follows_the_savings_plan_columns(cur2_export):
    covered = cur2_line(
        day=D1,
        account=A,
        service=EC2,
        cost="10",
        kind="SavingsPlanCoveredUsage",
        savings_plan_savings_plan_effective_cost=6.0,
        savings_plan_net_savings_plan_effective_cost=5.0,
    )
    negation = cur2_line(day=D1, account=A, service=EC2, cost="-10", kind="SavingsPlanNegation")
    cur2_export.deliver(LAST, [covered, negation])

    collect()

    row = CostData.objects.get(date=D1, account_id=A, service=EC2, region="")
    assert (row.unblended_cost, row.amortized_cost, row.net_amortized_cost) == (0, Decimal("6"), Decimal("5"))


def test_amortized_cost_spreads_a_reservations_upfront_fee(cur2_export):
    arn = "arn:aws:ec2:us-east-1:111122223333:reserved-instances/6f6f6f6f-aaaa-bbbb-cccc-0123456789ab"
    upfront = cur2_line(day=D1, account=A, service=EC2, cost="100", kind="Fee", reservation_reservation_a_r_n=arn)
    covered = cur2_line(
        day=D1, account=A, service=EC2, cost="0", kind="DiscountedUsage", reservation_effective_cost=3.0
    )
    support = cur2_line(day=D1, account=A, service=EC2, cost="5", kind="Fee")
    cur2_export.deliver(LAST, [upfront, covered, support])

    collect()

    row = CostData.objects.get(date=D1, account_id=A, service=EC2, region="")
    assert (row.unblended_cost, row.amortized_cost) == (Decimal("105"), Decimal("8"))


def test_amortized_cost_of_fees_and_unused_commitments_without_the_reservation_columns(cur2_export):
    """No reservation ARN column: a fee costs its own amount. The unused part of a Savings Plan's commitment and of a
    reservation's fees is their amortized cost; without the reservation's net columns, its net amortized cost is 0."""
    at = {"day": D1, "account": A, "service": EC2}
    commitment = {"savings_plan_total_commitment_to_date": 10.0, "savings_plan_used_commitment": 7.0}
    unused = {
        "reservation_unused_amortized_upfront_fee_for_billing_period": 1.5,
        "reservation_unused_recurring_fee": 0.5,
    }
    lines = [
        cur2_line(**at, cost="5", kind="Fee"),
        cur2_line(**at, cost="100", kind="SavingsPlanUpfrontFee"),
        cur2_line(**at, cost="10", kind="SavingsPlanRecurringFee", **commitment),
        cur2_line(**at, cost="20", kind="RIFee", **unused),
    ]
    cur2_export.deliver(LAST, lines)

    collect()

    row = CostData.objects.get(date=D1, account_id=A, service=EC2, region="")
    assert (row.unblended_cost, row.amortized_cost, row.net_amortized_cost) == (135, Decimal("10"), Decimal("8"))


def test_an_empty_or_absent_manifest_never_deletes_history(cur2_export):
    cur2_export.deliver(LAST, lines())
    collect()
    before = total(CostData.objects.all())

    cur2_export.deliver(LAST, manifest={"executionId": "empty-run", "dataFiles": []})
    run = collect()
    cur2_export.s3.delete_object(Bucket=cur2_export.location.bucket, Key=cur2_export.location.manifest_key(LAST))
    gone = collect()

    assert run.status == gone.status == "succeeded"
    assert total(CostData.objects.all()) == before


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"{not json", "is not JSON"),
        ({"dataFiles": []}, "has no executionId"),
        ({"executionId": "x", "dataFiles": "s3://elsewhere"}, "has no dataFiles list"),
        ({"executionId": "x", "dataFiles": ["s3://other-bucket/part.parquet"]}, "outside"),
    ],
)
def test_a_malformed_manifest_fails_clearly_and_writes_nothing(cur2_export, body, says):
    cur2_export.deliver(LAST, lines())
    collect()
    before = list(CostData.objects.values_list("id", "unblended_cost", "updated_at"))

    cur2_export.put_manifest(LAST, body)
    run = collect()

    assert run.status == "failed"
    assert run.error_code == "MalformedResponse"
    assert says in run.error_message
    assert "nothing of its billing period was written" in run.error_message
    assert list(CostData.objects.values_list("id", "unblended_cost", "updated_at")) == before


def test_a_gzip_csv_export_is_refused_by_name(cur2_export):
    uri = f"{cur2_export.location.data_prefix(LAST)}x/{cur2_export.location.export_name}-00001.csv.gz"
    cur2_export.put_manifest(LAST, {"executionId": "csv", "dataFiles": [uri]})

    run = collect()

    assert run.status == "failed"
    assert "not a Parquet file" in run.error_message


def test_a_wrong_format_names_the_missing_columns(cur2_export, settings):
    cur2_export.deliver(LAST, lines())
    settings.DATA_EXPORTS_FORMAT = "focus1.2"

    run = collect()

    assert run.status == "failed"
    assert "BilledCost" in run.error_message
    assert not CostData.objects.exists()


def test_a_window_reingests_the_months_it_touches(cur2_export):
    cur2_export.deliver(LAST, lines())
    collect()

    run = run_collection(kind="costs", trigger="command", start=D1, end=D2)

    assert run.status == "succeeded"
    assert run.rows_written > 0
    assert (run.window_start, run.window_end) == (LAST, month_start(today=LAST + dt.timedelta(days=32)))


def test_cost_explorer_keeps_the_datasets_the_export_does_not_feed(cur2_export, settings):
    settings.DATA_EXPORTS_DATASETS = ["tags"]
    cur2_export.deliver(LAST, lines())

    from collection.services.cost_sources import COST_EXPLORER, DATA_EXPORTS, source_for

    assert source_for(kind="costs", source="aws").name == COST_EXPLORER
    assert source_for(kind="tags", source="aws").name == DATA_EXPORTS
    assert source_for(kind="tags", source="demo").name == COST_EXPLORER
    assert source_for(kind="costs", source="demo").name == "demo"  # CE answers, the demo export's resources


def test_a_listed_file_that_cannot_be_read_fails_the_run_and_writes_nothing(cur2_export):
    cur2_export.deliver(LAST, lines())
    collect()
    before = list(CostData.objects.values_list("id", "unblended_cost", "updated_at"))
    missing = f"{cur2_export.location.data_prefix(LAST)}gone/{cur2_export.location.export_name}-00001.snappy.parquet"
    cur2_export.put_manifest(LAST, {"executionId": "later", "dataFiles": [missing]})

    run = collect()

    assert run.status == "failed"
    assert run.error_code == "DataExportsUnreadable"
    assert "could not be read" in run.error_message
    assert list(CostData.objects.values_list("id", "unblended_cost", "updated_at")) == before
