"""DuckDB and Athena store the same rows from one export: the same manifest read by both engines, Athena answered by
the emulator of `tests.data_exports.athena` (its queries run over the same files in moto's S3), and what Athena
scans is paid and budgeted on the run."""

import datetime as dt
from decimal import Decimal

import pytest

from collection.data_exports.athena_pricing import MINIMUM_BILLED
from collection.models import ChargeTypeCost, CollectionRun, CostData, ExportIngestion, ResourceCost, TagCost
from collection.months import month_start
from collection.selectors.runs import bytes_scanned_this_month
from collection.services import run_collection
from tests.data_exports import schemas
from tests.data_exports.athena import FakeAthena
from tests.data_exports.exports import cur2_line, focus_line

pytestmark = pytest.mark.django_db

A, B = "111122223333", "444455556666"
EC2, S3 = "Amazon Elastic Compute Cloud", "Amazon Simple Storage Service"
LAST = month_start(today=month_start() - dt.timedelta(days=1))  # last month: in scope on any day
D1, D2 = LAST, LAST + dt.timedelta(days=1)


def cur2_lines() -> list[list[dict]]:
    return [
        [
            cur2_line(day=D1, account=A, service=EC2, cost="10.125", net="9.5", tags={"user_team": "web"}),
            cur2_line(day=D1, account=A, service=EC2, cost="2.5", region="eu-west-1", resource="i-1"),
            cur2_line(day=D1, account=A, service=EC2, cost="2.5", resource="i-0"),  # tied with i-1: ranked first
        ],
        [
            cur2_line(day=D2, account=B, service=S3, cost="0.125", tags={"user_team": "data", "user_env": "prod"}),
            cur2_line(day=D2, account=B, service=S3, cost="-1", kind="Credit", net="-1"),
            cur2_line(day=D2, account=B, service="Tax", code="Tax", cost="1.1", kind="Tax", region=""),
        ],
    ]


def focus_lines() -> list[list[dict]]:
    return [
        [
            focus_line(day=D1, account=A, service=EC2, cost="10.125", effective="9", tags={"user_team": "web"}),
            focus_line(day=D1, account=A, service=EC2, cost="2.5", region="eu-west-1", resource="i-1"),
            focus_line(day=D1, account=A, service=EC2, cost="2.5", resource="i-0"),  # tied with i-1: ranked first
        ],
        [focus_line(day=D2, account=B, service=S3, cost="-1", category="Credit", tags={"user_team": "data"})],
    ]


def stored() -> dict[str, list[tuple]]:
    metrics = ("unblended_cost", "amortized_cost", "net_unblended_cost", "net_amortized_cost", "currency", "estimated")
    return {
        "costs": list(
            CostData.objects.order_by("date", "account", "service", "region").values_list(
                "date", "account_id", "service", "region", *metrics
            )
        ),
        "charge_types": list(
            ChargeTypeCost.objects.order_by("date", "account", "charge_type").values_list(
                "date", "account_id", "charge_type", *metrics
            )
        ),
        "tags": list(
            TagCost.objects.order_by("date", "tag_key", "tag_value", "service").values_list(
                "date", "tag_key", "tag_value", "service", "amount", "currency", "estimated"
            )
        ),
        "resources": list(
            ResourceCost.objects.order_by("date", "service", "resource_id").values_list(
                "date", "account_id", "service", "resource_id", "amount", "currency", "estimated"
            )
        ),
    }


def collect_both() -> list[CollectionRun]:
    return [run_collection(kind=kind, trigger="schedule") for kind in ("costs", "tags")]


@pytest.fixture
def athena(settings, client_hooks, s3_endpoint):
    """Runs read through the Athena engine, answered by the emulator over the export's files."""

    def use(table: str, *, partitioned: bool = True) -> FakeAthena:
        settings.DATA_EXPORTS_ENGINE = "athena"
        settings.ATHENA_DATABASE, settings.ATHENA_TABLE, settings.ATHENA_POLL_SECONDS = "cur", "org_export", 0
        schema = schemas.CUR2 if table == "cur2" else schemas.FOCUS12
        fake = FakeAthena(schema=schema, endpoint=s3_endpoint, partitioned=partitioned)
        client_hooks.append(lambda service, client: fake.install(client) if service == "athena" else None)
        return fake

    return use


@pytest.mark.parametrize("partitioned", [True, False], ids=["billing_period partition", "no partition key"])
@pytest.mark.parametrize(("export", "lines"), [("cur2_export", cur2_lines), ("focus_export", focus_lines)])
def test_duckdb_and_athena_store_the_same_rows_from_one_export(request, settings, athena, export, lines, partitioned):
    delivery = request.getfixturevalue(export)
    settings.COST_REGION_BREAKDOWN = True
    settings.DATA_EXPORTS_TOP_RESOURCES = 1
    delivery.deliver(LAST, *lines())
    assert all(run.status == "succeeded" for run in collect_both())
    by_duckdb = stored()
    assert all(by_duckdb.values())
    assert [row[3] for row in by_duckdb["resources"]] == ["i-0"]
    for model in (CostData, ChargeTypeCost, TagCost, ResourceCost, ExportIngestion):
        model.objects.all().delete()

    fake = athena(delivery.table, partitioned=partitioned)
    runs = collect_both()

    assert [run.status for run in runs] == ["succeeded", "succeeded"], [run.error_message for run in runs]
    assert stored() == by_duckdb
    assert set(ExportIngestion.objects.values_list("engine", flat=True)) == {"athena"}
    assert fake.calls.count("GetQueryResults") > fake.calls.count("StartQueryExecution")  # pages of 2 rows
    # The costs kind's four aggregates in one query of the month; tags: invoices, tag keys, tags.
    assert [run.aws_requests["athena:StartQueryExecution"] for run in runs] == [1, 3]
    pruned = [q for q in fake.sql if "billing_period = ?" in q]
    assert len(pruned) == (4 if partitioned else 0)
    for run in runs:
        assert run.ce_requests == 0
        assert run.aws_requests["athena:StartQueryExecution"] == run.bytes_scanned["athena"] // MINIMUM_BILLED
    assert bytes_scanned_this_month(service="athena") == sum(run.bytes_scanned["athena"] for run in runs)


def test_a_spent_monthly_budget_stops_the_run_before_any_query(settings, cur2_export, athena):
    settings.ATHENA_MONTHLY_BUDGET_USD = 0.00001  # about 2 MB: less than one query's 10 MB minimum
    cur2_export.deliver(LAST, *cur2_lines())
    fake = athena("cur2")

    run = run_collection(kind="costs", trigger="schedule")

    assert (run.status, run.error_code) == ("failed", "CEBudgetExceeded")
    assert "ATHENA_MONTHLY_BUDGET_USD" in run.error_message
    assert "StartQueryExecution" not in fake.calls
    assert not CostData.objects.exists()
    assert run.bytes_scanned == {}
    assert Decimal(run.ce_cost_usd) == 0
