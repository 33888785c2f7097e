"""The Athena engine: the export's aggregate SQL run by Athena against its Glue table, bytes scanned capped and paid.

For organizations whose export outgrows one worker. Each query reads the period's line items as
`(SELECT * FROM "<database>"."<table>" WHERE billing_period = ? AND "$path" IN (?, …))`, the period and the
manifest's files passed as execution parameters, so only the current snapshot counts however many the table's
location holds: https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html
(ExecutionParameters) and https://docs.aws.amazon.com/athena/latest/ug/select.html ("$path"). The filter on the
table's `billing_period` partition key (the `BILLING_PERIOD=YYYY-MM` folders Data Exports delivers into, which a Glue
crawler or partition projection turns into a partition column:
https://docs.aws.amazon.com/cur/latest/userguide/dataexports-export-delivery.html,
https://docs.aws.amazon.com/athena/latest/ug/partitions.html) prunes the query to that month's folder; a table
without that partition key is read through "$path" alone. The costs kind asks one query per period
(`queries.cost_aggregates`, GROUPING SETS) rather than one per aggregate, each of which would scan the month again.
A query is started, polled until its state is
final (QUEUED, RUNNING → SUCCEEDED, FAILED, CANCELLED:
https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecutionStatus.html) and its rows read page by
page, the header row first on the first page:
https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html

Athena bills USD 5 per TB scanned, each query rounded up to the megabyte with a 10 MB minimum; failed queries
are free, cancelled ones pay what they scanned (`athena_pricing`). The run's billed bytes
are counted (`RequestCounter.record_scanned`) and capped by ATHENA_MAX_BYTES_PER_RUN and what
ATHENA_MONTHLY_BUDGET_USD leaves of the month; a query that would go past the cap is stopped.
"""

import datetime as dt
import time
from decimal import Decimal

from django.conf import settings

from collection.aws import RequestCounter
from collection.data_exports.athena_pricing import MINIMUM_BILLED, SERVICE, TB, USD_PER_TB, billed_bytes
from collection.data_exports.engine import Manifest
from collection.data_exports.formats import COLUMNS, ExportFormat
from collection.data_exports.queries import OPTIONAL
from collection.errors import AWSAPIError, BudgetExceeded, DataValidationError, ErrorCode, aws_call
from collection.selectors.runs import bytes_scanned_this_month

PAGE_ROWS = 1000  # GetQueryResults' MaxResults at most
FINAL = {"SUCCEEDED", "FAILED", "CANCELLED"}
PARTITION_KEY = "billing_period"  # Hive-style BILLING_PERIOD=YYYY-MM, lower-cased by Glue


class AthenaDialect:
    def map_value(self, column: str, key: str) -> str:
        # Trino's element_at answers NULL for a key the map lacks (its [] subscript fails instead).
        # https://trino.io/docs/current/functions/map.html#element_at
        return f"element_at({column}, {key})"

    def map_group_key(self, column: str) -> str:
        # Trino groups by a map's entries themselves (maps of comparable types are comparable).
        # https://trino.io/docs/current/language/types.html#map
        return column

    def resource_key(self, columns: str) -> str | None:
        # Grouped by the columns themselves: Athena's memory is not the worker's, and the hashed form's second
        # reference to its sums would be a second scan of the files (and paid).
        return None

    def ranking(self, order: tuple[tuple[str, bool], ...]) -> str:
        return ", ".join(f"{c} {'DESC' if d else 'ASC'} NULLS LAST" for c, d in order)


# What each Athena column type reads as in Python; any other (varchar, timestamp…) stays text.
# https://docs.aws.amazon.com/athena/latest/ug/data-types.html
_CONVERTERS = {
    "decimal": Decimal,
    "double": Decimal,
    "bigint": int,
    "integer": int,
    "smallint": int,
    "tinyint": int,
    "date": dt.date.fromisoformat,
    "boolean": lambda text: text == "true",
}


class AthenaEngine:
    """Aggregates of one run through Athena: its Glue table, workgroup and result location from the settings."""

    name = "athena"
    dialect = AthenaDialect()
    # Each query scans (and pays for) the period again: the costs kind's aggregates are asked in one query.
    combines_aggregates = True

    def __init__(self, *, client, counter: RequestCounter, limit_bytes: int, export_format: ExportFormat) -> None:
        self.client, self.counter, self.limit_bytes = client, counter, limit_bytes
        self.table = f'"{settings.ATHENA_DATABASE}"."{settings.ATHENA_TABLE}"'
        # Glue keeps column names in lower case; the aggregates name them as the format spells them.
        known = {*COLUMNS[export_format].required, *OPTIONAL[export_format]}
        self.spelling = {name.lower(): name for name in known}
        self.partitioned = False  # whether the table has the billing_period partition key (`columns`)

    def columns(self, *, manifest: Manifest) -> frozenset[str]:
        """The Glue table's columns and partition keys (GetTableMetadata, no query, nothing scanned)."""
        answer = aws_call(
            self.client.get_table_metadata,
            operation="GetTableMetadata",
            CatalogName=settings.ATHENA_CATALOG,
            DatabaseName=settings.ATHENA_DATABASE,
            TableName=settings.ATHENA_TABLE,
            WorkGroup=settings.ATHENA_WORKGROUP,
        )
        table = answer["TableMetadata"]
        self.partitioned = any(key["Name"].lower() == PARTITION_KEY for key in table.get("PartitionKeys", []))
        names = [c["Name"] for c in [*table.get("Columns", []), *table.get("PartitionKeys", [])]]
        return frozenset(self.spelling.get(name.lower(), name) for name in names)

    def materialize(self, *, sql: str, manifest: Manifest) -> str:
        """The period's grain as a subquery of each aggregate: Athena keeps no temporary table, and a CTAS would
        write a table per period; each aggregate scans the manifest's files again (and pays for it)."""
        return f"({sql})"

    def rows(self, *, sql: str, manifest: Manifest) -> list[tuple]:
        if not manifest.data_files:
            return []  # ExecutionParameters holds one value at least; a period without files has no rows
        query, parameters = self._source(sql, manifest=manifest)
        execution_id = self._start(query, parameters=parameters)
        self._wait(execution_id, manifest=manifest)
        return self._results(execution_id)

    def _source(self, sql: str, *, manifest: Manifest) -> tuple[str, list[str]]:
        """`sql` reading the period's files of the table (its partition only, when partitioned), and its parameters."""
        files = ["'" + uri.replace("'", "''") + "'" for uri in manifest.data_files]
        marks = ", ".join("?" for _ in files)
        where, parameters = f'"$path" IN ({marks})', files
        if self.partitioned:
            where, parameters = f"{PARTITION_KEY} = ? AND {where}", [f"'{manifest.billing_period:%Y-%m}'", *files]
        # The table's name is a checked setting (costmonitor.E060, E061); the period and files are parameters.
        return sql.replace("{source}", f"(SELECT * FROM {self.table} WHERE {where})"), parameters  # noqa: S608

    def _spent(self) -> int:
        return self.counter.scanned[SERVICE]

    def _start(self, query: str, *, parameters: list[str]) -> str:
        if self._spent() + MINIMUM_BILLED > self.limit_bytes:
            raise BudgetExceeded(
                f"stopped before an Athena query: {self._spent():,} of {self.limit_bytes:,} bytes this run may scan "
                "(ATHENA_MAX_BYTES_PER_RUN, ATHENA_MONTHLY_BUDGET_USD) are spent"
            )
        request = {
            "QueryString": query,
            "ExecutionParameters": parameters,
            "QueryExecutionContext": {"Catalog": settings.ATHENA_CATALOG, "Database": settings.ATHENA_DATABASE},
            "WorkGroup": settings.ATHENA_WORKGROUP,
        }
        if settings.ATHENA_OUTPUT_LOCATION:  # else the workgroup's own result location
            request["ResultConfiguration"] = {"OutputLocation": settings.ATHENA_OUTPUT_LOCATION}
        return aws_call(self.client.start_query_execution, operation="StartQueryExecution", **request)[
            "QueryExecutionId"
        ]

    def _wait(self, execution_id: str, *, manifest: Manifest) -> None:
        deadline = time.monotonic() + settings.ATHENA_QUERY_TIMEOUT_SECONDS
        while True:
            execution = aws_call(
                self.client.get_query_execution, operation="GetQueryExecution", QueryExecutionId=execution_id
            )["QueryExecution"]
            status = execution.get("Status", {})
            state = str(status.get("State", "")).upper()
            scanned = int(execution.get("Statistics", {}).get("DataScannedInBytes", 0))
            if state in FINAL:
                break
            if self._spent() + billed_bytes(scanned) > self.limit_bytes or time.monotonic() > deadline:
                self._stop(execution_id, scanned=scanned, timed_out=time.monotonic() > deadline)
            time.sleep(settings.ATHENA_POLL_SECONDS)
        if state != "FAILED":  # failed queries are not billed; a cancelled one pays what it scanned
            self.counter.record_scanned(service=SERVICE, billed_bytes=billed_bytes(scanned))
        if state != "SUCCEEDED":
            reason = status.get("StateChangeReason", "")
            error = status.get("AthenaError", {}).get("ErrorType", "")
            raise AWSAPIError(
                f"Athena: the query of billing period {manifest.billing_period:%Y-%m} ended {state}"
                f"{f' ({reason})' if reason else ''}",
                code=f"AthenaQuery{state.title()}",
                detail=f"QueryExecutionId {execution_id}; ErrorType {error}",
            )

    def _stop(self, execution_id: str, *, scanned: int, timed_out: bool) -> None:
        aws_call(self.client.stop_query_execution, operation="StopQueryExecution", QueryExecutionId=execution_id)
        self.counter.record_scanned(service=SERVICE, billed_bytes=billed_bytes(scanned))
        if timed_out:
            raise AWSAPIError(
                f"Athena: a query ran past ATHENA_QUERY_TIMEOUT_SECONDS ({settings.ATHENA_QUERY_TIMEOUT_SECONDS} s) "
                "and was stopped",
                code="AthenaQueryTimeout",
                detail=f"QueryExecutionId {execution_id}",
            )
        raise BudgetExceeded(
            f"stopped an Athena query at {scanned:,} bytes scanned: past the {self.limit_bytes:,} bytes this run "
            "may scan (ATHENA_MAX_BYTES_PER_RUN, ATHENA_MONTHLY_BUDGET_USD)"
        )

    def _results(self, execution_id: str) -> list[tuple]:
        rows, token, first = [], None, True
        while True:
            params = {"QueryExecutionId": execution_id, "MaxResults": PAGE_ROWS}
            if token:
                params["NextToken"] = token
            page = aws_call(self.client.get_query_results, operation="GetQueryResults", **params)
            result = page.get("ResultSet", {})
            types = [c["Type"].lower() for c in result.get("ResultSetMetadata", {}).get("ColumnInfo", [])]
            found = result.get("Rows", [])
            if first:
                found = found[1:]  # the header row: the columns' names
                first = False
            rows += [_values(row, types, execution_id) for row in found]
            token = page.get("NextToken")
            if not token:
                return rows


def _values(row: dict, types: list[str], execution_id: str) -> tuple:
    data = row.get("Data", [])
    if len(data) != len(types):
        raise DataValidationError(
            f"Athena: a result row has {len(data)} values for {len(types)} columns",
            code=ErrorCode.MALFORMED_RESPONSE,
            detail=f"QueryExecutionId {execution_id}",
        )
    values = []
    for datum, kind in zip(data, types, strict=True):
        text = datum.get("VarCharValue")  # absent: NULL
        values.append(None if text is None else _CONVERTERS.get(kind.split("(")[0], str)(text))
    return tuple(values)


def month_limit_bytes(*, spent_bytes: int) -> int:
    """Bytes a run may scan: ATHENA_MAX_BYTES_PER_RUN, and no more than ATHENA_MONTHLY_BUDGET_USD (0: none) leaves
    after `spent_bytes` billed this month."""
    limit = settings.ATHENA_MAX_BYTES_PER_RUN
    if settings.ATHENA_MONTHLY_BUDGET_USD:
        budget_bytes = int(Decimal(str(settings.ATHENA_MONTHLY_BUDGET_USD)) / USD_PER_TB * TB)
        limit = min(limit, max(0, budget_bytes - spent_bytes))
    return limit


def for_run(*, ctx) -> AthenaEngine:
    """The engine of a collection run: its Athena client (every request counted), its counter and its limit."""
    return AthenaEngine(
        client=ctx.client(SERVICE),
        counter=ctx.clients.counter,
        limit_bytes=month_limit_bytes(spent_bytes=bytes_scanned_this_month(service=SERVICE)),
        export_format=ExportFormat(settings.DATA_EXPORTS_FORMAT),
    )
