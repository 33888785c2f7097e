"""Helpers for scenarios with real Celery workers (the `start_worker` fixture): wait for runs, kill a worker."""

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

from collection import services
from collection.models import CollectionRun
from tests.processes import wait_until

NEEDS_SERVICES = {
    "condition": not settings.CELERY_BROKER_URL.startswith("redis://") or connection.vendor != "postgresql",
    "reason": "needs PostgreSQL and a Redis broker (CELERY_BROKER_URL), as in CI",
}
FINISHED = {CollectionRun.Status.SUCCEEDED, CollectionRun.Status.PARTIAL, CollectionRun.Status.FAILED}
REDELIVERY_AFTER = 2  # seconds: the second worker's visibility timeout in the SIGKILL scenarios


def wait_for(condition: Callable[[], object], *, timeout: float = 60, what: str = "condition"):
    """`tests.processes.wait_until` with the minute a worker scenario may need."""
    return wait_until(condition, timeout=timeout, what=what)


def finished(run_id: int) -> CollectionRun | None:
    run = CollectionRun.objects.get(pk=run_id)
    return run if run.status in FINISHED | {CollectionRun.Status.SKIPPED} else None


def collect_now(*, what: str = "the run to finish") -> CollectionRun:
    """Queue a costs collection for the workers and return its finished run."""
    run = services.enqueue_collection(kind="costs", trigger="api")
    return wait_for(lambda: finished(run.pk), what=what)


def kill_and_redeliver(*, worker: subprocess.Popen, run: CollectionRun, gate: Path, start_worker) -> CollectionRun:
    """SIGKILL `worker` (its whole process group) while it holds `run`, then let a fresh worker take the task.

    Returns the redelivered run, after checking it succeeded at once (no `skipped` run waiting for the dead
    worker's lock to expire) and that the killed run is `failed` / `WorkerLost`.
    """
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    (gate / "hold").unlink()
    # Redis hands an unacknowledged task out again once its visibility timeout has passed.
    time.sleep(REDELIVERY_AFTER + 0.5)
    start_worker(CELERY_VISIBILITY_TIMEOUT=str(REDELIVERY_AFTER))
    redelivered = wait_for(
        lambda: CollectionRun.objects.filter(task_id=run.task_id, status__in=FINISHED).exclude(pk=run.pk).first(),
        what="the redelivered task's run",
    )
    # The task took its dead delivery's lock lease over instead of waiting for it to expire.
    assert not CollectionRun.objects.filter(task_id=run.task_id, status=CollectionRun.Status.SKIPPED).exists()
    assert redelivered.status == CollectionRun.Status.SUCCEEDED, redelivered.error_message
    run.refresh_from_db()
    assert (run.status, run.error_code) == (CollectionRun.Status.FAILED, "WorkerLost")
    return redelivered
