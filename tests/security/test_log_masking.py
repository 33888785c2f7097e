"""No log line holds an AWS secret, session token or access key id: a real AssumeRole against moto's server at
DEBUG, every line of botocore, boto3, urllib3, werkzeug, the collection, Celery and gunicorn searched for them."""

import json
import logging
import urllib.request
from urllib.parse import quote

import pytest
import urllib3
from gunicorn.config import Config
from moto.server import ThreadedMotoServer

from collection import services, tasks
from collection.aws import AwsClients, RequestCounter, build_session
from costmonitor.gunicorn_logging import StructuredLogger
from tests.log_capture import captured_log
from tests.processes import free_port

STATIC_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
STATIC_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ROLE_ARN = "arn:aws:iam::123456789012:role/costmonitor-reader"
LEVELS = (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL)


@pytest.fixture
def moto_endpoint(monkeypatch, settings):
    """moto's server on loopback, and the environment boto3 reads pointed at it, with static keys and a role."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": STATIC_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": STATIC_SECRET,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    settings.COST_SOURCE, settings.AWS_ROLE_ARN, settings.AWS_RETRY_DELAY_SCALE = "aws", ROLE_ARN, 0
    yield endpoint
    server.stop()


@pytest.fixture
def gunicorn_logger():
    """gunicorn's logger as gunicorn.conf.py configures it; set up before `debug_lines`, as it reconfigures logging."""
    return StructuredLogger(Config())


@pytest.fixture
def debug_lines():
    """Every line logged during the test, at DEBUG, as stderr's handler renders it (formatter and masking filter)."""
    with captured_log(level=logging.DEBUG) as lines:
        yield lines


def forms(value: str) -> set[str]:
    """`value` as a log line could hold it: raw, URL-encoded, JSON-escaped, and its first and last 16 characters."""
    return {value, quote(value, safe=""), json.dumps(value)[1:-1], value[:16], value[-16:]}


def assert_nothing_leaks(lines: list[str], *secrets: str) -> None:
    for secret in secrets:
        for form in forms(secret):
            leaking = [line for line in lines if form in line]
            assert not leaking, f"{form!r} in {len(leaking)} log line(s), e.g. {leaking[0][:300]}"


@pytest.mark.django_db
def test_an_assumed_role_session_logs_no_credential_at_debug(moto_endpoint, debug_lines):
    session = build_session()  # AssumeRole: botocore logs the request and the XML answer at DEBUG
    credentials = session.get_credentials().get_frozen_credentials()
    assert credentials.access_key.startswith("ASIA")
    assert credentials.token

    # The temporary credentials in use: signed headers (X-Amz-Security-Token, Authorization) and parsed answers.
    clients = AwsClients(counter=RequestCounter(), session=session)
    assert clients.client("sts").get_caller_identity()["Arn"].endswith("assumed-role/costmonitor-reader/costmonitor")
    s3 = session.resource("s3", endpoint_url=moto_endpoint)  # boto3's own resource lines
    s3.create_bucket(Bucket="cost-reports").put_object(Key="r.csv", Body=b"a,b\n")
    # A presigned URL carries the token and signature in its query string, which urllib3 and werkzeug log.
    url = s3.meta.client.generate_presigned_url("get_object", Params={"Bucket": "cost-reports", "Key": "r.csv"})
    assert "x-amz-security-token=" in url.lower()
    assert urllib3.PoolManager().request("GET", url).status == 200
    with urllib.request.urlopen(url) as answer:  # noqa: S310 - loopback moto
        assert answer.status == 200
    logging.getLogger("costmonitor.probe").debug("presigned %s", url)

    # A collection through the Celery task (eager), on the same role: the run's own lines and Celery's.
    assert tasks.collect.apply(kwargs={"kind": "accounts", "trigger": "api"}).successful()

    lines = debug_lines()
    assert any("AssumeRoleResponse" in line for line in lines), "botocore did not log the AssumeRole answer"
    assert any("<SessionToken>****</SessionToken>" in line for line in lines)
    assert any("X-Amz-Security-Token" in line for line in lines)
    assert any('"logger": "urllib3' in line for line in lines)
    assert any('"logger": "boto3' in line for line in lines)
    assert any('"logger": "celery' in line for line in lines)
    assert_nothing_leaks(lines, credentials.secret_key, credentials.token, credentials.access_key)
    assert_nothing_leaks(lines, STATIC_SECRET, STATIC_KEY_ID)


@pytest.mark.django_db
def test_a_celery_task_failing_on_an_answer_logs_its_traceback_masked(moto_endpoint, debug_lines, monkeypatch):
    credentials = build_session().get_credentials().get_frozen_credentials()
    body = (
        f"<Credentials><AccessKeyId>{credentials.access_key}</AccessKeyId>"
        f"<SecretAccessKey>{credentials.secret_key}</SecretAccessKey>"
        f"<SessionToken>{credentials.token}</SessionToken></Credentials>"
    )

    def crash(**_kwargs):
        raise RuntimeError(f"unexpected answer {body}; as JSON {json.dumps({'SessionToken': credentials.token})}")

    monkeypatch.setattr(services, "run_collection", crash)
    assert tasks.collect.apply(kwargs={"kind": "accounts", "trigger": "api"}).failed()
    lines = debug_lines()
    assert any("raised unexpected" in line and "Traceback" in line for line in lines)
    assert_nothing_leaks(lines, credentials.secret_key, credentials.token, credentials.access_key)


@pytest.mark.parametrize("level", LEVELS, ids=logging.getLevelName)
def test_every_library_logger_is_masked_at_every_level(gunicorn_logger, debug_lines, level):
    secret, token, key = "Zx9/" + "s" * 36, "IQoJb3JpZ2luX2VjE" + "t/+" * 60 + "==", "ASIAQWERTYUIOPASDFGH"
    bodies = (
        f"<AssumeRoleResult><Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{secret}"
        f"</SecretAccessKey><SessionToken>{token}</SessionToken></Credentials></AssumeRoleResult>",
        json.dumps({"Credentials": {"AccessKeyId": key, "SecretAccessKey": secret, "SessionToken": token}}),
        json.dumps(json.dumps({"SessionToken": token, "SecretAccessKey": secret})),  # a JSON body inside JSON
        f"{{'X-Amz-Security-Token': b'{token}', 'Authorization': b'AWS4-HMAC-SHA256 Credential={key}/x'}}",
        f'"GET /r.csv?X-Amz-Credential={key}%2F20261201&X-Amz-Security-Token={quote(token, safe="")} HTTP/1.1" 200',
        f"AWS_SESSION_TOKEN={token} aws_secret_access_key = {secret}",
    )
    for name in ("botocore.parsers", "boto3.resources", "urllib3.connectionpool", "celery.app.trace", "django"):
        for body in bodies:
            logging.getLogger(name).log(level, "body: %s", body)
            logging.getLogger(name).log(level, "structured", extra={"body": body})
    # gunicorn's own logger class (gunicorn.conf.py's logger_class), with a request line it could not parse.
    for body in bodies:
        gunicorn_logger.log(level, "Invalid request from 127.0.0.1: %s", body)
    lines = debug_lines()
    assert len(lines) == 5 * len(bodies) * 2 + len(bodies)
    assert_nothing_leaks(lines, secret, token, key)
