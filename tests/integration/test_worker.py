"""Real Celery workers (subprocesses) on Redis run collections end to end, single flight, and survive SIGKILL.

They run the real collection engine on the demo source, against the test database; the tests commit
(transactional_db) so the workers see their rows.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from collection import services
from collection.models import CollectionRun, CostData
from costmonitor.celery import app
from tests.processes import wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL.startswith("redis://") or connection.vendor != "postgresql",
        reason="needs PostgreSQL and a Redis broker (CELERY_BROKER_URL), as in CI",
    ),
]

FINISHED = {CollectionRun.Status.SUCCEEDED, CollectionRun.Status.PARTIAL, CollectionRun.Status.FAILED}
REDELIVERY_AFTER = 2  # seconds: the second worker's visibility timeout in the SIGKILL test


def wait_for(condition: Callable[[], object], *, timeout: float = 60, what: str = "condition"):
    """`tests.processes.wait_until` with the minute a worker scenario may need."""
    return wait_until(condition, timeout=timeout, what=what)


def finished(run_id: int) -> CollectionRun | None:
    run = CollectionRun.objects.get(pk=run_id)
    return run if run.status in FINISHED | {CollectionRun.Status.SKIPPED} else None


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


@pytest.fixture
def gate(tmp_path) -> Path:
    path = tmp_path / "gate"
    path.mkdir()
    return path


@pytest.fixture
def start_worker(tmp_path, gate):
    """Start `celery worker` subprocesses (each in its own process group) on the test database."""
    app.control.purge()
    db = connection.settings_dict
    workers = []

    def start(*, concurrency: int = 1, **env: str) -> subprocess.Popen:
        name = f"w{len(workers)}"
        log = tmp_path / f"{name}.log"
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.integration.worker_app",
                "worker",
                "--hostname",
                f"{name}@%h",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            env={
                **os.environ,
                "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
                "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
                "COST_SOURCE": "demo",
                "COSTMONITOR_TEST_GATE": str(gate),
                **env,
            },
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        workers.append(process)
        wait_for(lambda: "ready." in log.read_text(), timeout=30, what=f"worker {name} to start:\n{log}")
        return process

    yield start
    for process in workers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    app.control.purge()


def test_worker_runs_a_queued_collection_end_to_end(start_worker):
    start_worker()
    run = services.enqueue_collection(kind="costs", trigger="api")
    done = wait_for(lambda: finished(run.pk), what="the run to finish")
    assert done.status == CollectionRun.Status.SUCCEEDED, done.error_message
    assert (done.source, done.trigger, done.task_id) == ("demo", "api", run.task_id)
    assert done.finished_at is not None
    assert CostData.objects.exists()


def test_two_collections_of_one_kind_at_once_run_once(start_worker, gate):
    start_worker(concurrency=2)
    (gate / "hold").touch()
    runs = [services.enqueue_collection(kind="costs", trigger="api") for _ in range(2)]
    wait_for(lambda: any(gate.glob("entered-*")), what="a collection to start writing")
    skipped = wait_for(
        lambda: CollectionRun.objects.filter(pk__in=[r.pk for r in runs], status="skipped").first(),
        what="the overlapping run to be skipped",
    )
    (gate / "hold").unlink()
    other = next(r for r in runs if r.pk != skipped.pk)
    assert wait_for(lambda: finished(other.pk), what="the first run to finish").status == "succeeded"
    assert CollectionRun.objects.filter(kind="costs").count() == 2


def test_worker_killed_mid_collection_the_task_is_delivered_again(start_worker, gate):
    first = start_worker()
    (gate / "hold").touch()
    run = services.enqueue_collection(kind="costs", trigger="api")
    wait_for(lambda: any(gate.glob("entered-*")), what="the collection to start writing")
    kill_and_redeliver(worker=first, run=run, gate=gate, start_worker=start_worker)

    # Complete and without duplicates: a clean collection afterwards finds nothing missing to add.
    rows = CostData.objects.count()
    again = services.enqueue_collection(kind="costs", trigger="api")
    assert wait_for(lambda: finished(again.pk), what="a clean run").status == "succeeded"
    assert CostData.objects.count() == rows > 0
