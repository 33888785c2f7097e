"""The Athena engine through botocore's Stubber, every answer shaped as the Athena API reference documents it (and
validated by Stubber against botocore's athena model): a query's states, its result pages, its cost and its caps.

StartQueryExecution: https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html
GetQueryExecution (QueryExecutionStatus.State QUEUED | RUNNING | SUCCEEDED | FAILED | CANCELLED, Statistics
optional): https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryExecution.html
GetQueryResults (the header row first on the first page, NextToken until the last; a NULL is a Datum without
VarCharValue): https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
GetTableMetadata: https://docs.aws.amazon.com/athena/latest/APIReference/API_GetTableMetadata.html
Pricing (USD 5 per TB, rounded up to the MB, 10 MB at least; failed queries free): https://aws.amazon.com/athena/pricing/
"""

import datetime as dt
from decimal import Decimal

import boto3
import pytest
from botocore.stub import Stubber

from collection.aws import RequestCounter
from collection.data_exports.athena_engine import AthenaEngine, month_limit_bytes
from collection.data_exports.athena_pricing import MB, TB, billed_bytes, scan_cost_usd
from collection.data_exports.engine import Manifest
from collection.data_exports.formats import ExportFormat
from collection.errors import AWSAPIError, BudgetExceeded

FILES = (
    "s3://cur-exports/costs/data/BILLING_PERIOD=2026-03/e1/org-00001.snappy.parquet",
    "s3://cur-exports/x'y.parquet",
)
MANIFEST = Manifest(
    billing_period=dt.date(2026, 3, 1),
    bucket="cur-exports",
    key="costs/metadata/BILLING_PERIOD=2026-03/org-Manifest.json",
    etag='"abc"',
    execution_id="e1",
    data_files=FILES,
    columns=frozenset(),
)
SQL = "SELECT day, account_id, SUM(unblended) FROM {source} GROUP BY day, account_id"
QID = "11111111-2222-3333-4444-555555555555"


@pytest.fixture
def athena(settings):
    settings.ATHENA_DATABASE, settings.ATHENA_TABLE = "cur", "org_export"
    settings.ATHENA_WORKGROUP, settings.ATHENA_OUTPUT_LOCATION = "costmonitor", "s3://athena-results/costmonitor/"
    settings.ATHENA_POLL_SECONDS = 0
    client = boto3.client("athena", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def engine(client, *, limit: int = TB, export_format=ExportFormat.CUR2) -> AthenaEngine:
    return AthenaEngine(client=client, counter=RequestCounter(), limit_bytes=limit, export_format=export_format)


def execution(state: str, *, scanned: int | None = None, **status) -> dict:
    answer = {"QueryExecution": {"QueryExecutionId": QID, "Status": {"State": state, **status}}}
    if scanned is not None:
        answer["QueryExecution"]["Statistics"] = {"DataScannedInBytes": scanned}
    return answer


def page(*rows: list[str | None], header: bool, token: str | None = None) -> dict:
    columns = [{"Name": "day", "Type": "date"}, {"Name": "account_id", "Type": "varchar"}]
    columns.append({"Name": "_col2", "Type": "decimal", "Precision": 38, "Scale": 10})
    data = [[{"VarCharValue": "day"}, {"VarCharValue": "account_id"}, {"VarCharValue": "_col2"}]] if header else []
    data += [[{} if v is None else {"VarCharValue": v} for v in row] for row in rows]
    answer = {"ResultSet": {"Rows": [{"Data": d} for d in data], "ResultSetMetadata": {"ColumnInfo": columns}}}
    if token:
        answer["NextToken"] = token
    return answer


def start(stubber) -> None:
    expected = {
        "QueryString": "SELECT day, account_id, SUM(unblended) FROM "
        '(SELECT * FROM "cur"."org_export" WHERE "$path" IN (?, ?)) GROUP BY day, account_id',
        "ExecutionParameters": [f"'{FILES[0]}'", "'s3://cur-exports/x''y.parquet'"],
        "QueryExecutionContext": {"Catalog": "AwsDataCatalog", "Database": "cur"},
        "WorkGroup": "costmonitor",
        "ResultConfiguration": {"OutputLocation": "s3://athena-results/costmonitor/"},
    }
    stubber.add_response("start_query_execution", {"QueryExecutionId": QID}, expected)


def test_a_query_is_polled_to_success_and_its_pages_read_after_the_header(athena):
    client, stubber = athena
    start(stubber)
    stubber.add_response("get_query_execution", execution("QUEUED"), {"QueryExecutionId": QID})
    stubber.add_response("get_query_execution", execution("RUNNING", scanned=5 * MB))
    stubber.add_response("get_query_execution", execution("succeeded", scanned=15 * MB + 1))  # any casing
    stubber.add_response(
        "get_query_results",
        page(["2026-03-01", "111122223333", "12.5000000000"], header=True, token="t1"),
        {"QueryExecutionId": QID, "MaxResults": 1000},
    )
    stubber.add_response(
        "get_query_results",
        page(["2026-03-02", None, "-1"], header=False),
        {"QueryExecutionId": QID, "MaxResults": 1000, "NextToken": "t1"},
    )
    athena_engine = engine(client)

    rows = athena_engine.rows(sql=SQL, manifest=MANIFEST)

    assert rows == [
        (dt.date(2026, 3, 1), "111122223333", Decimal("12.5")),
        (dt.date(2026, 3, 2), None, Decimal("-1")),
    ]
    assert athena_engine.counter.scanned["athena"] == 16 * MB  # rounded up to the megabyte


def test_an_answer_with_the_header_row_only_has_no_rows(athena, settings):
    client, stubber = athena
    settings.ATHENA_OUTPUT_LOCATION = ""  # the workgroup's own result location: no ResultConfiguration
    expected = {
        "QueryString": SQL.replace("{source}", '(SELECT * FROM "cur"."org_export" WHERE "$path" IN (?, ?))'),
        "ExecutionParameters": [f"'{FILES[0]}'", "'s3://cur-exports/x''y.parquet'"],
        "QueryExecutionContext": {"Catalog": "AwsDataCatalog", "Database": "cur"},
        "WorkGroup": "costmonitor",
    }
    stubber.add_response("start_query_execution", {"QueryExecutionId": QID}, expected)
    stubber.add_response("get_query_execution", execution("SUCCEEDED"))  # Statistics absent: 10 MB billed
    stubber.add_response("get_query_results", page(header=True))
    athena_engine = engine(client)

    assert athena_engine.rows(sql=SQL, manifest=MANIFEST) == []
    assert athena_engine.counter.scanned["athena"] == 10 * MB


@pytest.mark.parametrize(("state", "billed"), [("FAILED", 0), ("CANCELLED", 20 * MB)])
def test_a_failed_or_cancelled_query_fails_the_read_clearly(athena, state, billed):
    client, stubber = athena
    start(stubber)
    reason = {"StateChangeReason": "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved"}
    stubber.add_response("get_query_execution", execution(state, scanned=20 * MB, **reason))
    athena_engine = engine(client)

    with pytest.raises(AWSAPIError, match=f"2026-03 ended {state} \\(COLUMN_NOT_FOUND") as failure:
        athena_engine.rows(sql=SQL, manifest=MANIFEST)

    assert failure.value.code == f"AthenaQuery{state.title()}"
    assert athena_engine.counter.scanned["athena"] == billed  # failed queries are free


def test_a_query_scanning_past_the_runs_cap_is_stopped_and_paid(athena):
    client, stubber = athena
    start(stubber)
    stubber.add_response("get_query_execution", execution("RUNNING", scanned=30 * MB))
    stubber.add_response("stop_query_execution", {}, {"QueryExecutionId": QID})
    athena_engine = engine(client, limit=20 * MB)

    with pytest.raises(BudgetExceeded, match="stopped an Athena query at 31,457,280 bytes"):
        athena_engine.rows(sql=SQL, manifest=MANIFEST)

    assert athena_engine.counter.scanned["athena"] == 30 * MB


def test_no_query_starts_once_the_cap_is_spent(athena):
    client, _ = athena
    athena_engine = engine(client, limit=15 * MB)
    athena_engine.counter.record_scanned(service="athena", billed_bytes=10 * MB)

    with pytest.raises(BudgetExceeded, match="stopped before an Athena query"):
        athena_engine.rows(sql=SQL, manifest=MANIFEST)  # no answer queued: nothing is sent


def test_an_error_answer_is_an_aws_error(athena):
    client, stubber = athena
    stubber.add_client_error("start_query_execution", "InvalidRequestException", "Database cur does not exist")

    with pytest.raises(AWSAPIError) as failure:
        engine(client).rows(sql=SQL, manifest=MANIFEST)

    assert failure.value.code == "InvalidRequestException"


def test_the_glue_tables_columns_read_in_the_formats_spelling(athena):
    client, stubber = athena
    table = {
        "Name": "org_export",
        "Columns": [{"Name": "billedcost", "Type": "double"}, {"Name": "chargeperiodstart", "Type": "timestamp"}],
        "PartitionKeys": [{"Name": "billing_period", "Type": "string"}],
    }
    expected = {"CatalogName": "AwsDataCatalog", "DatabaseName": "cur", "TableName": "org_export"}
    stubber.add_response("get_table_metadata", {"TableMetadata": table}, {**expected, "WorkGroup": "costmonitor"})

    columns = engine(client, export_format=ExportFormat.FOCUS12).columns(manifest=MANIFEST)

    assert columns == {"BilledCost", "ChargePeriodStart", "billing_period"}


def test_the_price_of_a_scan():
    assert billed_bytes(0) == billed_bytes(1) == 10 * MB
    assert billed_bytes(10 * MB + 1) == 11 * MB
    assert scan_cost_usd(TB) == Decimal(5)
    assert scan_cost_usd(billed_bytes(1)) == Decimal(5) * 10 / 2**20


def test_the_monthly_budget_narrows_a_runs_cap(settings):
    settings.ATHENA_MAX_BYTES_PER_RUN, settings.ATHENA_MONTHLY_BUDGET_USD = 100 * 2**30, 0.25  # 0.05 TB
    assert month_limit_bytes(spent_bytes=0) == TB // 20
    assert month_limit_bytes(spent_bytes=TB) == 0
    settings.ATHENA_MONTHLY_BUDGET_USD = 0  # no budget: the run's cap alone
    assert month_limit_bytes(spent_bytes=TB) == 100 * 2**30


def partitioned_engine(client, stubber) -> AthenaEngine:
    """An engine that read the Glue table's metadata: the billing_period partition key a crawler makes of the
    export's BILLING_PERIOD=YYYY-MM folders."""
    table = {
        "Name": "org_export",
        "Columns": [{"Name": "line_item_unblended_cost", "Type": "double"}],
        "PartitionKeys": [{"Name": "BILLING_PERIOD", "Type": "string"}],
    }
    stubber.add_response("get_table_metadata", {"TableMetadata": table})
    athena_engine = engine(client)
    athena_engine.columns(manifest=MANIFEST)
    return athena_engine


def test_a_partitioned_table_is_read_through_the_periods_partition_only(athena):
    client, stubber = athena
    athena_engine = partitioned_engine(client, stubber)
    expected = {
        "QueryString": 'SELECT day, account_id, SUM(unblended) FROM (SELECT * FROM "cur"."org_export" WHERE '
        'billing_period = ? AND "$path" IN (?, ?)) GROUP BY day, account_id',
        "ExecutionParameters": ["'2026-03'", f"'{FILES[0]}'", "'s3://cur-exports/x''y.parquet'"],
        "QueryExecutionContext": {"Catalog": "AwsDataCatalog", "Database": "cur"},
        "WorkGroup": "costmonitor",
        "ResultConfiguration": {"OutputLocation": "s3://athena-results/costmonitor/"},
    }
    stubber.add_response("start_query_execution", {"QueryExecutionId": QID}, expected)
    stubber.add_response("get_query_execution", execution("SUCCEEDED", scanned=3 * MB))
    stubber.add_response("get_query_results", page(["2026-03-01", "111122223333", "1"], header=True))

    assert athena_engine.rows(sql=SQL, manifest=MANIFEST) == [(dt.date(2026, 3, 1), "111122223333", Decimal(1))]
    assert athena_engine.counter.scanned["athena"] == 10 * MB


# Every QueryExecutionState the reference lists, in the casings an answer may carry (the engine reads it upper-cased).
@pytest.mark.parametrize(
    ("waiting", "final", "billed"),
    [
        (["QUEUED", "RUNNING"], "SUCCEEDED", 12 * MB),
        (["Queued", "Running"], "Succeeded", 12 * MB),
        (["queued", "running"], "succeeded", 12 * MB),
        (["RUNNING"], "Failed", 0),
        (["running"], "cancelled", 12 * MB),
        ([], "CANCELLED", 12 * MB),
    ],
)
def test_every_state_in_any_casing_is_polled_to_its_end(athena, waiting, final, billed):
    client, stubber = athena
    start(stubber)
    for number, state in enumerate(waiting):  # Statistics absent while queued, present once running
        stubber.add_response("get_query_execution", execution(state, scanned=number * MB if number else None))
    stubber.add_response("get_query_execution", execution(final, scanned=11 * MB + 5))
    succeeded = final.upper() == "SUCCEEDED"
    if succeeded:
        stubber.add_response("get_query_results", page(["2026-03-01", "111122223333", "2"], header=True))
    athena_engine = engine(client)

    if succeeded:
        assert athena_engine.rows(sql=SQL, manifest=MANIFEST) == [(dt.date(2026, 3, 1), "111122223333", Decimal(2))]
    else:
        with pytest.raises(AWSAPIError, match=f"ended {final.upper()}") as failure:
            athena_engine.rows(sql=SQL, manifest=MANIFEST)
        assert failure.value.code == f"AthenaQuery{final.title()}"
    assert athena_engine.counter.scanned["athena"] == billed


def test_result_pages_are_read_until_the_last_token(athena):
    client, stubber = athena
    start(stubber)
    stubber.add_response("get_query_execution", execution("SUCCEEDED", scanned=MB))
    for number in range(3):
        token = f"t{number + 1}" if number < 2 else None
        params = {"QueryExecutionId": QID, "MaxResults": 1000, **({"NextToken": f"t{number}"} if number else {})}
        row = [f"2026-03-0{number + 1}", "111122223333", str(number)]
        stubber.add_response("get_query_results", page(row, header=number == 0, token=token), params)

    rows = engine(client).rows(sql=SQL, manifest=MANIFEST)

    assert [row[2] for row in rows] == [Decimal(0), Decimal(1), Decimal(2)]
