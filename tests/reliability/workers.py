"""Helpers for scenarios with real Celery workers: enqueue a costs collection and wait for its outcome."""

from django.conf import settings
from django.db import connection

from collection import services
from collection.models import CollectionRun
from tests.integration.test_worker import FINISHED, finished, kill_and_redeliver, wait_for

NEEDS_SERVICES = {
    "condition": not settings.CELERY_BROKER_URL.startswith("redis://") or connection.vendor != "postgresql",
    "reason": "needs PostgreSQL and a Redis broker (CELERY_BROKER_URL), as in CI",
}


def collect_now(*, what: str = "the run to finish") -> CollectionRun:
    """Queue a costs collection for the workers and return its finished run."""
    run = services.enqueue_collection(kind="costs", trigger="api")
    return wait_for(lambda: finished(run.pk), what=what)


__all__ = ["FINISHED", "NEEDS_SERVICES", "collect_now", "finished", "kill_and_redeliver", "wait_for"]
