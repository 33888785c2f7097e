"""gunicorn settings from the environment: the API on PORT, /metrics on METRICS_PORT (costmonitor.web), JSON logs.

https://docs.gunicorn.org/en/stable/settings.html
"""

import os
import shutil
import sys
from pathlib import Path

from costmonitor.gunicorn_logging import StructuredLogger


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise SystemExit(f"{name} must be an integer, not {value!r}") from None


def _address(host: str, port: int) -> str:
    """gunicorn's HOST:PORT; an IPv6 address in brackets."""
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


_host = os.environ.get("BIND_HOST", "0.0.0.0")  # noqa: S104 - a container serves on all its interfaces
# The metrics port on the address the operator chooses (as serve_metrics: costmonitor/settings/metrics.py).
_metrics_host = os.environ.get("METRICS_ADDR") or _host
bind = [_address(_host, _int("PORT", 5000)), _address(_metrics_host, _int("METRICS_PORT", 8080))]
# Uncached answers and exports take at most API_MAX_CONCURRENT_QUERIES (1) of a worker's threads; the others
# answer /health and cached reads meanwhile (api/work_limits.py). Size workers to the web role's CPUs.
workers = _int("GUNICORN_WORKERS", 2)
threads = _int("GUNICORN_THREADS", 4)
# Seconds a thread holding the GIL runs before a waiting one may take it (Python's default: 0.005). /health and
# cached answers wait on the network many times per request and need the GIL back each time, while an export's
# formatting holds it: a shorter interval spares them 5 ms each time (measured: /health's median under one
# user's 26 expensive requests fell from 119 ms to 30-44 ms). Set in each worker (`post_worker_init`).
# https://docs.python.org/3/library/sys.html#sys.setswitchinterval
switch_interval = 0.0005
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak never grows unbounded; jitter keeps them from restarting together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
# Heartbeat files in memory: a container's overlay filesystem can stall them and get workers killed.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108 - gunicorn's documented advice
# gunicorn's runtime control socket is not used in a container, and a non-root user has no home to put it in.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

logger_class = StructuredLogger
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The app logs every request itself (costmonitor.request_logging); gunicorn's access log is an opt-in extra.
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "").lower() in ("1", "true", "yes", "on") else None


def on_starting(server) -> None:
    """Start with an empty prometheus multiprocess directory: files of dead workers of a previous run would count.

    https://prometheus.github.io/client_python/multiprocess/
    """
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker) -> None:
    """Drop a dead worker's live gauges from the multiprocess totals."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker) -> None:
    """Each worker hands the GIL over every `switch_interval` seconds."""
    sys.setswitchinterval(switch_interval)
