"""The Celery task of every collection, a thin call to `run_collection` (see README "Scheduling"), and the
maintenance tasks beside them."""

import logging

from celery import Task, shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.utils import timezone

from collection import services
from collection.errors import THROTTLING_CODES
from collection.models import CollectionRun
from collection.services.retention import expire_history as expire_months
from collection.task_arguments import task_window
from collection.task_names import COLLECT_TASK, EXPIRE_HISTORY_TASK

logger = logging.getLogger(__name__)

# Retry delays: full jitter over 0..BACKOFF_SECONDS * 2**retries, so workers throttled together spread out.
BACKOFF_SECONDS = 10
BACKOFF_MAX_SECONDS = 15 * 60
MAX_RETRIES = 5


class CollectionTask(Task):
    """Never failing without a failed run: a crash, a time limit or bad arguments end in one."""

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        trigger = kwargs.get("trigger", CollectionRun.Trigger.SCHEDULE)
        services.record_task_failure(
            kind=str(kwargs.get("kind", ""))[:16],
            trigger=trigger if trigger in CollectionRun.Trigger.values else CollectionRun.Trigger.SCHEDULE,
            task_id=task_id,
            error_code=type(exc).__name__,
            error_message=f"The collection task failed ({type(exc).__name__}) outside the run's own error handling.",
            error_detail=str(exc) or repr(exc),
        )


@shared_task(bind=True, base=CollectionTask, name=COLLECT_TASK, max_retries=MAX_RETRIES)
def collect(
    self: CollectionTask,
    kind: str,
    run_id: int | None = None,
    trigger: str = CollectionRun.Trigger.SCHEDULE,
    start: str | None = None,
    end: str | None = None,
    end_exclusive: str | None = None,
    after_worker_lost: bool = False,
) -> dict[str, int | str]:
    """Collect `kind`; arguments are JSON, as periodic tasks set them in the admin (`start`/`end`: ISO days, `end`
    the last day included; `end_exclusive`, the day after it, is the deprecated former form, logged and noted on
    the run).

    Retried with backoff only as a whole run: one that ended throttled (each of its AWS calls already made
    every HTTP attempt `collection.errors.aws_call` allows), or a redelivery that found the lock taken.
    """
    window = task_window(start=start, end=end, end_exclusive=end_exclusive)
    if window.deprecation:
        logger.warning("collection task %s: %s", kind, window.deprecation)
    run = services.run_collection(
        kind=kind,
        start=window.start,
        end=window.end,
        task_id=self.request.id,
        run_id=services.take_over_delivery(task_id=self.request.id, run_id=run_id),
        trigger=trigger,
        notes=window.deprecation,
    )
    throttled = run.status == CollectionRun.Status.FAILED and run.error_code in THROTTLING_CODES
    # Delivered again after its worker died, the task takes over its own lease (`single_flight`), but it
    # may find another task's run holding the lock meanwhile: it retries rather than leave its window undone.
    locked_out = run.status == CollectionRun.Status.SKIPPED and (
        after_worker_lost or self.request.delivery_info.get("redelivered", False)
    )
    if (throttled or locked_out) and self.request.retries < self.max_retries:
        # The run stays in the history as failed or skipped; the retry records a run of its own.
        countdown = get_exponential_backoff_interval(
            factor=BACKOFF_SECONDS, retries=self.request.retries, maximum=BACKOFF_MAX_SECONDS, full_jitter=True
        )
        arguments = {
            "kind": kind,
            "trigger": trigger,
            "start": start,
            "end": end,
            "end_exclusive": end_exclusive,
            "after_worker_lost": locked_out,
        }
        raise self.retry(kwargs=arguments, countdown=countdown)
    return {"run_id": run.pk, "status": run.status}


@shared_task(name=EXPIRE_HISTORY_TASK)
def expire_history() -> dict[str, int]:
    """Delete the whole months older than HISTORY_RETENTION_MONTHS (each logged); return the months and rows gone."""
    expired = expire_months(today=timezone.now().date(), months=settings.HISTORY_RETENTION_MONTHS)
    gone = [month for month in expired if not month.kept]
    return {"months": len(gone), "rows": sum(month.total for month in gone), "kept": len(expired) - len(gone)}
