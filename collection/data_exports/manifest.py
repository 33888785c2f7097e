"""Finding and reading each billing period's manifest, the documented Data Exports layout in S3.

    s3://<bucket>/<prefix>/<export-name>/metadata/BILLING_PERIOD=YYYY-MM/<export-name>-Manifest.json
    s3://<bucket>/<prefix>/<export-name>/data/BILLING_PERIOD=YYYY-MM/<files>

The manifest is delivered after every data file of an execution and lists them (`dataFiles`): only those count.
Every manifest of the export is found, with its ETag, by one ListObjectsV2 under `metadata/` (the change probe,
free of Cost Explorer requests); a manifest is fetched only when its ETag changed.
https://docs.aws.amazon.com/cur/latest/userguide/dataexports-export-delivery.html
https://docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html
"""

import json
import re
from dataclasses import dataclass
from datetime import date

from collection.data_exports.engine import Manifest
from collection.errors import DataValidationError, ErrorCode, aws_call

PERIOD = re.compile(r"BILLING_PERIOD=(\d{4})-(\d{2})")
SUFFIXES = (".parquet", ".snappy.parquet")


@dataclass(frozen=True, kw_only=True)
class ExportLocation:
    """Where an export is delivered: DATA_EXPORTS_BUCKET, DATA_EXPORTS_PREFIX and DATA_EXPORTS_EXPORT_NAME."""

    bucket: str
    prefix: str
    export_name: str

    @property
    def root(self) -> str:
        return "/".join(part for part in (self.prefix.strip("/"), self.export_name) if part) + "/"

    def manifest_key(self, period: date) -> str:
        return f"{self.root}metadata/BILLING_PERIOD={period:%Y-%m}/{self.export_name}-Manifest.json"

    def data_folder(self, period: date) -> str:
        return f"{self.root}data/BILLING_PERIOD={period:%Y-%m}/"

    def data_prefix(self, period: date) -> str:
        return f"s3://{self.bucket}/{self.data_folder(period)}"


@dataclass(frozen=True, kw_only=True)
class ListedManifest:
    billing_period: date
    key: str
    etag: str


def _malformed(location: ExportLocation, key: str, problem: str) -> DataValidationError:
    return DataValidationError(
        f"Data Exports: s3://{location.bucket}/{key} {problem}; nothing of its billing period was written",
        code=ErrorCode.MALFORMED_RESPONSE,
    )


def list_manifests(*, s3, location: ExportLocation) -> dict[date, ListedManifest]:
    """Every billing period whose manifest is at its documented key, with the manifest's ETag."""
    found: dict[date, ListedManifest] = {}
    params = {"Bucket": location.bucket, "Prefix": f"{location.root}metadata/"}
    while True:
        page = aws_call(s3.list_objects_v2, operation="ListObjectsV2", **params)
        for entry in page.get("Contents", []):
            match = PERIOD.search(entry["Key"])
            if match is None or not 1 <= int(match[2]) <= 12:
                continue
            period = date(int(match[1]), int(match[2]), 1)
            if entry["Key"] == location.manifest_key(period):
                found[period] = ListedManifest(billing_period=period, key=entry["Key"], etag=entry["ETag"].strip('"'))
        if not page.get("IsTruncated"):
            return found
        params["ContinuationToken"] = page["NextContinuationToken"]


def parse_manifest(body: bytes, *, location: ExportLocation, listed: ListedManifest) -> Manifest:
    """The manifest in `body`, or DataValidationError naming what is wrong with it.

    Its data files must be Parquet files under the period's own data folder: a manifest listing another period's
    (or another export's) files, or gzip CSV (not read, see the README), is refused rather than half-read.
    """
    key = listed.key
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise _malformed(location, key, "is not JSON") from None
    if not isinstance(document, dict):
        raise _malformed(location, key, "is not a JSON object")
    execution = document.get("executionId")
    if not isinstance(execution, str) or not execution:
        raise _malformed(location, key, "has no executionId")
    files = document.get("dataFiles")
    if not isinstance(files, list) or not all(isinstance(uri, str) for uri in files):
        raise _malformed(location, key, "has no dataFiles list of S3 URIs")
    folder = location.data_prefix(listed.billing_period)
    for uri in files:
        if not uri.startswith(folder):
            raise _malformed(location, key, f"lists {uri!r}, outside {folder}")
        if not uri.endswith(SUFFIXES):
            raise _malformed(location, key, f"lists {uri!r}, not a Parquet file (DATA_EXPORTS_FORMAT reads Parquet)")
    columns = document.get("columns") or []
    if not isinstance(columns, list) or not all(
        isinstance(c, dict) and isinstance(c.get("name"), str) for c in columns
    ):
        raise _malformed(location, key, "has a columns entry without a name")
    return Manifest(
        billing_period=listed.billing_period,
        bucket=location.bucket,
        key=key,
        etag=listed.etag,
        execution_id=execution,
        data_files=tuple(files),
        columns=frozenset(c["name"] for c in columns),
    )


def read_manifest(*, s3, location: ExportLocation, listed: ListedManifest) -> Manifest:
    """GetObject of the listed manifest, parsed; its ETag as S3 answers it now (it may have been rewritten since)."""
    answer = aws_call(s3.get_object, operation="GetObject", Bucket=location.bucket, Key=listed.key)
    body = answer["Body"].read()
    current = ListedManifest(billing_period=listed.billing_period, key=listed.key, etag=answer["ETag"].strip('"'))
    return parse_manifest(body, location=location, listed=current)
