"""The demo's AWS Data Export: a CUR 2.0 export of the synthetic bill, in Parquet, laid out in a local folder as
Data Exports lays it out in S3, and answered by the demo's S3 client (ListObjectsV2, GetObject).

The demo's costs kind reads its resource-level dataset (the costliest resources per service and day) from this
export through the same manifest reading and DuckDB aggregates as a real export (`DemoSource`): the files are under
`DATA_DIR/demo-export/<bucket>/<key>`, and `LocalExportEngine` reads each manifest's `s3://<bucket>/<key>` from
there. Each (account, service) of the bill runs one to three resources that carry 90 % of its daily cost (the
rest has no resource id, as data transfer or support lines), so each resource's cost adds up to the costs dataset.
As AWS refreshes an export up to three times a day, the demo delivers each billing period once per eight-hour
block (overwriting the previous delivery); the last month is final, with an invoice id, once Cost Explorer's
figures for it are (the 4th). Layout: https://docs.aws.amazon.com/cur/latest/userguide/dataexports-export-delivery.html
Manifest: https://docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html
Columns: https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html
"""

import hashlib
import io
import json
import shutil
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
from django.conf import settings

from collection.data_exports.duckdb_engine import DuckDBEngine
from collection.data_exports.engine import Manifest
from collection.data_exports.manifest import ExportLocation
from collection.months import month_start
from collection.services.demo_data import MAIN_REGION, OTHER_REGION, REFRESH_HOURS, TAGS, DemoBill, _unit
from collection.writable import writable_folder

LOCATION = ExportLocation(bucket="demo-cur-exports", prefix="cur2", export_name="demo-cur2")
DATASET = "resources"  # what its ingestions feed (ExportIngestion.kind): the costs themselves are Cost Explorer's
# Last month and this one: the export was created last month (Data Exports starts at its creation); older months
# leave the folder (their resources stay stored: an absent manifest deletes nothing).
PERIODS = 2
RESOURCE_SHARE = Decimal("0.9")
# Resource ids as CUR 2.0's line_item_resource_id spells them for each service (an instance id, a bucket name, ARNs).
RESOURCE_IDS = {
    "Amazon Elastic Compute Cloud - Compute": "i-0{hex}",
    "Amazon Simple Storage Service": "demo-{role}-assets-{hex8}",
    "Amazon Relational Database Service": "arn:aws:rds:{region}:{account}:db:demo-{role}-{n}",
    "AWS Lambda": "arn:aws:lambda:{region}:{account}:function:demo-{role}-worker-{n}",
    "Amazon CloudFront": "arn:aws:cloudfront::{account}:distribution/E{HEX}",
    "Amazon DynamoDB": "arn:aws:dynamodb:{region}:{account}:table/demo-{role}-{n}",
    "Amazon Elastic Container Service": "arn:aws:ecs:{region}:{account}:service/demo-{role}/api-{n}",
    "Amazon Virtual Private Cloud": "arn:aws:ec2:{region}:{account}:natgateway/nat-0{hex}",
    "AmazonCloudWatch": "arn:aws:logs:{region}:{account}:log-group:/demo/{role}/{n}",
    "Amazon Elastic Load Balancing": "arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/demo-{n}/{hex}",
}
GENERIC_ID = "arn:aws:demo:{region}:{account}:resource/demo-{role}-{n}"
# The Parquet columns written (every one a CUR 2.0 column), with their types; the rest of the table is left out,
# as an export's SQL query may select a subset of the table's columns.
COLUMNS = {
    "bill_billing_period_start_date": "TIMESTAMP",
    "bill_invoice_id": "VARCHAR",
    "line_item_usage_start_date": "TIMESTAMP",
    "line_item_usage_account_id": "VARCHAR",
    "line_item_product_code": "VARCHAR",
    "line_item_line_item_type": "VARCHAR",
    "line_item_resource_id": "VARCHAR",
    "line_item_unblended_cost": "DOUBLE",
    "line_item_net_unblended_cost": "DOUBLE",
    "line_item_currency_code": "VARCHAR",
    "product_region_code": "VARCHAR",
    "product": "MAP(VARCHAR, VARCHAR)",
    "resource_tags": "MAP(VARCHAR, VARCHAR)",
}


def export_root() -> Path:
    """Where the demo's bucket lives on disk: DATA_DIR/demo-export/<bucket>/ (else under the temporary directory)."""
    folder = writable_folder(Path(settings.DATA_DIR) / "demo-export", fallback="costmonitor-demo-export")
    return folder / LOCATION.bucket


def _resource(*, service: str, account: str, role: str, number: int) -> tuple[str, str]:
    """(resource id, region) of an account's `number`th resource of `service`: 70 % of them in the main region."""
    digest = hashlib.blake2b(f"{account}|{service}|{number}".encode(), digest_size=8).hexdigest()
    region = MAIN_REGION if _unit("region", account, service, number) < Decimal("0.7") else OTHER_REGION
    template = RESOURCE_IDS.get(service, GENERIC_ID)
    resource = template.format(
        hex=digest[:16], hex8=digest[:8], HEX=digest[:13].upper(), region=region, account=account, role=role, n=number
    )
    return resource, region


def _lines(bill: DemoBill, day: date, account: str, service: str, role: str) -> list[tuple[str, str, Decimal]]:
    """(resource id, region, cost) of an account's service on `day`: its one to three resources sharing 90 % of
    the day's cost, and a line without resource id for the rest."""
    total = bill.unblended(day, account, service)
    count = 1 + int(_unit("resources", account, service) * 3)
    weights = [Decimal("0.2") + _unit("weight", account, service, n) for n in range(count)]
    lines = [
        (*_resource(service=service, account=account, role=role, number=n), total * RESOURCE_SHARE * w / sum(weights))
        for n, w in enumerate(weights)
    ]
    return [*lines, ("", MAIN_REGION, total - sum(cost for *_, cost in lines))]


def line_items(bill: DemoBill, period: date, *, invoice: str) -> dict[str, list]:
    """The period's line items by column (`COLUMNS`), each day's up to the bill's `now`."""
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    end = (period + timedelta(days=32)).replace(day=1)
    for day in bill.days(period, end):
        for account, name in bill.accounts:
            tags = {f"user_{key}": value for key in TAGS if (value := bill.tag_value(key, account))}
            for service in bill.services:
                for resource, region, cost in _lines(bill, day, account, service, name.removeprefix("demo-")):
                    values = {
                        "bill_billing_period_start_date": datetime.combine(period, time()),
                        "bill_invoice_id": invoice,
                        "line_item_usage_start_date": datetime.combine(day, time()),
                        "line_item_usage_account_id": account,
                        "line_item_product_code": service.split(" - ")[0].replace(" ", ""),
                        "line_item_line_item_type": "Usage",
                        "line_item_resource_id": resource,
                        "line_item_unblended_cost": float(cost),
                        "line_item_net_unblended_cost": float(cost),
                        "line_item_currency_code": "USD",
                        "product_region_code": region,
                        "product": {"product_name": service},
                        "resource_tags": tags,
                    }
                    for column, value in values.items():
                        columns[column].append(value)
    return columns


def write_parquet(path: Path, columns: dict[str, list]) -> None:
    """`columns` (equal-length lists) as one Snappy Parquet file in their CUR 2.0 types, through a JSON-lines file
    DuckDB reads in those types (`read_json` with `columns`): far faster than binding Python lists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".jsonl")
    names = list(COLUMNS)
    with staging.open("w") as out:
        for values in zip(*(columns[name] for name in names), strict=True):
            out.write(json.dumps(dict(zip(names, values, strict=True)), default=datetime.isoformat) + "\n")
    types = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in COLUMNS.items()) + "}"
    connection = duckdb.connect()
    try:
        # hive_partitioning off: the BILLING_PERIOD=… folder is no column of the file. Paths of DATA_DIR only.
        source = f"read_json('{staging}', format = 'newline_delimited', columns = {types}, hive_partitioning = false)"
        connection.execute(f"COPY (SELECT * FROM {source}) TO '{path}' (FORMAT parquet, COMPRESSION snappy)")  # noqa: S608
    finally:
        connection.close()
        staging.unlink()


def _final(bill: DemoBill, period: date) -> bool:
    last_day = (period + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return period < month_start(today=bill.today) and not bill.estimated(last_day)


def _periods(bill: DemoBill) -> list[date]:
    """The billing periods the export holds at the bill's `now`: the last PERIODS months, this one first."""
    period, periods = month_start(today=bill.today), []
    for _ in range(PERIODS):
        periods.append(period)
        period = month_start(today=period - timedelta(days=1))
    return periods


def deliver(*, now: datetime, n_accounts: int, n_services: int) -> None:
    """The export as of `now`: each period's files and manifest (unless delivered already), and no other period's,
    so that what the folder holds depends on `now` and the bill alone."""
    block = now.replace(hour=now.hour // REFRESH_HOURS * REFRESH_HOURS, minute=0, second=0, microsecond=0)
    bill = DemoBill(now=block, n_accounts=n_accounts, n_services=n_services, today_refresh_hours=REFRESH_HOURS)
    periods = _periods(bill)
    for area in ("metadata", "data"):
        kept = {f"BILLING_PERIOD={period:%Y-%m}" for period in periods}
        for folder in (export_root() / LOCATION.root / area).glob("BILLING_PERIOD=*"):
            if folder.name not in kept:
                shutil.rmtree(folder)
    for period in periods:
        final = _final(bill, period)
        # The bill's shape is part of the execution: a bill of other accounts or services is delivered anew.
        shape = f"demo-{period:%Y%m}-{n_accounts}x{n_services}-"
        execution = shape + ("final" if final else f"{block:%Y%m%dT%H}")
        manifest = export_root() / LOCATION.manifest_key(period)
        if manifest.exists() and json.loads(manifest.read_text())["executionId"] == execution:
            continue
        folder = export_root() / LOCATION.data_folder(period)
        shutil.rmtree(folder, ignore_errors=True)  # "overwrite" deliveries: the period's earlier files go
        key = f"{LOCATION.data_folder(period)}{execution}/{LOCATION.export_name}-00001.snappy.parquet"
        write_parquet(export_root() / key, line_items(bill, period, invoice=f"{period:%Y%m}0001" if final else ""))
        document = {
            "executionId": execution,
            "exportArn": f"arn:aws:bcm-data-exports:us-east-1:{bill.payer}:export/{LOCATION.export_name}",
            "columns": [{"name": name, "type": kind.lower()} for name, kind in COLUMNS.items()],
            "dataFiles": [f"s3://{LOCATION.bucket}/{key}"],
        }
        manifest.parent.mkdir(parents=True, exist_ok=True)
        manifest.write_text(json.dumps(document, indent=2))  # delivered last, as AWS does


def _etag(path: Path) -> str:
    return '"' + hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest() + '"'


class DemoExportAnswers:
    """S3's answers over the demo's bucket folder (mixed into DemoAnswers), the export delivered as of `now`."""

    def s3_list_objects_v2(self, *, Bucket, Prefix="", **_):
        deliver(now=self.bill.now, n_accounts=self.bill.n_accounts, n_services=self.bill.n_services)
        root = export_root()
        found = sorted(p for p in root.rglob("*") if p.is_file() and str(p.relative_to(root)).startswith(Prefix))
        contents = [{"Key": str(p.relative_to(root)), "ETag": _etag(p), "Size": p.stat().st_size} for p in found]
        return {"Name": Bucket, "Prefix": Prefix, "KeyCount": len(contents), "IsTruncated": False, "Contents": contents}

    def s3_get_object(self, *, Bucket, Key, **_):
        path = export_root() / Key
        return {"Body": io.BytesIO(path.read_bytes()), "ETag": _etag(path), "ContentLength": path.stat().st_size}


class LocalExportEngine(DuckDBEngine):
    """DuckDB over the demo bucket's folder: each manifest URI s3://<bucket>/<key> read as its local file."""

    def __init__(self) -> None:
        super().__init__(session=None, endpoint_url=None)

    def source(self, *, manifest: Manifest) -> str:
        prefix = f"s3://{LOCATION.bucket}/"
        local = tuple(str(export_root() / uri.removeprefix(prefix)) for uri in manifest.data_files)
        return super().source(manifest=replace(manifest, data_files=local))
