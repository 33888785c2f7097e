"""The demo's Data Export: a CUR 2.0 Parquet export of the synthetic bill in the documented layout, ingested by the
demo's costs runs through the manifest and DuckDB as a real export is, so /api/resources and aws_resource_cost
show the costliest resources under `make run`.

Layout: https://docs.aws.amazon.com/cur/latest/userguide/dataexports-export-delivery.html
Manifest: https://docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html
"""

import datetime as dt
import json
import tempfile
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import time_machine
from django.db.models import Sum

from collection.focus_columns import MonthSource
from collection.models import CostData, ExportIngestion, ResourceCost
from collection.selectors.focus import month_sources
from collection.selectors.gauges import cost_gauges
from collection.services import run_collection
from collection.services.demo_export import LOCATION, export_root
from tests.data_exports import schemas

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)  # the 8-hour block from 08:00
YESTERDAY = dt.date(2026, 3, 9)


@pytest.fixture
def demo_run(demo_source):
    def run(instant: dt.datetime = NOW):
        with time_machine.travel(instant, tick=False):
            return run_collection(kind="costs", trigger="schedule")

    return run


def test_a_demo_costs_run_stores_the_costliest_resources_from_the_demo_export(demo_run, settings):
    settings.DATA_EXPORTS_TOP_RESOURCES = 20

    run = demo_run()

    assert run.status == "succeeded", run.error_message
    assert run.aws_requests["s3:ListObjectsV2"] == 1
    assert run.aws_requests["s3:GetObject"] == 2  # last month's manifest and this one's
    assert run.ce_requests == 0
    assert Decimal(run.ce_cost_usd) == 0
    ingested = ExportIngestion.objects.order_by("billing_period")
    # Recorded as the resources' ingestion: the costs are Cost Explorer's (FOCUS-aligned, never conformant).
    assert [(r.billing_period, r.kind, r.engine, r.export_format, r.final) for r in ingested] == [
        (dt.date(2026, 2, 1), "resources", "duckdb", "cur2", True),  # closed and invoiced since the 4th
        (dt.date(2026, 3, 1), "resources", "duckdb", "cur2", False),
    ]
    assert set(month_sources(months=[dt.date(2026, 2, 1)]).values()) == {MonthSource.DEMO}
    assert ingested[0].invoice_ids == ["2026020001"]
    # The resources carry 90 % of each account's and service's daily cost, as the export's lines do.
    by_resource = ResourceCost.objects.filter(date=YESTERDAY).values("account", "service").annotate(total=Sum("amount"))
    costs = {
        (row["account"], row["service"]): row["total"]
        for row in CostData.objects.filter(date=YESTERDAY, region="")
        .values("account", "service")
        .annotate(total=Sum("unblended_cost"))
    }
    assert len(by_resource) == len(costs) == 5 * 10
    for row in by_resource:
        assert row["total"] == pytest.approx(
            Decimal("0.9") * costs[row["account"], row["service"]], abs=Decimal("1e-6")
        )
    assert ResourceCost.objects.filter(date=YESTERDAY, resource_id__startswith="i-0").exists()
    assert not ResourceCost.objects.filter(date=YESTERDAY, estimated=False).exists()
    assert not ResourceCost.objects.filter(date=dt.date(2026, 2, 27), estimated=True).exists()


def test_a_data_dir_that_cannot_be_written_puts_the_export_in_the_temporary_folder(demo_run, settings, tmp_path):
    """As the image runs: a read-only root, /tmp its one writable folder. (A file where DATA_DIR's parent should
    be refuses the folder to any user, root included, as a read-only file system does.)"""
    (tmp_path / "not-a-folder").write_text("")
    settings.DATA_DIR = tmp_path / "not-a-folder" / "data"
    settings.DATA_EXPORTS_TOP_RESOURCES = 20
    run = demo_run()
    assert run.status == "succeeded", run.error_message
    assert export_root() == Path(tempfile.gettempdir()) / "costmonitor-demo-export" / LOCATION.bucket
    assert ResourceCost.objects.exists()


def test_the_demo_export_is_laid_out_and_typed_as_aws_delivers_cur2(demo_run):
    demo_run()

    root = export_root()
    manifest = json.loads((root / LOCATION.manifest_key(dt.date(2026, 3, 1))).read_text())
    assert manifest["executionId"].startswith("demo-202603-5x10-")
    [uri] = manifest["dataFiles"]
    assert uri.startswith(f"s3://{LOCATION.bucket}/cur2/demo-cur2/data/BILLING_PERIOD=2026-03/")
    assert uri.endswith(".snappy.parquet")
    local = root / uri.removeprefix(f"s3://{LOCATION.bucket}/")
    sql = f"DESCRIBE SELECT * FROM read_parquet('{local}', hive_partitioning = false)"  # noqa: S608
    described = duckdb.connect().execute(sql).fetchall()
    documented = dict(schemas.CUR2)
    assert {name: kind for name, kind, *_ in described} == {
        name: documented[name] for name, *_ in described
    }  # every column a CUR 2.0 column, in its documented type
    assert [c["name"] for c in manifest["columns"]] == [name for name, *_ in described]


def test_the_export_is_delivered_and_ingested_once_per_refresh_block(demo_run):
    demo_run()
    first = set(ExportIngestion.objects.values_list("manifest_id", flat=True))

    again = demo_run(NOW + dt.timedelta(minutes=20))  # same block: the same delivery, no manifest read
    assert "s3:GetObject" not in again.aws_requests
    assert set(ExportIngestion.objects.values_list("manifest_id", flat=True)) == first

    later = demo_run(NOW + dt.timedelta(hours=8))  # the next refresh: this month delivered anew, last month final
    assert later.aws_requests["s3:GetObject"] == 1
    current = ExportIngestion.objects.get(billing_period=dt.date(2026, 3, 1))
    assert current.manifest_id not in first
    assert ExportIngestion.objects.get(billing_period=dt.date(2026, 2, 1)).manifest_id in first


def test_zero_top_resources_reads_no_export(demo_run, settings):
    settings.DATA_EXPORTS_TOP_RESOURCES = 0
    run = demo_run()
    assert run.status == "succeeded"
    assert "s3:ListObjectsV2" not in run.aws_requests
    assert not ResourceCost.objects.exists()


def test_api_resources_and_the_gauge_show_the_demo_resources(demo_run, api_client, settings):
    settings.DATA_EXPORTS_TOP_RESOURCES, settings.METRICS_TOP_RESOURCES = 20, 5
    demo_run()

    with time_machine.travel(NOW, tick=False):
        response = api_client.get(f"/api/resources?start={YESTERDAY}&end={YESTERDAY}")
        gauges = [
            (labels, amount) for name, labels, amount in cost_gauges(today=NOW.date()) if name == "aws_resource_cost"
        ]

    assert response.status_code == 200, response.content
    rows = response.json()["data"]["rows"]
    assert rows
    assert {row["date"] for row in rows} == {str(YESTERDAY)}
    assert len(gauges) == 5
    costliest = ResourceCost.objects.filter(date=YESTERDAY).order_by("-amount").first()
    assert max(gauges, key=lambda gauge: gauge[1])[0]["resource_id"] == costliest.resource_id


def test_the_export_holds_the_last_two_months_as_of_each_run(demo_run):
    def periods() -> set[str]:
        return {path.name for path in (export_root() / LOCATION.root / "metadata").iterdir()}

    demo_run(NOW + dt.timedelta(days=40))  # a later run (another test's instant) first
    assert periods() == {"BILLING_PERIOD=2026-03", "BILLING_PERIOD=2026-04"}

    run = demo_run()

    assert periods() == {"BILLING_PERIOD=2026-02", "BILLING_PERIOD=2026-03"}
    assert run.aws_requests["s3:GetObject"] == 2
