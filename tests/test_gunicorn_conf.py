"""gunicorn.conf.py: sizes and timeouts from the environment, the prometheus multiprocess directory handled."""

import runpy
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_conf(monkeypatch, **env: str) -> dict:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_sizes_ports_and_timeouts_come_from_the_environment(monkeypatch):
    conf = load_conf(
        monkeypatch, GUNICORN_WORKERS="5", GUNICORN_THREADS="3", GUNICORN_TIMEOUT="90", PORT="5001", METRICS_PORT="9101"
    )
    assert (conf["workers"], conf["threads"], conf["timeout"]) == (5, 3, 90)
    assert conf["bind"] == ["0.0.0.0:5001", "0.0.0.0:9101"]
    assert conf["accesslog"] is None
    assert load_conf(monkeypatch, GUNICORN_ACCESS_LOG="true")["accesslog"] == "-"


def test_a_malformed_number_is_a_clear_error(monkeypatch):
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS must be an integer"):
        load_conf(monkeypatch, GUNICORN_WORKERS="many")


def test_multiprocess_directory_is_emptied_at_start_and_dead_workers_are_marked(monkeypatch, tmp_path):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    (directory / "counter_111.db").write_bytes(b"stale")
    conf = load_conf(monkeypatch, PROMETHEUS_MULTIPROC_DIR=str(directory))

    conf["on_starting"](None)
    assert directory.is_dir()
    assert list(directory.iterdir()) == []

    (directory / "gauge_livesum_4242.db").write_bytes(b"")
    (directory / "counter_4242.db").write_bytes(b"")
    conf["child_exit"](None, SimpleNamespace(pid=4242))
    # A dead worker's live gauges go; its counters stay, they still count.
    assert sorted(p.name for p in directory.iterdir()) == ["counter_4242.db"]


def test_each_worker_hands_the_gil_over_sooner_than_python_does(monkeypatch):
    """Threads waiting on the network (/health) get the GIL back sooner from one formatting an export."""
    conf = load_conf(monkeypatch)
    before = sys.getswitchinterval()
    try:
        conf["post_worker_init"](None)
        assert sys.getswitchinterval() == conf["switch_interval"] < 0.005
    finally:
        sys.setswitchinterval(before)
