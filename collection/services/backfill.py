"""Backfills: cost history month by month, resumable (finished months are skipped unless forced)."""

from datetime import date

from collection.models import CollectionRun
from collection.services.estimates import estimate_ce_requests
from collection.services.windows import month_periods


def backfill_plan(*, start: date, end: date, force: bool = False) -> tuple[list[tuple[date, date]], int]:
    """The month chunks of [start, end) still to collect, and how many were already finished."""
    chunks = month_periods(start, end)
    if force:
        return chunks, 0
    done = set(
        CollectionRun.objects.filter(
            kind=CollectionRun.Kind.COSTS, trigger=CollectionRun.Trigger.BACKFILL, status=CollectionRun.Status.SUCCEEDED
        ).values_list("window_start", "window_end")
    )
    pending = [chunk for chunk in chunks if chunk not in done]
    return pending, len(chunks) - len(pending)


def backfill_estimate(*, chunks: list[tuple[date, date]]) -> int:
    """Cost Explorer requests the chunks are expected to take."""
    return sum(estimate_ce_requests(kind="costs", start=s, end=e) for s, e in chunks)
