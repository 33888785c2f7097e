"""Date windows: the first-run history window, month chunks for backfills, and Cost Explorer's history limit."""

from datetime import date, timedelta

from django.conf import settings

from collection.months import next_month
from collection.window_ends import last_day


def parse_day(value: str) -> date:
    """A YYYY-MM-DD day, or ValueError with a message fit for an operator."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a date in YYYY-MM-DD format") from None


def month_periods(start: date, end: date) -> list[tuple[date, date]]:
    """[start, end) cut at month boundaries, as Cost Explorer's MONTHLY granularity and backfill chunks are."""
    periods, cursor = [], start
    while cursor < end:
        following = next_month(cursor)
        periods.append((cursor, min(following, end)))
        cursor = following
    return periods


def earliest_available(*, today: date) -> date:
    """The first day Cost Explorer still serves: the first of the month CE_HISTORY_MONTHS - 1 months back.

    https://docs.aws.amazon.com/cost-management/latest/userguide/ce-what-is.html (13 months by default)
    """
    first = today.replace(day=1)
    for _ in range(settings.CE_HISTORY_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def validate_window(*, start: date, end: date, today: date) -> None:
    """ValueError with a clear message unless [start, end) is a non-empty window Cost Explorer can answer.

    The messages name the window's last day, included (`collection.window_ends`), as the user typed it.
    """
    if start > today:
        raise ValueError(f"start {start} is in the future")
    if end <= start:
        raise ValueError(f"end {last_day(end)} is before start {start} (end is the last day, included)")
    if end > today + timedelta(days=1):
        raise ValueError(f"end {last_day(end)} is in the future; the latest allowed end is today, {today}")
    limit = earliest_available(today=today)
    if start < limit:
        raise ValueError(f"start {start} is beyond Cost Explorer's history; the earliest day available is {limit}")


def first_run_window(*, today: date, source: str) -> tuple[date, date]:
    """The default history of a first collection; the demo source keeps it to a few weeks so it stays fast."""
    days = settings.COST_HISTORY_DAYS if source == "aws" else min(settings.COST_HISTORY_DAYS, 28)
    start = max(today - timedelta(days=days), earliest_available(today=today))
    return start, today + timedelta(days=1)
