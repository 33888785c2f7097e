"""Hand collections to Celery workers: the queued run, the task of each kind, and runs a dead worker left open."""

import logging
import uuid

from celery import current_app
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from collection.data_source import source_name
from collection.errors import ErrorCode
from collection.kinds import kind_spec
from collection.models import CollectionRun
from collection.services.closing import close_open_runs
from collection.task_names import COLLECT_TASK

logger = logging.getLogger(__name__)


def enqueue_collection(*, kind: str, trigger: str) -> CollectionRun:
    """Record a `queued` run of `kind` and hand it to a Celery worker; return the run (its id for a 202).

    The task is sent once the surrounding transaction commits, so a worker never looks for a run it cannot
    see yet. If the broker cannot be reached, the run is recorded `failed` rather than left queued forever.
    """
    kind_spec(kind)  # ValueError for an unknown kind
    if trigger not in CollectionRun.Trigger.values:
        raise ValueError(f"unknown trigger {trigger!r}; expected one of {', '.join(CollectionRun.Trigger.values)}")
    # The source is resolved once, here: the answer names the source the run will then read.
    run = CollectionRun.objects.create(
        kind=kind, trigger=trigger, status=CollectionRun.Status.QUEUED, task_id=str(uuid.uuid4()), source=source_name()
    )

    def send() -> None:
        try:
            arguments = {"kind": kind, "run_id": run.pk, "trigger": trigger}
            current_app.send_task(COLLECT_TASK, kwargs=arguments, task_id=run.task_id)
        except OperationalError as exc:
            logger.error("could not queue %s run %s: %s", kind, run.pk, exc)
            record_task_failure(
                kind=kind,
                trigger=trigger,
                task_id=run.task_id,
                error_code=ErrorCode.BROKER_UNAVAILABLE,
                error_message=str(exc),
            )
            run.refresh_from_db()

    transaction.on_commit(send)
    return run


def record_task_failure(*, kind: str, trigger: str, task_id: str, error_code: str, error_message: str) -> None:
    """Record that task `task_id` failed outside a run's own error handling, so no failure goes unrecorded.

    Its runs still queued or running are closed as `failed` (a hard time limit, a crash, a broker failure);
    a task that failed before any run existed (say, bad arguments in a periodic task) gets a failed run.
    """
    if _close_open_runs(task_id=task_id, error_code=error_code, error_message=error_message):
        return
    if not CollectionRun.objects.filter(task_id=task_id).exists():
        CollectionRun.objects.create(
            kind=kind,
            trigger=trigger,
            task_id=task_id,
            status=CollectionRun.Status.FAILED,
            finished_at=timezone.now(),
            error_code=error_code[:64],
            error_message=error_message,
        )


def _close_open_runs(*, task_id: str, error_code: str, error_message: str) -> int:
    runs = CollectionRun.objects.filter(task_id=task_id)
    return close_open_runs(runs=runs, error_code=error_code, error_message=error_message)


def take_over_delivery(*, task_id: str, run_id: int | None) -> int | None:
    """Prepare a task delivery; return the run id it should carry out (None: `run_collection` starts a new one).

    A task is delivered again when its worker died mid-run (acks_late). The earlier delivery's run is
    then still `running`: it is closed as failed (`WorkerLost`) and this delivery collects in a new run.
    A run that is still `queued` is carried out as is.
    """
    if run_id is not None and CollectionRun.objects.filter(pk=run_id, status=CollectionRun.Status.QUEUED).exists():
        return run_id
    closed = _close_open_runs(
        task_id=task_id,
        error_code=ErrorCode.WORKER_LOST,
        error_message="The worker running this collection stopped; the task was delivered again.",
    )
    if closed:
        logger.warning("task %s delivered again: closed %s abandoned run(s)", task_id, closed)
    return None
