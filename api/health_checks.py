"""The checks behind /health, /health/live and /health/ready: database, cache, broker, collection ages.

Liveness checks nothing but that the process answers; readiness is the database and the broker (the web role
records runs and queues collections: without either it cannot serve); /health reports everything.
"""

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone
from kombu import Connection

from collection.models import CollectionRun
from collection.selectors import last_success_by_kind, latest_data_source
from collection.selectors.first_run import schedule_paused
from collection.services.first_run import CONFIRM_COMMAND
from costmonitor.celery import LOCAL_BROKERS
from costmonitor.statement_limits import statement_limits


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def check_cache() -> dict:
    """A write and read back: django-redis with IGNORE_EXCEPTIONS reports an outage only as a miss."""
    key, token = "aws:health", uuid.uuid4().hex
    try:
        cache.set(key, token, timeout=30)
        ok = cache.get(key) == token
    except Exception as exc:  # a cache backend may raise anything; /health must still answer
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": ok, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def check_broker() -> dict:
    url = settings.CELERY_BROKER_URL
    if url.startswith(LOCAL_BROKERS):
        return {"ok": True, "transport": url.split(":", 1)[0]}
    # https://docs.celeryq.dev/projects/kombu/en/stable/reference/kombu.html#kombu.Connection.ensure_connection
    try:
        with Connection(url, connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
            transport = conn.transport_cls
    except Exception as exc:  # kombu raises transport-specific errors
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "transport": str(transport)}


READINESS = {"database": check_database, "broker": check_broker}
READINESS_CHECKS = tuple(READINESS)
LIVENESS_CHECKS: tuple[str, ...] = ()
# Told in /health's answer, so its reader knows which checks make a container unready and which probe is which.
PROBES = {
    "liveness": {"path": "/health/live", "checks": list(LIVENESS_CHECKS)},
    "readiness": {"path": "/health/ready", "checks": list(READINESS_CHECKS)},
}


def collection_ages() -> dict:
    """Per kind: when it last succeeded, how many seconds ago, and whether that is older than HEALTH_STALE_AFTER."""
    now, last = timezone.now(), last_success_by_kind()
    ages = {}
    for kind in CollectionRun.Kind.values:
        finished = last.get(kind)
        age = (now - finished).total_seconds() if finished else None
        ages[kind] = {
            "last_success": finished,
            "age_seconds": age,
            "stale": age is not None and age > settings.HEALTH_STALE_AFTER,
        }
    return ages


def schedule_check() -> dict:
    """Whether scheduled AWS collections are held back for the first-run go-ahead, and what resumes them."""
    if schedule_paused():
        return {"paused": True, "resume": f"python {CONFIRM_COMMAND}"}
    return {"paused": False}


def is_ready(checks: dict) -> bool:
    return all(checks[name]["ok"] for name in READINESS_CHECKS)


def readiness_report() -> tuple[bool, dict]:
    """`(ready, checks)`: ready when the database and the broker are both reachable (each statement limited to
    HEALTH_STATEMENT_TIMEOUT_MS, as `health_report`'s)."""
    with statement_limits(milliseconds=settings.HEALTH_STATEMENT_TIMEOUT_MS):
        checks = {name: READINESS[name]() for name in READINESS_CHECKS}
    return is_ready(checks), checks


def health_report() -> tuple[str, dict]:
    """`(state, checks)`: healthy, degraded (cache, broker or a collection is off, or the
    schedule waits for the first-run go-ahead) or unhealthy (no database).

    Its statements are few, indexed and limited to HEALTH_STATEMENT_TIMEOUT_MS each, so a database busy with
    API work makes it answer "unhealthy" in time rather than late.
    """
    started = time.monotonic()
    with statement_limits(milliseconds=settings.HEALTH_STATEMENT_TIMEOUT_MS):
        checks = {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
        if not checks["database"]["ok"]:
            return "unhealthy", checks
        checks["collections"] = collection_ages()
        # Demo data must never pass for a real bill: say where the stored data came from.
        checks["data_source"] = latest_data_source()
        checks["schedule"] = schedule_check()
    degraded = (
        not (checks["cache"]["ok"] and checks["broker"]["ok"])
        or checks["schedule"]["paused"]
        or any(c["stale"] for c in checks["collections"].values())
    )
    checks["duration_seconds"] = round(time.monotonic() - started, 4)
    return ("degraded" if degraded else "healthy"), checks
