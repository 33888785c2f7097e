"""`make run` for real (scripts/run.sh): its closing banner, and a busy port refused at once with nothing started."""

import os
import re
import signal
import socket
import time

import pytest

from tests.processes import free_port, group_alive, start, stop_group, wait_until

pytestmark = pytest.mark.integration

SCRIPT = ["bash", "scripts/run.sh"]


@pytest.fixture
def run_env(tmp_path) -> dict[str, str]:
    """make run's environment on a fresh machine: no database, Redis or broker URL; its own data folder; demo data."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.pop("COSTMONITOR_TEST_NOW", None)
    return {**env, "COSTMONITOR_DATA_DIR": str(tmp_path / "data"), "COST_SOURCE": "demo", "LOG_LEVEL": "WARNING"}


@pytest.fixture
def launch(tmp_path):
    """`launch(env)`: scripts/run.sh in a process group of its own, every process of which is killed at the end."""
    started = []

    def run(env: dict[str, str]):
        log = tmp_path / f"run-{len(started)}.log"
        process = start(SCRIPT, env=env, log=log, new_session=True)
        started.append(process)
        return process, log

    yield run
    for process in started:
        stop_group(process)


def test_the_banner_says_where_how_to_log_in_and_that_the_data_is_demo(run_env, launch, tmp_path):
    port = free_port()
    process, log = launch({**run_env, "PORT": str(port)})
    banner = wait_until(
        lambda: "costmonitor is running" in log.read_text() and log.read_text(), timeout=120, what="the banner"
    )
    url = f"http://127.0.0.1:{port}"
    lines = banner.splitlines()
    assert f"costmonitor is running at {url}/" in lines
    password_file = tmp_path / "data" / "admin-password"
    assert f"  Log in     {url}/admin/ as 'admin', the password is in {password_file}" in lines
    assert password_file.read_text().strip()
    assert "  API token  DEBUG=true .venv/bin/python manage.py create_api_token admin" in lines
    assert any(line.startswith("  Data       DEMO: a synthetic bill") for line in lines)

    process.send_signal(signal.SIGTERM)  # as Ctrl-C or `docker stop`: the script stops the web server, worker, beat
    process.wait(timeout=60)
    wait_until(lambda: not group_alive(process), timeout=30, what="every process make run started to stop")


@pytest.fixture
def aws_env(run_env):
    """make run reading AWS with keys in the shell, AWS being a moto server (STS answers GetCallerIdentity)."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    keys = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    yield {
        **run_env,
        **keys,
        "COST_SOURCE": "aws",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "PORT": str(free_port()),
    }
    server.stop()


def test_a_first_aws_run_without_a_terminal_prints_the_estimate_and_pauses_the_schedule(aws_env, launch):
    process, log = launch(aws_env)
    text = wait_until(
        lambda: "costmonitor is running" in log.read_text() and log.read_text(), timeout=120, what="the banner"
    )
    assert "AWS account 123456789012: the first collections fill the history, at USD 0.01" in text
    assert re.search(r"^  total +about \d+ Cost Explorer requests \(USD \d+\.\d\d\)$", text, re.M)
    assert "not confirmed (no terminal to ask on)" in text
    assert "scheduled collections are PAUSED until you confirm" in text
    assert group_alive(process)  # the web server and worker run on, the schedule waits


def test_confirm_aws_spend_yes_gives_the_go_ahead(aws_env, launch):
    _, log = launch({**aws_env, "CONFIRM_AWS_SPEND": "yes"})
    text = wait_until(
        lambda: "costmonitor is running" in log.read_text() and log.read_text(), timeout=120, what="the banner"
    )
    assert "Confirmed: scheduled collections now collect from AWS." in text
    assert "  Data       AWS account 123456789012: collections read your bill" in text


def test_a_busy_port_fails_at_once_in_one_line_with_nothing_started(run_env, launch, tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        began = time.monotonic()
        process, log = launch({**run_env, "PORT": str(port)})
        assert process.wait(timeout=60) == 1
    assert time.monotonic() - began < 30  # before migrate, the worker or beat
    output = log.read_text().strip().splitlines()
    assert output[-1].startswith(f"make run: cannot listen on 127.0.0.1:{port} (Address already in use)")
    assert "PORT=" in output[-1]
    assert not any("celery" in line.lower() or "Operations to perform" in line for line in output)
    assert not (tmp_path / "data").exists()  # nothing migrated, no admin created
    assert not group_alive(process)


def test_a_bind_that_is_no_address_is_refused(run_env, launch):
    process, log = launch({**run_env, "BIND": "localhost:eighty"})
    assert process.wait(timeout=30) == 1
    assert log.read_text().strip() == (
        "make run: 'localhost:eighty' is no port or host:port; set PORT=8001 or BIND=127.0.0.1:8001"
    )
