"""An Athena for tests: the export's Glue table over the Parquet files in moto's S3, its queries run by DuckDB.

It answers the real boto3 client at `before-call`, as botocore's Stubber does, after botocore validated the
request against the athena model, and each answer is validated against the operation's output shape (as Stubber
validates): StartQueryExecution runs the query (its `?` replaced by the ExecutionParameters, as Athena does,
`element_at` spelled as DuckDB's `map_extract_value`, the Glue table read as `read_parquet` of the `"$path"` files),
GetQueryExecution answers QUEUED once and then SUCCEEDED with the bytes of the files read, GetQueryResults pages
of `page_rows` rows with the header row first, and GetTableMetadata the table's columns in lower case, as Glue
keeps them. https://docs.aws.amazon.com/athena/latest/APIReference/API_Operations.html
"""

import json
import re
import uuid
from dataclasses import dataclass, field

import boto3
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ParamValidationError
from botocore.validate import ParamValidator

from collection.data_exports.duckdb_engine import DuckDBEngine

MODEL = botocore.session.get_session().get_service_model("athena")
GLUE_TYPES = {"VARCHAR": "string", "DOUBLE": "double", "TIMESTAMP": "timestamp", "TIMESTAMP_MS": "timestamp"}
# Athena's names of the result types; DuckDB sums BIGINTs as HUGEINT where Athena (Trino) answers bigint.
ATHENA_TYPES = {
    "DECIMAL": "decimal",
    "DATE": "date",
    "VARCHAR": "varchar",
    "BIGINT": "bigint",
    "HUGEINT": "bigint",
    "INTEGER": "integer",
}
SOURCE = re.compile(
    r'\(SELECT \* FROM "(\w+)"\."(\w+)" WHERE (?:billing_period = \'(?P<period>[0-9-]+)\' AND )?'
    r'"\$path" IN \((?P<files>(?:\'[^\']*\'(?:, )?)+)\)\)'
)


@dataclass
class Query:
    columns: list[tuple[str, str]]  # name, Athena type
    rows: list[tuple]
    scanned: int
    polled: int = 0


@dataclass
class FakeAthena:
    schema: list[tuple[str, str]]  # the export table's columns (name, DuckDB type)
    endpoint: str  # moto's S3
    page_rows: int = 2
    partitioned: bool = True  # the Glue table has the billing_period partition key, as a crawler makes it
    queries: dict[str, Query] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    sql: list[str] = field(default_factory=list)  # each StartQueryExecution's QueryString, as sent

    def install(self, client) -> None:
        client.meta.events.register("before-call.athena.*", self._answer)

    def _answer(self, model, params, **kwargs):
        request = json.loads(params["body"])
        self.calls.append(model.name)
        answer = getattr(self, model.name)(request)
        report = ParamValidator().validate(answer, MODEL.operation_model(model.name).output_shape)
        if report.has_errors():
            raise ParamValidationError(report=report.generate_report())
        return AWSResponse(None, 200, {}, None), answer

    # The operations by their API names, as botocore's `model.name` gives them.
    def GetTableMetadata(self, request: dict) -> dict:
        columns = [
            {"Name": name.lower(), "Type": GLUE_TYPES.get(kind, "map<string,string>")} for name, kind in self.schema
        ]
        table = {"Name": request["TableName"], "Columns": columns}
        if self.partitioned:
            table["PartitionKeys"] = [{"Name": "billing_period", "Type": "string"}]
        return {"TableMetadata": table}

    def StartQueryExecution(self, request: dict) -> dict:
        sql = request["QueryString"]
        self.sql.append(sql)
        for value in request.get("ExecutionParameters", []):
            sql = sql.replace("?", value, 1)
        source = SOURCE.search(sql)
        # The partition filter prunes to the period's folder, as Athena reads only that partition's files.
        folder = f"/BILLING_PERIOD={source['period']}/" if source["period"] else "/"
        files = [uri for uri in re.findall(r"'([^']*)'", source["files"]) if folder in uri]
        listed = ", ".join(f"'{uri}'" for uri in files)
        sql = SOURCE.sub(lambda m: f"read_parquet([{listed}], union_by_name = true)", sql)
        sql = sql.replace("element_at(", "map_extract_value(")
        engine = DuckDBEngine(session=boto3.Session(region_name="us-east-1"), endpoint_url=self.endpoint)
        try:
            result = engine.connection.execute(sql)
            columns = [(d[0], ATHENA_TYPES[str(d[1]).split("(")[0]]) for d in result.description]
            rows = result.fetchall()
            metadata = "SELECT coalesce(sum(total_compressed_size), 0) FROM parquet_metadata(?)"
            scanned = engine.connection.execute(metadata, [files]).fetchone()[0]
        finally:
            engine.close()
        execution_id = str(uuid.uuid4())
        self.queries[execution_id] = Query(columns=columns, rows=rows, scanned=int(scanned))
        return {"QueryExecutionId": execution_id}

    def GetQueryExecution(self, request: dict) -> dict:
        query = self.queries[request["QueryExecutionId"]]
        query.polled += 1
        status = {"State": "QUEUED"} if query.polled == 1 else {"State": "SUCCEEDED"}
        answer = {"QueryExecutionId": request["QueryExecutionId"], "Status": status}
        if query.polled > 1:
            answer["Statistics"] = {"DataScannedInBytes": query.scanned}
        return {"QueryExecution": answer}

    def GetQueryResults(self, request: dict) -> dict:
        query = self.queries[request["QueryExecutionId"]]
        start = int(request.get("NextToken", "0"))
        size = min(self.page_rows, request.get("MaxResults", 1000))
        header = [[{"VarCharValue": name} for name, _ in query.columns]] if start == 0 else []
        rows = header + [[_datum(value) for value in row] for row in query.rows[start : start + size]]
        answer = {
            "ResultSet": {
                "Rows": [{"Data": data} for data in rows],
                "ResultSetMetadata": {"ColumnInfo": [{"Name": n, "Type": t} for n, t in query.columns]},
            }
        }
        if start + size < len(query.rows):
            answer["NextToken"] = str(start + size)
        return answer


def _datum(value) -> dict:
    return {} if value is None else {"VarCharValue": str(value)}
