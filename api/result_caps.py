"""Caps on what one answer may hold: the groups of an uncached breakdown (API_MAX_GROUPS) and the rows of a CSV
export (API_MAX_CSV_ROWS). Over one, a 400 `RESULT_TOO_LARGE` that names the cap and the way to get the data."""

import itertools
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, QuerySet, Window
from rest_framework import exceptions

SMALLER = (
    "Ask for a shorter window: a month at a time (start=YYYY-MM-01&end=the month's last day), "
    "then join the months; monthly granularity or fewer group_by fields hold fewer rows too."
)


class ResultTooLarge(exceptions.APIException):
    status_code = 400
    default_code = "result_too_large"

    def __init__(self, *, count: int, what: str, setting: str) -> None:
        limit = getattr(settings, setting)
        super().__init__(f"This answer would hold {count:,} {what}, more than {setting} ({limit:,}). {SMALLER}")
        self.details = {"count": count, "limit": limit, "setting": setting}


def check_groups(count: int) -> None:
    """Refuse a breakdown of `count` groups (all its pages) over API_MAX_GROUPS."""
    if count > settings.API_MAX_GROUPS:
        raise ResultTooLarge(count=count, what="groups", setting="API_MAX_GROUPS")


def check_rows(count: int) -> None:
    """Refuse an export of `count` rows (or of at most that many) over API_MAX_CSV_ROWS."""
    if count > settings.API_MAX_CSV_ROWS:
        raise ResultTooLarge(count=count, what="rows", setting="API_MAX_CSV_ROWS")


def capped_rows(rows: QuerySet) -> Iterator:
    """The rows of `rows` for a streamed export, refused (ResultTooLarge) before any is sent when there are more
    than API_MAX_CSV_ROWS.

    The database counts them as it computes them, on every row (a window function), so the first row, read here,
    already says how many there are; the rest are turned into rows as the export streams.
    """
    found = rows.annotate(row_count=Window(Count("*"))).iterator(chunk_size=2000)
    first = next(found, None)
    if first is None:
        return iter(())
    try:
        check_rows(first["row_count"] if isinstance(first, dict) else first.row_count)
    except ResultTooLarge:
        found.close()
        raise
    return itertools.chain([first], found)
