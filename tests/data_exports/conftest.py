"""An S3 that DuckDB reaches over HTTP: moto's ThreadedMotoServer, with the export's bucket and settings.

In-process mocks (mock_aws) patch botocore only; DuckDB's httpfs sends its own HTTP requests, so the tests serve
S3 from a real local endpoint (AWS_ENDPOINT_URL_S3), path-style, plain HTTP.
https://docs.getmoto.org/en/latest/docs/server_mode.html
"""

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer

from collection.data_exports.manifest import ExportLocation
from tests.data_exports.exports import ExportBucket

BUCKET, PREFIX, EXPORT = "cur-exports", "costs/cur2", "org-export"


@pytest.fixture(scope="session")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _bucket(*, endpoint, settings, monkeypatch, tmp_path, table: str) -> ExportBucket:
    requests.post(f"{endpoint}/moto-api/reset", timeout=5).raise_for_status()
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", endpoint)
    settings.DATA_EXPORTS_DATASETS = ["costs", "tags"]
    settings.DATA_EXPORTS_BUCKET, settings.DATA_EXPORTS_PREFIX = BUCKET, PREFIX
    settings.DATA_EXPORTS_EXPORT_NAME, settings.DATA_EXPORTS_FORMAT = EXPORT, table
    settings.DUCKDB_TEMP_DIRECTORY = str(tmp_path / "duckdb")
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    location = ExportLocation(bucket=BUCKET, prefix=PREFIX, export_name=EXPORT)
    return ExportBucket(s3=s3, location=location, table=table, workdir=tmp_path / "parts")


@pytest.fixture
def cur2_export(aws_source, s3_endpoint, settings, monkeypatch, tmp_path) -> ExportBucket:
    return _bucket(endpoint=s3_endpoint, settings=settings, monkeypatch=monkeypatch, tmp_path=tmp_path, table="cur2")


@pytest.fixture
def focus_export(aws_source, s3_endpoint, settings, monkeypatch, tmp_path) -> ExportBucket:
    return _bucket(
        endpoint=s3_endpoint, settings=settings, monkeypatch=monkeypatch, tmp_path=tmp_path, table="focus1.2"
    )
