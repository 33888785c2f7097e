"""The DuckDB engine's S3 secret: the boto3 session's credentials, toward the endpoint its S3 client uses.
https://duckdb.org/docs/stable/core_extensions/httpfs/s3api.html
"""

import boto3

from collection.data_exports.duckdb_engine import s3_secret


def session(token: str | None = None) -> boto3.Session:
    return boto3.Session(
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="secret'key",
        aws_session_token=token,
        region_name="eu-west-1",
    )


def test_aws_itself_needs_no_endpoint():
    sql = s3_secret(session=session(), endpoint_url="https://s3.eu-west-1.amazonaws.com")

    assert "KEY_ID 'AKIAEXAMPLE'" in sql
    assert "SECRET 'secret''key'" in sql  # quoted, never breaking the statement
    assert "REGION 'eu-west-1'" in sql
    assert "ENDPOINT" not in sql
    assert "SESSION_TOKEN" not in sql


def test_an_assumed_role_passes_its_session_token():
    assert "SESSION_TOKEN 'token-1'" in s3_secret(session=session("token-1"), endpoint_url=None)


def test_a_local_endpoint_is_path_style_and_plain_http_unless_https():
    plain = s3_secret(session=session(), endpoint_url="http://127.0.0.1:9000")
    tls = s3_secret(session=session(), endpoint_url="https://minio.internal:9000")

    assert "ENDPOINT '127.0.0.1:9000'" in plain
    assert "URL_STYLE 'path'" in plain
    assert "USE_SSL false" in plain
    assert "USE_SSL true" in tls
