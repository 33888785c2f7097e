"""The image's entrypoint roles, run outside Docker with the same commands: migrate, web, worker, beat, commands."""

import json
import os
import shutil
import subprocess
import sys
import time
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
        "TMPDIR": str(data),  # where the entrypoint records the role; tests that probe one give it a folder of its own
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


@pytest.mark.parametrize("role", ["web", "worker", "beat"])
def test_without_a_secret_key_each_role_says_so_in_one_line(role_env, role):
    """The troubleshooting table's line, not gunicorn's "Failed to read config file" and a traceback."""
    env = {name: value for name, value in role_env.items() if name != "SECRET_KEY"}
    refused = run(["sh", str(ENTRYPOINT), role], env={**env, "DEBUG": "false"}, timeout=60)
    assert refused.returncode == 1
    assert refused.stderr.strip().startswith("costmonitor: configuration error: SECRET_KEY is missing")
    assert len(refused.stderr.strip().splitlines()) == 1


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
        # The image's HEALTHCHECK command (it sends the first allowed host name): /health/ready answers 200.
        assert healthcheck(env, "web").returncode == 0
        # The metrics port serves /metrics and nothing else.
        assert http_status(f"http://127.0.0.1:{metrics_port}/metrics") == 200
        assert http_status(f"http://127.0.0.1:{metrics_port}/admin/login/") == 404
    finally:
        stop(web)
    assert not (metrics_dir / "counter_99999.db").exists()
    stopped = healthcheck(env, "web")
    assert stopped.returncode == 1
    assert stopped.stderr.startswith("unhealthy: web: ")
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert any(line["message"].startswith("Listening at") for line in lines)
    assert any(line["message"] == "request" and line["context"]["endpoint"] == "/admin/login/" for line in lines)


def celery(env: dict, *args: str) -> subprocess.CompletedProcess:
    return run(["celery", "-A", "costmonitor", *args], env=env, timeout=60)


def healthcheck(env: dict, *args: str) -> subprocess.CompletedProcess:
    """The image's HEALTHCHECK command; without a role it probes the one the entrypoint recorded."""
    return run([sys.executable, "docker/healthcheck.py", *args], env=env, timeout=60)


def test_worker_role_processes_a_task_and_its_healthcheck_pings_it(role_env, tmp_path):
    env = {**role_env, "TMPDIR": str(tmp_path)}  # the container's own temporary folder: its heartbeat files
    name = f"roletest-{uuid.uuid4().hex[:8]}@localhost"
    log = tmp_path / "worker.log"
    assert healthcheck(env).returncode == 1  # nothing started yet: no role recorded
    worker = start_role(env, "worker", "--hostname", name, "--concurrency", "1", "--pool", "solo", log=log)
    try:
        sent = celery(env, "call", "celery.accumulate", "--args", "[1]")
        assert sent.returncode == 0, sent.stderr
        task_id = sent.stdout.strip()

        def finished() -> bool:
            lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
            return any(
                line["message"] == "task finished" and line["context"].get("task_id") == task_id for line in lines
            )

        wait_until(finished, timeout=60, what="the worker to process a task")
        # The worker pings itself by the node name it recorded: --hostname here, celery@<hostname> by default.
        wait_until(lambda: healthcheck(env).returncode == 0, what="the worker's healthcheck to pass")
        if env.get("CELERY_BROKER_URL", "").startswith("redis://"):
            other = healthcheck({**env, "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"})
            assert other.returncode == 1
            assert "unhealthy: worker: cannot reach the broker" in other.stderr
    finally:
        stop(worker)
    stopped = healthcheck(env)
    assert stopped.returncode == 1
    assert "the worker is not ready" in stopped.stderr


def test_beat_role_ticks_a_heartbeat_its_healthcheck_reads(role_env, tmp_path):
    env = {**role_env, "TMPDIR": str(tmp_path)}
    log = tmp_path / "beat.log"
    beat = start_role(env, "beat", log=log)
    try:
        wait_until(lambda: "HeartbeatScheduler" in log.read_text(), what="beat to start its scheduler")
        wait_until(lambda: healthcheck(env).returncode == 0, what="beat's healthcheck to pass")
        heartbeat = tmp_path / "beat-heartbeat"
        stale = time.time() - 120
        os.utime(heartbeat, (stale, stale))
        # A stuck loop: the heartbeat stays old and the healthcheck says so, until the next tick touches it.
        assert "beat's last tick was" in healthcheck(env).stderr
        wait_until(lambda: heartbeat.stat().st_mtime > stale + 60, timeout=15, what="beat's next tick")
    finally:
        stop(beat)
    assert "costmonitor.beat.HeartbeatScheduler" in log.read_text()


@pytest.fixture
def own_database(role_env, tmp_path):
    """The role environment on a copy of its migrated database, so a recorded go-ahead stays in this test."""
    copy = tmp_path / "roles.sqlite3"
    shutil.copyfile(role_env["DATABASE_URL"].removeprefix("sqlite:///"), copy)
    return {**role_env, "DATABASE_URL": f"sqlite:///{copy}", "TMPDIR": str(tmp_path), "COST_SOURCE": "aws"}


def start_beat_until_it_schedules(env: dict, log: Path) -> str:
    beat = start_role(env, "beat", log=log)
    try:
        return wait_until(lambda: "HeartbeatScheduler" in log.read_text() and log.read_text(), what="beat to start")
    finally:
        stop(beat)


def test_beat_records_the_declared_go_ahead_as_it_starts(own_database, tmp_path):
    """CONFIRM_AWS_SPEND=yes (compose's costmonitor.env, Helm's env): the estimate in beat's log, then the go-ahead."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    aws = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    env = {**own_database, **aws, "AWS_ENDPOINT_URL": f"http://{host}:{port}", "CONFIRM_AWS_SPEND": "yes"}
    try:
        text = start_beat_until_it_schedules(env, tmp_path / "beat.log")
        again = run_role(env, "confirm_first_run")
    finally:
        server.stop()
    assert "AWS account 123456789012: the first collections fill the history" in text
    assert "Confirmed: scheduled collections now collect from AWS." in text
    assert again.stdout.startswith("Cost Explorer spending already confirmed")


def test_beat_starts_with_the_schedule_paused_when_the_declared_go_ahead_is_refused(own_database, tmp_path):
    no_credentials = {name: value for name, value in own_database.items() if not name.startswith("AWS_")}
    empty = tmp_path / "empty"
    empty.write_text("")
    env = {
        **no_credentials,
        "AWS_CONFIG_FILE": str(empty),
        "AWS_SHARED_CREDENTIALS_FILE": str(empty),
        "AWS_EC2_METADATA_DISABLED": "true",
        "CONFIRM_AWS_SPEND": "yes",
    }
    text = start_beat_until_it_schedules(env, tmp_path / "beat.log")
    assert "sts:GetCallerIdentity: no usable AWS credentials: set AWS_PROFILE" in text
    assert "the first-run go-ahead was not recorded (see above): scheduled AWS collections stay paused" in text
    # Nothing recorded: the command still asks AWS, rather than saying the spending is already confirmed.
    assert run_role(env, "confirm_first_run").stderr.startswith("CommandError: sts:GetCallerIdentity")


def test_one_shot_roles_have_nothing_to_probe_and_web_is_probed_by_default(role_env, tmp_path):
    env = {**role_env, "TMPDIR": str(tmp_path), "PORT": str(free_port())}
    assert run_role(env, "migrate").returncode == 0
    assert healthcheck(env).returncode == 0
    refused = healthcheck(env, "web")
    assert refused.returncode == 1
    assert refused.stderr.startswith("unhealthy: web: ")
