"""Gives each pytest-xdist worker Redis databases and a data directory of its own (`-p tests.parallel`)."""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

# Redis's default `databases` setting: numbers 0 to 15.
REDIS_DATABASES = 16
REDIS_SETTINGS = ("REDIS_URL", "CELERY_BROKER_URL")


def _redis_db(url: str) -> int:
    path = urlsplit(url).path.strip("/")
    return int(path) if path else 0


def worker_environment(environ: dict[str, str], *, worker: int) -> dict[str, str]:
    """The settings worker number `worker` runs with: each Redis URL's database number moved up by `worker` times
    the span the given URLs occupy (cache 0 and broker 1 become 2 and 3 for worker 1), the data directory a
    subfolder `gw<worker>`. Worker 0 keeps the Redis databases it was given. Tests flush their cache database
    between tests and purge the broker's queues, so workers sharing one would undo each other's state."""
    changed = {}
    redis = {
        name: url for name in REDIS_SETTINGS if (url := environ.get(name, "")).startswith(("redis://", "rediss://"))
    }
    if redis:
        numbers = [_redis_db(url) for url in redis.values()]
        span = max(numbers) - min(numbers) + 1
        for name, url in redis.items():
            number = _redis_db(url) + worker * span
            if number >= REDIS_DATABASES:
                raise pytest.UsageError(
                    f"{name}={url}: worker {worker} would need Redis database {number}, past the {REDIS_DATABASES} "
                    "a Redis server has by default; run fewer workers (-n) or give lower database numbers"
                )
            parts = urlsplit(url)
            changed[name] = urlunsplit(parts._replace(path=f"/{number}"))
    if environ.get("COSTMONITOR_DATA_DIR"):
        changed["COSTMONITOR_DATA_DIR"] = os.path.join(environ["COSTMONITOR_DATA_DIR"], f"gw{worker}")
    return changed


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests():
    """In an xdist worker (PYTEST_XDIST_WORKER=gw<N>), before pytest-django loads the settings and after pytest-env
    set its defaults (both hooks of this same stage: tryfirst runs this after pytest-env's, registered later).
    Processes the tests start inherit the changed environment. pytest-django gives each worker its own test
    database (test_<name>_gw<N>)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw"):
        os.environ.update(worker_environment(dict(os.environ), worker=int(worker[2:])))
