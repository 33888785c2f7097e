"""The collector's own health for /metrics: runs by kind and status, last success, schedule, AWS requests."""

from collections import Counter
from datetime import date

from django.db.models import Count, Max

from collection.models import CollectionRun
from collection.months import month_start

from .first_run import schedule_paused
from .runs import (
    athena_spend_this_month,
    ce_spend_this_month,
    current_data_source,
    last_success_by_kind,
    open_run_tallies,
)
from .schedule import scheduled_intervals

FINISHED = CollectionRun.objects.filter(finished_at__isnull=False)


def runs_by_outcome() -> list[dict]:
    """Finished runs counted by kind, status and error code (error code "" when none)."""
    rows = FINISHED.values("kind", "status", "error_code").annotate(runs=Count("id"))
    return list(rows.order_by("kind", "status", "error_code"))


def last_duration_by_kind() -> dict[str, float]:
    """Seconds that the latest finished run of each kind took."""
    latest = FINISHED.values("kind").annotate(last=Max("id")).values("last")
    runs = CollectionRun.objects.filter(id__in=latest).values_list("kind", "started_at", "finished_at")
    return {kind: (finished - started).total_seconds() for kind, started, finished in runs}


def _by_operation_this_month(*, field: str, today: date | None) -> dict[str, int]:
    totals: Counter[str] = Counter()
    runs = CollectionRun.objects.filter(started_at__date__gte=month_start(today=today))
    running = open_run_tallies(runs)
    for pk, stored in runs.values_list("pk", field):
        counts = running[pk].get(field) if pk in running else stored  # a run still open: its tally so far
        if isinstance(counts, dict):
            totals.update({str(op): int(n) for op, n in counts.items() if isinstance(n, int | float)})
    return dict(totals)


def aws_requests_this_month(*, today: date | None = None) -> dict[str, int]:
    """AWS requests by operation over the runs started this month (from each run's accounting)."""
    return _by_operation_this_month(field="aws_requests", today=today)


def aws_retries_this_month(*, today: date | None = None) -> dict[str, int]:
    """Retried AWS answers (throttling, 5xx, network errors) by operation over the runs started this month."""
    return _by_operation_this_month(field="aws_retries", today=today)


def collection_health(*, today: date | None = None) -> dict:
    """Everything the health gauges show, in a handful of aggregate queries."""
    return {
        "last_success": last_success_by_kind(),
        "intervals": scheduled_intervals(),
        "last_duration": last_duration_by_kind(),
        "runs": runs_by_outcome(),
        "ce_spend": ce_spend_this_month(today=today),
        "athena_spend": athena_spend_this_month(today=today),
        "aws_requests": aws_requests_this_month(today=today),
        "aws_retries": aws_retries_this_month(today=today),
        "data_source": current_data_source(),
        "schedule_paused": schedule_paused(),
    }
