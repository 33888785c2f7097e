"""Celery tasks, one per collection kind; each is a thin call to `run_collection` (see README "Scheduling")."""

import datetime as dt

from celery import Task, shared_task
from celery.utils.time import get_exponential_backoff_interval

from collection import services
from collection.models import CollectionRun

# AWS error codes for "slow down": Cost Explorer (LimitExceededException), Compute Optimizer, Organizations.
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html#API_GetCostAndUsage_Errors
THROTTLING_ERROR_CODES = frozenset(
    {"LimitExceededException", "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"}
)
# Retry delays: full jitter over 0..BACKOFF_SECONDS * 2**retries, so workers throttled together spread out.
BACKOFF_SECONDS = 10
BACKOFF_MAX_SECONDS = 15 * 60


class CollectionTask(Task):
    """A collection task: retried with backoff when AWS throttles or a dead worker's lock is still held,
    and never failing without a failed run."""

    kind: str
    max_retries = 5

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        trigger = kwargs.get("trigger", CollectionRun.Trigger.SCHEDULE)
        services.record_task_failure(
            kind=self.kind,
            trigger=trigger if trigger in CollectionRun.Trigger.values else CollectionRun.Trigger.SCHEDULE,
            task_id=task_id,
            error_code=type(exc).__name__,
            error_message=str(exc) or repr(exc),
        )

    def collect(
        self, *, run_id: int | None, trigger: str, start: str | None, end: str | None, after_worker_lost: bool
    ) -> dict[str, int | str]:
        arguments = {"trigger": trigger, "start": start, "end": end}
        run = services.run_collection(
            kind=self.kind,
            start=dt.date.fromisoformat(start) if start else None,
            end=dt.date.fromisoformat(end) if end else None,
            task_id=self.request.id,
            run_id=services.take_over_delivery(task_id=self.request.id, run_id=run_id),
            trigger=trigger,
        )
        throttled = run.status == CollectionRun.Status.FAILED and run.error_code in THROTTLING_ERROR_CODES
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
            raise self.retry(kwargs={**arguments, "after_worker_lost": locked_out}, countdown=countdown)
        return {"run_id": run.pk, "status": run.status}


def _collection_task(kind: str) -> CollectionTask:
    """Register the task collecting `kind`; its arguments are JSON (periodic tasks set them in the admin)."""

    @shared_task(bind=True, base=CollectionTask, name=services.collection_task_name(kind=kind), kind=kind)
    def collect(
        self: CollectionTask,
        run_id: int | None = None,
        trigger: str = CollectionRun.Trigger.SCHEDULE,
        start: str | None = None,
        end: str | None = None,
        after_worker_lost: bool = False,
    ) -> dict[str, int | str]:
        return self.collect(run_id=run_id, trigger=trigger, start=start, end=end, after_worker_lost=after_worker_lost)

    return collect


collect_costs = _collection_task(CollectionRun.Kind.COSTS)
collect_forecast = _collection_task(CollectionRun.Kind.FORECAST)
collect_tags = _collection_task(CollectionRun.Kind.TAGS)
collect_optimization = _collection_task(CollectionRun.Kind.OPTIMIZATION)
collect_accounts = _collection_task(CollectionRun.Kind.ACCOUNTS)
