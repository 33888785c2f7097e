"""Hand collections to Celery workers: the queued run, the task of each kind, and runs a dead worker left open."""

import logging
import uuid
import zlib
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from collection.data_source import source_name
from collection.errors import ErrorCode
from collection.kinds import kind_spec
from collection.models import CollectionRun
from collection.services.closing import OPEN_STATUSES, close_abandoned_runs, close_open_runs
from collection.task_names import COLLECT_TASK
from costmonitor.masking import mask_text

logger = logging.getLogger(__name__)

# A queued run older than this no longer stops another one from being queued: its task was lost (a broker
# restarted without persistence), and a worker busy with other collections has started it by then.
QUEUED_RUN_HORIZON = timedelta(hours=1)


@dataclass(frozen=True)
class Queued:
    """What `queue_collection` did: `run` is the new queued run, or the open run that made a new one needless."""

    run: CollectionRun
    created: bool


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
                error_message="The broker could not be reached; the collection was not queued.",
                error_detail=str(exc),  # the broker's URL and host
            )
            run.refresh_from_db()

    transaction.on_commit(send)
    return run


def queue_collection(*, kind: str, trigger: str) -> Queued:
    """Queue a run of `kind` (as `enqueue_collection`) unless one of the same kind and window is queued or running.

    Someone asking twice (two clicks, a retried script) spends Cost Explorer requests once: the second ask is
    answered with the open run. Runs a dead process left `running` are closed first, so they block nothing.
    On PostgreSQL a transaction-level advisory lock per kind makes the check and the insert one step, so two
    concurrent asks queue one run; SQLite runs one writing transaction at a time.
    https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS
    """
    kind_spec(kind)  # ValueError for an unknown kind, before any query
    close_abandoned_runs()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)", [_QUEUE_LOCK_CLASS, zlib.crc32(kind.encode()) & 0x7FFFFFFF]
                )
        horizon = timezone.now() - QUEUED_RUN_HORIZON
        open_run = (
            CollectionRun.objects.filter(kind=kind, status__in=OPEN_STATUSES, window_start=None, window_end=None)
            .exclude(status=CollectionRun.Status.QUEUED, started_at__lt=horizon)
            .order_by("started_at", "pk")
            .first()
        )
        if open_run is not None:
            return Queued(run=open_run, created=False)
        return Queued(run=enqueue_collection(kind=kind, trigger=trigger), created=True)


# The first key of queue_collection's advisory locks: "cm" "q", so they never meet another application's.
_QUEUE_LOCK_CLASS = 0x636D71


def record_task_failure(
    *, kind: str, trigger: str, task_id: str, error_code: str, error_message: str, error_detail: str = ""
) -> None:
    """Record that task `task_id` failed outside a run's own error handling, so no failure goes unrecorded.

    Its runs still queued or running are closed as `failed` (a hard time limit, a crash, a broker failure);
    a task that failed before any run existed (say, bad arguments in a periodic task) gets a failed run.
    """
    if _close_open_runs(task_id=task_id, error_code=error_code, error_message=error_message, error_detail=error_detail):
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
            error_detail=mask_text(error_detail),
        )


def _close_open_runs(*, task_id: str, error_code: str, error_message: str, error_detail: str = "") -> int:
    runs = CollectionRun.objects.filter(task_id=task_id)
    return close_open_runs(runs=runs, error_code=error_code, error_message=error_message, error_detail=error_detail)


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
