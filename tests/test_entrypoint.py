"""The image's entrypoint roles, run outside Docker with the same commands: migrate, web, worker, beat, commands."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.processes import ROOT, free_port, http_status, run, start, stop, wait_until

ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def role_env(tmp_path_factory):
    """The environment a container gets: a freshly migrated database of its own, the venv's programs on PATH."""
    data = tmp_path_factory.mktemp("role-data")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DATABASE_URL": f"sqlite:///{data / 'roles.sqlite3'}",
        "COSTMONITOR_DATA_DIR": str(data),
        "LOG_FORMAT": "json",
        "BIND_HOST": "127.0.0.1",
    }
    migrate = run_role(env, "migrate")
    assert migrate.returncode == 0, migrate.stderr
    return env


def run_role(env: dict, *args: str) -> subprocess.CompletedProcess:
    return run(["sh", str(ENTRYPOINT), *args], env=env)


def start_role(env: dict, *args: str, log: Path) -> subprocess.Popen:
    return start(["sh", str(ENTRYPOINT), *args], env=env, log=log)


def test_migrate_role_migrates_and_manage_commands_pass_through(role_env):
    plan = run_role(role_env, "showmigrations", "--plan")
    assert plan.returncode == 0, plan.stderr
    assert "[X]  collection.0001_initial" in plan.stdout
    assert "[ ]" not in plan.stdout
    assert run_role(role_env, "manage", "check").returncode == 0


@pytest.mark.parametrize("role", [["web"], ["worker"], ["beat"], ["migrate"], ["manage", "check"], ["shell"]])
def test_every_role_refuses_a_setting_a_check_rejects_in_one_line(role_env, role):
    """A check's error stops each process before it serves, schedules or runs anything: one line, no traceback."""
    refused = run(["sh", str(ENTRYPOINT), *role], env={**role_env, "COST_SOURCE": "bogus"}, timeout=60)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "costmonitor: configuration error: (costmonitor.E001) COST_SOURCE must be auto, aws or demo, not 'bogus'."
    )


def test_web_role_serves_api_and_metrics_ports_and_cleans_the_metrics_directory(role_env, tmp_path):
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    (metrics_dir / "counter_99999.db").write_bytes(b"stale")
    port, metrics_port = free_port(), free_port()
    env = {**role_env, "PORT": str(port), "METRICS_PORT": str(metrics_port), "GUNICORN_WORKERS": "2"}
    env["ALLOWED_HOSTS"] = "cost.example.com,127.0.0.1"
    env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    log = tmp_path / "web.log"
    web = start_role(env, "web", log=log)
    try:
        wait_until(
            lambda: http_status(f"http://127.0.0.1:{port}/admin/login/") == 200,
            what="the web role to serve /admin/login/",
        )
        # The image's HEALTHCHECK command (it sends the first allowed host name).
        assert run([sys.executable, "docker/healthcheck.py"], env=env).returncode == 0
        # The metrics port serves /metrics and nothing else.
        assert http_status(f"http://127.0.0.1:{metrics_port}/metrics") == 200
        assert http_status(f"http://127.0.0.1:{metrics_port}/admin/login/") == 404
    finally:
        stop(web)
    assert not (metrics_dir / "counter_99999.db").exists()
    stopped = run([sys.executable, "docker/healthcheck.py"], env=env)
    assert stopped.returncode == 1
    assert "unhealthy" in stopped.stderr
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert any(line["message"].startswith("Listening at") for line in lines)
    assert any(line["message"] == "request" and line["context"]["endpoint"] == "/admin/login/" for line in lines)


def celery(env: dict, *args: str) -> subprocess.CompletedProcess:
    return run(["celery", "-A", "costmonitor", *args], env=env, timeout=60)


def test_worker_role_processes_a_task_and_answers_ping(role_env, tmp_path):
    name = f"roletest-{uuid.uuid4().hex[:8]}@localhost"
    log = tmp_path / "worker.log"
    worker = start_role(role_env, "worker", "--hostname", name, "--concurrency", "1", "--pool", "solo", log=log)
    try:
        sent = celery(role_env, "call", "celery.accumulate", "--args", "[1]")
        assert sent.returncode == 0, sent.stderr
        task_id = sent.stdout.strip()

        def finished() -> bool:
            lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
            return any(
                line["message"] == "task finished" and line["context"].get("task_id") == task_id for line in lines
            )

        wait_until(finished, timeout=60, what="the worker to process a task")
        # The compose healthcheck's command; kombu's filesystem transport has no broadcast, so Redis only.
        if role_env.get("REDIS_URL"):
            wait_until(
                lambda: "pong" in celery(role_env, "inspect", "ping", "--destination", name, "--timeout", "2").stdout,
                what="the worker to answer celery inspect ping",
            )
    finally:
        stop(worker)


def test_beat_role_starts_with_the_database_scheduler(role_env, tmp_path):
    log = tmp_path / "beat.log"
    beat = start_role(role_env, "beat", log=log)
    try:
        wait_until(lambda: "DatabaseScheduler" in log.read_text(), what="beat to start its scheduler")
    finally:
        stop(beat)
    assert "django_celery_beat.schedulers.DatabaseScheduler" in log.read_text()
