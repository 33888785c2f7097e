"""The DuckDB engine: the export's Parquet files read from S3 inside the worker, memory and threads bounded.

DuckDB reads S3 through its httpfs extension, with a secret built from the run's boto3 session (its frozen
credentials, region and S3 endpoint, so AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3 and assumed roles hold for it too).
https://duckdb.org/docs/stable/core_extensions/httpfs/s3api.html
https://duckdb.org/docs/stable/configuration/overview.html (memory_limit, threads, temp_directory)
"""

from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import duckdb
import duckdb_extension_httpfs
from django.conf import settings

from collection.data_exports.engine import Manifest
from collection.errors import AWSAPIError, DataValidationError, ErrorCode
from collection.writable import writable_folder

DEFAULT_S3_HOST = "amazonaws.com"


class DuckDBDialect:
    def map_value(self, column: str, key: str) -> str:
        # map_extract_value answers the value itself (NULL when absent); element_at answers a list in DuckDB.
        return f"map_extract_value({column}, {key})"

    def map_group_key(self, column: str) -> str:
        # Grouping by a MAP hashes and compares it nested, several times slower than its 64-bit hash; two distinct
        # tag sets of one day, service and invoice sharing a hash (odds about n^2 / 2^65) is the price.
        return f"hash({column})"

    def resource_key(self, columns: str) -> str | None:
        # A resource-day summed by one 64-bit hash instead of four strings: about half the memory of the widest
        # aggregate, which else reaches DUCKDB_MEMORY_LIMIT and spills (`queries.top_resources`).
        return f"hash({columns})"

    def ranking(self, order: tuple[tuple[str, bool], ...]) -> str:
        # One sort key (its bytes ordered as the columns are) makes ROW_NUMBER() ... <= n a heap of n rows per
        # partition (DuckDB's top-N window elimination, which takes a single ORDER BY expression) instead of a sort
        # of every row. https://duckdb.org/docs/stable/sql/functions/utility#create_sort_keyparameters
        return "create_sort_key(" + ", ".join(f"{c}, '{_direction(d)}'" for c, d in order) + ")"


def _direction(descending: bool) -> str:
    return f"{'DESC' if descending else 'ASC'} NULLS LAST"


def load_httpfs(connection: duckdb.DuckDBPyConnection) -> None:
    """LOAD httpfs from the file the duckdb-extension-httpfs wheel carries (requirements/base.txt), built for this
    DuckDB version: nothing is downloaded from extensions.duckdb.org nor installed into ~/.duckdb, so the image's
    read-only home and a fresh virtualenv need no step of their own. https://duckdb.org/docs/stable/extensions/overview
    """
    version = connection.execute("PRAGMA version").fetchone()[0]
    binary = Path(str(resources.files(duckdb_extension_httpfs))) / "extensions" / version / "httpfs.duckdb_extension"
    connection.execute(f"LOAD {_quoted(str(binary))}")


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def s3_secret(*, session: boto3.Session, endpoint_url: str | None) -> str:
    """CREATE SECRET for DuckDB's S3 reads from `session`'s credentials, toward `endpoint_url` unless it is AWS's."""
    credentials = session.get_credentials()
    if credentials is None:
        raise AWSAPIError("Data Exports: no AWS credentials to read the export with", code="NoCredentialsError")
    frozen = credentials.get_frozen_credentials()
    options = {
        "TYPE": "s3",
        "KEY_ID": _quoted(frozen.access_key),
        "SECRET": _quoted(frozen.secret_key),
        "REGION": _quoted(session.region_name or settings.AWS_REGION),
    }
    if frozen.token:
        options["SESSION_TOKEN"] = _quoted(frozen.token)
    parts = urlsplit(endpoint_url or "")
    if parts.hostname and not parts.hostname.endswith(DEFAULT_S3_HOST):
        # A local S3 (moto, MinIO): path-style URLs, and plain HTTP when the endpoint says so.
        options["ENDPOINT"] = _quoted(parts.netloc)
        options["URL_STYLE"] = "'path'"
        options["USE_SSL"] = "true" if parts.scheme == "https" else "false"
    return "CREATE OR REPLACE SECRET costmonitor_s3 (" + ", ".join(f"{k} {v}" for k, v in options.items()) + ")"


class DuckDBEngine:
    """One in-memory DuckDB per run, bounded by DUCKDB_MEMORY_LIMIT and DUCKDB_THREADS, spilling to
    DUCKDB_TEMP_DIRECTORY."""

    name = "duckdb"
    dialect = DuckDBDialect()

    def __init__(self, *, session: boto3.Session | None, endpoint_url: str | None) -> None:
        temp = writable_folder(Path(settings.DUCKDB_TEMP_DIRECTORY), fallback="costmonitor-duckdb")
        self.connection = duckdb.connect(
            config={
                "memory_limit": settings.DUCKDB_MEMORY_LIMIT,
                "threads": settings.DUCKDB_THREADS,
                "temp_directory": str(temp),
                "max_temp_directory_size": settings.DUCKDB_MAX_TEMP_SIZE,
            }
        )
        load_httpfs(self.connection)
        if session is not None:
            self.connection.execute(s3_secret(session=session, endpoint_url=endpoint_url))

    def source(self, *, manifest: Manifest) -> str:
        files = ", ".join(_quoted(uri) for uri in manifest.data_files)
        # union_by_name: a period whose files differ by an optional column (a tag activated mid-month) is read whole.
        return f"read_parquet([{files}], union_by_name = true)"

    def columns(self, *, manifest: Manifest) -> frozenset[str]:
        # The files' own schema (their Parquet footers), not the manifest's list: the SQL must bind to what is read.
        sql = f"DESCRIBE SELECT * FROM {self.source(manifest=manifest)}"  # noqa: S608 - quoted manifest URIs only
        relation = self._execute(sql, manifest=manifest)
        return frozenset(row[0] for row in relation.fetchall())

    def materialize(self, *, sql: str, manifest: Manifest) -> str:
        # One table, replaced period after period: the run holds one period's grain at a time.
        self._execute(
            f"CREATE OR REPLACE TEMP TABLE grain AS {sql.replace('{source}', self.source(manifest=manifest))}",
            manifest=manifest,
        )
        return "grain"

    def rows(self, *, sql: str, manifest: Manifest) -> list[tuple]:
        return self._execute(sql.replace("{source}", self.source(manifest=manifest)), manifest=manifest).fetchall()

    def _execute(self, sql: str, *, manifest: Manifest):
        try:
            return self.connection.execute(sql)
        except duckdb.IOException as exc:
            message = f"Data Exports: the files of billing period {manifest.billing_period:%Y-%m} could not be read"
            raise AWSAPIError(message, code="DataExportsUnreadable", detail=str(exc)) from exc
        except duckdb.Error as exc:
            message = (
                f"Data Exports: billing period {manifest.billing_period:%Y-%m} holds files its format does not "
                f"match ({type(exc).__name__})"
            )
            raise DataValidationError(message, code=ErrorCode.MALFORMED_RESPONSE, detail=str(exc)) from exc

    def close(self) -> None:
        self.connection.close()


def for_run(*, ctx) -> DuckDBEngine:
    """The engine of a collection run: S3 read with the run's session, at the endpoint its S3 client uses."""
    return DuckDBEngine(session=ctx.clients.session(), endpoint_url=ctx.client("s3").meta.endpoint_url)
