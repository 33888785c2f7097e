"""A full session — migrate, demo collection, API reads, metrics — logs no account id or AWS key in clear."""

import json
import os
import re
import sys
from pathlib import Path

import pytest

from tests.processes import ROOT, free_port, http_status, run, start, stop, wait_until

pytestmark = pytest.mark.integration

ACCOUNT_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")
AWS_KEY = re.compile(r"(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}")
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def test_a_full_session_logs_only_masked_ids_and_keys(tmp_path):
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'session.sqlite3'}",
        "COSTMONITOR_DATA_DIR": str(tmp_path),
        "COST_SOURCE": "demo",
        "LOG_FORMAT": "json",
        # Everything every library says, Django's SQL and botocore's included, must be masked.
        "LOG_LEVEL": "DEBUG",
        "DEBUG": "true",
        "BIND_HOST": "127.0.0.1",
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": SECRET,
    }
    entrypoint = ["sh", str(ROOT / "docker" / "entrypoint.sh")]
    logs: list[str] = []
    for args in (["migrate"], ["collect"], ["ensure_admin"]):
        result = run([*entrypoint, *args], env=env)
        assert result.returncode == 0, result.stderr
        logs.append(result.stderr)
    token = run([*entrypoint, "create_api_token", "admin"], env=env)
    logs.append(token.stderr)

    # A scheduled collection through the worker role: Celery's and the task's lines are scanned too.
    worker_log = tmp_path / "worker.log"
    worker_args = ["worker", "--pool", "solo", "--hostname", "session@localhost"]
    worker = start([*entrypoint, *worker_args], env=env, log=worker_log)
    try:
        call = ["celery", "-A", "costmonitor", "call", "collection.collect", "--kwargs", '{"kind": "accounts"}']
        sent = run(call, env=env)
        assert sent.returncode == 0, sent.stderr

        def finished() -> bool:
            written = worker_log.read_text()
            return sent.stdout.strip() in written and "task finished" in written

        wait_until(finished, timeout=60, what="the worker to run the collection")
    finally:
        stop(worker)
    # Celery prints its start-up banner to stdout, not as log lines: scanned, but not parsed.
    banner = "\n".join(line for line in worker_log.read_text().splitlines() if not line.startswith("{"))
    logs.append("\n".join(line for line in worker_log.read_text().splitlines() if line.startswith("{")))

    port, metrics_port = free_port(), free_port()
    log_file = tmp_path / "web.log"
    web_env = {**env, "PORT": str(port), "METRICS_PORT": str(metrics_port), "GUNICORN_ACCESS_LOG": "true"}
    web = start([*entrypoint, "web"], env=web_env, log=log_file)
    try:

        def get(path: str, **headers: str) -> int:
            return http_status(f"http://127.0.0.1:{port}{path}", **headers)

        wait_until(lambda: get("/health") == 200, what="the web role to answer /health")
        auth = {"Authorization": f"Token {token.stdout.strip()}", "User-Agent": "probe AKIAIOSFODNN7EXAMPLE"}
        for path in ("/api/costs", "/api/accounts", "/api/optimization", "/api/runs", "/api/tags", "/api/forecast"):
            assert get(path, **auth) == 200, path
        assert get("/api/costs?account=123456789012&start=nonsense", **auth) == 400
        assert http_status(f"http://127.0.0.1:{metrics_port}/metrics") == 200
    finally:
        stop(web)
    logs.append(log_file.read_text())

    text = "\n".join(logs)
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) > 50, "the session logged too little to prove anything"
    for line in lines:
        record = json.loads(line)
        assert set(record) == {"timestamp", "level", "message", "context"}, line
    assert not ACCOUNT_ID.findall(text + banner), [line for line in lines if ACCOUNT_ID.search(line)][:3]
    assert not AWS_KEY.findall(text + banner)
    assert SECRET not in text + banner
    assert "AKIAIOSF************" in text
    assert "1234****9012" in text
