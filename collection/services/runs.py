"""The lifecycle of a collection run: one entry point for tasks, commands, the admin and the API."""

import logging
from datetime import date

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from collection.aws import RequestCounter
from collection.cache_versions import bump_dataset_versions
from collection.data_source import source_name
from collection.errors import AWSCostCollectorError, BudgetExceeded, ErrorCode
from collection.kinds import Dataset, KindSpec, kind_spec
from collection.models import CollectionRun
from collection.selectors.first_run import awaits_confirmation
from collection.services.closing import close_abandoned_runs
from collection.services.context import CollectionContext, Outcome
from collection.services.first_run import NOT_CONFIRMED
from collection.services.locks import single_flight
from collection.services.snapshot import write_metric_snapshot
from collection.services.sources import open_source
from collection.services.spend_guard import check_budget
from collection.spend_tally import discard_tally, save_tally, spend_fields
from costmonitor.masking import mask_text

logger = logging.getLogger(__name__)
Status = CollectionRun.Status


def _claim(*, run_id: int | None, kind: str, trigger: str, task_id: str) -> CollectionRun | None:
    """A new running run, or the queued run `run_id` now running; None if that run was already carried out.

    A new run's source is resolved and recorded at once (the month's spend counts an open run's tally only when it
    is AWS's); a queued run keeps the source it was queued with, which `POST /api/runs` already answered.
    """
    if run_id is None:
        return CollectionRun.objects.create(
            kind=kind, trigger=trigger, status=Status.RUNNING, task_id=task_id, source=source_name()
        )
    claimed = CollectionRun.objects.filter(pk=run_id, kind=kind, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), **({"task_id": task_id} if task_id else {})
    )
    return CollectionRun.objects.get(pk=run_id) if claimed else None


def _finish(
    run: CollectionRun, *, status: str, code: str = "", message: str = "", detail: str = "", counter=None
) -> CollectionRun:
    """Record the run's outcome: `message` for every reader of the run, `detail` (exception text) for staff only."""
    run.status, run.error_code, run.error_message = status, code, mask_text(message)
    run.error_detail = mask_text(detail)
    if counter is not None:
        for name, value in spend_fields(tally=counter.tally(), source=run.source).items():
            setattr(run, name, value)
    run.finished_at = timezone.now()
    run.save()
    discard_tally(run_id=run.pk)  # the row has it now
    datasets = [Dataset.RUNS]
    if status in (Status.SUCCEEDED, Status.PARTIAL):
        write_metric_snapshot(kind=run.kind)
        datasets = [*kind_spec(run.kind).datasets, Dataset.RUNS, Dataset.METRICS]
    bump_dataset_versions(datasets=datasets)
    log = logger.warning if status == Status.FAILED else logger.info
    log(
        "collection %s %s (source=%s%s): %d rows, %d CE requests, USD %s%s",
        run.kind,
        status,
        run.source,
        " SYNTHETIC DATA" if run.source == "demo" else "",
        run.rows_written,
        run.ce_requests,
        run.ce_cost_usd,
        f"; {code}: {run.error_message}" if code else "",
    )
    return run


def _execute(run: CollectionRun, *, spec: KindSpec, window: tuple[date, date] | None) -> CollectionRun:
    # A kind fed by the Data Export (DATA_EXPORTS_DATASETS) estimates no Cost Explorer request: nothing to confirm
    # or budget. A schedule never spends before the go-ahead; a run someone asks for (command, admin, API) is its own.
    first, last = window or (None, None)
    spends_ce = spec.spends_ce and spec.estimated_requests(start=first, end=last) > 0
    if run.trigger == CollectionRun.Trigger.SCHEDULE and spends_ce and awaits_confirmation(source=run.source):
        return _finish(run, status=Status.SKIPPED, code=ErrorCode.SPEND_NOT_CONFIRMED, message=NOT_CONFIRMED)
    try:
        counter = RequestCounter(
            ce_limit=check_budget(needed=1 if spends_ce else 0),
            on_change=lambda tally: save_tally(run_id=run.pk, tally=tally),
        )
    except BudgetExceeded as exc:
        return _finish(run, status=Status.SKIPPED, code=exc.code, message=str(exc))
    try:
        now = timezone.now()
        ctx = CollectionContext(
            clients=open_source(source=run.source, counter=counter, now=now),
            now=now,
            kind=spec.kind,
            window=window,
            # A run someone asked for re-fetches what a schedule would find fresh enough.
            force=run.trigger != CollectionRun.Trigger.SCHEDULE,
            run_id=run.pk,
        )
        with transaction.atomic():  # one transaction per run: a failed run leaves the previous data intact
            outcome: Outcome = spec.collect(ctx=ctx)
    except AWSCostCollectorError as exc:
        return _finish(run, status=Status.FAILED, code=exc.code, message=str(exc), detail=exc.detail, counter=counter)
    except (OperationalError, InterfaceError) as exc:  # connection lost (restart, failover): all rolled back
        message = "The database connection was lost; nothing of this run was kept."
        code = ErrorCode.DATABASE_UNAVAILABLE
        return _finish(run, status=Status.FAILED, code=code, message=message, detail=str(exc), counter=counter)
    except Exception as exc:  # a bug must still end the run, or it would stay "running" forever
        logger.exception("collection %s crashed", run.kind)
        message = f"The collection failed on an unexpected error ({type(exc).__name__}); it is logged."
        code = ErrorCode.INTERNAL_ERROR
        return _finish(run, status=Status.FAILED, code=code, message=message, detail=repr(exc), counter=counter)
    for note in outcome.notes:
        logger.info("collection %s: %s", run.kind, note)
    run.rows_written, run.skipped_entries = outcome.rows, outcome.skipped_entries
    run.window_start, run.window_end = outcome.window or window or (None, None)
    return _finish(run, status=outcome.status, code=outcome.error_code, message=outcome.message, counter=counter)


def run_collection(
    *,
    kind: str,
    trigger: str,
    start: date | None = None,
    end: date | None = None,
    task_id: str = "",
    run_id: int | None = None,
    notes: str = "",
) -> CollectionRun:
    """Run one collection of `kind` now over [start, end) (end exclusive) and return its finished `CollectionRun`.

    `run_id` names a `queued` run created by `enqueue_collection`, which this call then carries out; `notes`
    (e.g. a deprecated argument's message) are kept on the run for its readers.
    AWS and data errors end in the run's status and error fields, never as an exception;
    an unknown kind or trigger, or a window a kind does not take, raises ValueError.
    """
    spec = kind_spec(kind)
    if trigger not in CollectionRun.Trigger.values:
        raise ValueError(f"unknown trigger {trigger!r}; choose one of {', '.join(CollectionRun.Trigger.values)}")
    if (start is None) != (end is None) or (start and end and end <= start):
        raise ValueError("give both start and end (a half-open window, end after start), or neither")
    window = (start, end) if start and end else None
    if window and not spec.windowed:
        raise ValueError(f"a {kind} collection takes no start and end")
    close_abandoned_runs()
    run = _claim(run_id=run_id, kind=kind, trigger=trigger, task_id=task_id)
    if run is None:  # a redelivered task: the run is already done or under way
        return CollectionRun.objects.get(pk=run_id)
    run.window_start, run.window_end, run.notes = start, end, notes
    with single_flight(kind=kind, ttl=settings.COLLECTION_LOCK_TTL, owner=task_id) as acquired:
        if not acquired:
            message = f"another {kind} collection is running; this one was skipped"
            return _finish(run, status=Status.SKIPPED, code=ErrorCode.ALREADY_RUNNING, message=message)
        return _execute(run, spec=spec, window=window)
