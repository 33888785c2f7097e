"""Structured logging: one JSON object per line in the design's shape, with request, task and command context."""

import json
import logging
import os
import subprocess
import sys

import pytest
import structlog

from costmonitor.celery import app as celery_app
from tests.processes import run


def _lines(log_lines, message):
    return [line for line in log_lines() if line["message"] == message]


@pytest.mark.django_db
def test_request_line_has_the_design_fields_and_echoes_the_request_id(client, log_lines):
    response = client.get("/admin/login/", HTTP_USER_AGENT="prometheus/2.0", HTTP_X_REQUEST_ID="req-42.a")

    assert response["X-Request-ID"] == "req-42.a"
    (line,) = _lines(log_lines, "request")
    assert set(line) == {"timestamp", "level", "message", "context"}
    assert line["level"] == "INFO"
    assert line["timestamp"].endswith("Z")
    assert (
        line["context"]
        | {
            "endpoint": "/admin/login/",
            "method": "GET",
            "user_agent": "prometheus/2.0",
            "request_id": "req-42.a",
            "status": 200,
        }
        == line["context"]
    )


@pytest.mark.django_db
def test_a_malformed_request_id_is_replaced(client, log_lines):
    response = client.get("/admin/login/", HTTP_X_REQUEST_ID='forged"} {"level": "ERROR')

    assert len(response["X-Request-ID"]) == 32
    assert _lines(log_lines, "request")[0]["context"]["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_django_error_lines_carry_the_request_context(client, log_lines):
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="missing-1")

    not_found = [line for line in log_lines() if line["message"].startswith("Not Found")]
    assert not_found
    assert not_found[0]["context"]["request_id"] == "missing-1"
    assert not_found[0]["context"]["endpoint"] == "/no-such-page/"


def test_third_party_and_structlog_lines_are_masked(log_lines):
    logging.getLogger("botocore.test").warning("key %s in %s", "AKIAIOSFODNN7EXAMPLE", 123456789012)
    structlog.get_logger("costmonitor.test").info("account named", account_id=210987654321, note="for 345678901234")

    text = json.dumps(log_lines())
    assert "AKIAIOSFODNN7EXAMPLE" not in text
    assert "123456789012" not in text
    assert "210987654321" not in text
    assert "345678901234" not in text
    assert "1234****9012" in text
    assert "2109****4321" in text


def test_objects_and_tracebacks_are_masked_too(log_lines):
    class Request:
        def __repr__(self) -> str:
            return "<Request GET /api/costs?account=123456789012>"

    try:
        raise ValueError("no access to 210987654321")
    except ValueError:
        logging.getLogger("django.request").exception("failed", extra={"request": Request()})

    (line,) = _lines(log_lines, "failed")
    assert line["context"]["request"] == "<Request GET /api/costs?account=1234****9012>"
    assert "ValueError: no access to 2109****4321" in line["context"]["exception"]
    assert "210987654321" not in json.dumps(line)


@celery_app.task(name="tests.logging_probe", kind="costs")
def logging_probe(run_id=None):
    structlog.get_logger("tests.probe").info("probe ran")


def test_task_lines_carry_task_id_run_id_and_kind(log_lines):
    result = logging_probe.apply(kwargs={"run_id": 7}, task_id="task-abc")

    assert result.successful()
    (inside,) = _lines(log_lines, "probe ran")
    assert inside["context"] | {"task_id": "task-abc", "run_id": 7, "kind": "costs"} == inside["context"]
    (finished,) = _lines(log_lines, "task finished")
    assert finished["context"]["state"] == "SUCCESS"
    structlog.get_logger("tests.after").info("after the task")
    assert "task_id" not in _lines(log_lines, "after the task")[0]["context"]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    script = "import logging; logging.getLogger('probe').warning('from account 123456789012')"
    return run([sys.executable, "manage.py", *args, "-c", script], env={**os.environ, **env}, timeout=60)


def test_command_lines_name_the_command_and_go_to_stderr():
    result = _manage("shell", LOG_FORMAT="auto", DEBUG="true")

    assert result.returncode == 0, result.stderr
    (line,) = [json.loads(text) for text in result.stderr.splitlines() if "probe" in text]
    assert line["message"] == "from account 1234****9012"
    assert line["level"] == "WARNING"
    assert line["context"]["command"] == "shell"
    assert "probe" not in result.stdout


def test_console_format_is_human_readable():
    result = _manage("shell", LOG_FORMAT="console")

    assert result.returncode == 0, result.stderr
    line = next(text for text in result.stderr.splitlines() if "from account" in text)
    assert not line.startswith("{")
    assert "1234****9012" in line


def test_an_unknown_log_format_is_a_clear_error():
    result = _manage("shell", LOG_FORMAT="xml")

    assert result.returncode != 0
    assert "LOG_FORMAT must be one of json, console, auto" in result.stderr


def test_generated_request_ids_survive_log_masking(rf):
    from costmonitor.masking import mask_text
    from costmonitor.request_logging import request_id_for

    ids = [request_id_for(rf.get("/")) for _ in range(2000)]
    assert len(set(ids)) == 2000
    assert all(mask_text(i) == i for i in ids)
