"""Data Exports deliveries for tests and the bench: Parquet files written by DuckDB in the documented schemas
(`schemas`), uploaded with their manifest at the documented keys.

Layout: https://docs.aws.amazon.com/cur/latest/userguide/dataexports-export-delivery.html
Manifest: https://docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html
"""

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from collection.data_exports.manifest import ExportLocation
from tests.data_exports import schemas

SCHEMAS = {"cur2": schemas.CUR2, "focus1.2": schemas.FOCUS12}


def cur2_line(
    *,
    day: date,
    account: str,
    service: str,
    cost: str,
    region: str = "us-east-1",
    code: str = "",
    kind: str = "Usage",
    net: str | None = None,
    tags: dict[str, str] | None = None,
    invoice: str = "",
    resource: str = "",
    currency: str = "USD",
    **extra,
) -> dict:
    """One CUR 2.0 line item with the columns the aggregates read; `extra` sets any other column."""
    return {
        "line_item_usage_start_date": datetime(day.year, day.month, day.day, 3),
        "line_item_usage_account_id": account,
        "line_item_product_code": code or service.split()[-1],
        "product": {"product_name": service},
        "product_region_code": region,
        "line_item_unblended_cost": float(cost),
        "line_item_net_unblended_cost": float(net if net is not None else cost),
        "line_item_currency_code": currency,
        "line_item_line_item_type": kind,
        "resource_tags": tags or {},
        "bill_invoice_id": invoice,
        "line_item_resource_id": resource,
        "bill_billing_period_start_date": datetime(day.year, day.month, 1),
        **extra,
    }


def focus_line(
    *,
    day: date,
    account: str,
    service: str,
    cost: str,
    effective: str | None = None,
    region: str = "us-east-1",
    category: str = "Usage",
    tags: dict[str, str] | None = None,
    invoice: str | None = None,
    resource: str | None = None,
    currency: str = "USD",
) -> dict:
    """One FOCUS 1.2 row with the columns the aggregates read."""
    return {
        "ChargePeriodStart": datetime(day.year, day.month, day.day),
        "SubAccountId": account,
        "ServiceName": service,
        "RegionId": region,
        "BilledCost": float(cost),
        "EffectiveCost": float(effective if effective is not None else cost),
        "BillingCurrency": currency,
        "ChargeCategory": category,
        "Tags": tags or {},
        "InvoiceId": invoice,
        "ResourceId": resource,
    }


def write_parquet(path: Path, lines: list[dict], *, table: str = "cur2", drop: tuple[str, ...] = ()) -> Path:
    """`lines` as one Parquet file in `table`'s full schema (every other column NULL), less the columns `drop`."""
    columns = [(name, kind) for name, kind in SCHEMAS[table] if name not in drop]
    unknown = {key for line in lines for key in line} - {name for name, _ in SCHEMAS[table]}
    assert not unknown, f"not {table} columns: {unknown}"
    connection = duckdb.connect()
    connection.execute("CREATE TABLE items (" + ", ".join(f'"{name}" {kind}' for name, kind in columns) + ")")
    for line in lines:
        names = [name for name, _ in columns if name in line]
        values = ["MAP(?::VARCHAR[], ?::VARCHAR[])" if dict(columns)[name].startswith("MAP") else "?" for name in names]
        params = []
        for name in names:
            value = line[name]
            params.extend([list(value), list(value.values())] if isinstance(value, dict) else [value])
        quoted = ", ".join(f'"{name}"' for name in names)
        connection.execute(f"INSERT INTO items ({quoted}) VALUES ({', '.join(values)})", params)  # noqa: S608
    path.parent.mkdir(parents=True, exist_ok=True)
    connection.execute(f"COPY items TO '{path}' (FORMAT parquet)")
    connection.close()
    return path


@dataclass
class Delivery:
    """What one execution of the export delivered for one billing period."""

    execution_id: str
    data_files: list[str]
    manifest: dict


class ExportBucket:
    """An export's S3 location in moto, and deliveries into it as Data Exports makes them."""

    def __init__(self, *, s3, location: ExportLocation, table: str, workdir: Path) -> None:
        self.s3, self.location, self.table, self.workdir = s3, location, table, workdir

    def deliver(
        self, period: date, *files: list[dict], drop: tuple[str, ...] = (), manifest: dict | None = None
    ) -> Delivery:
        """Upload one execution: each of `files` (lists of line items) as a Parquet part under the period's data
        folder, then its manifest (delivered last, as AWS does). Earlier executions' files stay in the folder."""
        execution = str(uuid.uuid4())
        uris = []
        for number, lines in enumerate(files, start=1):
            local = write_parquet(self.workdir / f"{execution}-{number}.parquet", lines, table=self.table, drop=drop)
            # "Create new" deliveries: each execution in a folder of its own, the earlier ones left in place.
            name = f"{self.location.export_name}-{number:05d}.snappy.parquet"
            key = f"{self.location.data_folder(period)}{execution}/{name}"
            self.s3.upload_file(str(local), self.location.bucket, key)
            uris.append(f"s3://{self.location.bucket}/{key}")
        document = manifest or {
            "executionId": execution,
            "exportArn": f"arn:aws:bcm-data-exports:us-east-1:111122223333:export/{self.location.export_name}",
            "columns": [{"name": name, "type": kind.lower()} for name, kind in SCHEMAS[self.table] if name not in drop],
            "dataFiles": uris,
        }
        self.put_manifest(period, document)
        return Delivery(execution_id=execution, data_files=uris, manifest=document)

    def put_manifest(self, period: date, document) -> None:
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        self.s3.put_object(Bucket=self.location.bucket, Key=self.location.manifest_key(period), Body=body)
