"""Replacing a window of stored daily history (with a GetCostAndUsage answer, or a Data Exports billing period):
one place for every such dataset, whichever source wrote it."""

from collections.abc import Callable
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from collection.errors import DataValidationError, ErrorCode
from collection.services import parsing
from collection.services.context import CollectionContext
from collection.services.pagination import each_page

OP = "GetCostAndUsage"


def replace_stored_window(*, stored: QuerySet, window: tuple[date, date], write: Callable[[], int]) -> int:
    """Run `write` (idempotent upserts of the window's rows, which stamp `updated_at`), then delete the rows of
    `stored` in `window` = [start, end) it did not write; return what `write` returned. A `write` that raises
    deletes nothing (and the run's transaction rolls its upserts back)."""
    start, end = window
    stamp = timezone.now()
    written = write()
    stored.filter(date__gte=start, date__lt=end, updated_at__lt=stamp).delete()
    return written


def replace_window(
    *,
    ctx: CollectionContext,
    params: dict,
    window: tuple[date, date],
    upsert_page: Callable[[dict], int],
    stored: QuerySet,
) -> int:
    """Ask GetCostAndUsage (`params`) for `window` = [start, end), upsert every page, then delete the rows of
    `stored` in the window that the answer no longer holds; return the rows written.

    Cost Explorer answers one ResultsByTime entry per day of the window, a day without cost included; an answer
    with none is broken, and trusting it would delete the window's history: it is refused (nothing deleted, and
    the run's transaction rolls the upserts back). `upsert_page` must be idempotent (pagination may restart).
    https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html#API_GetCostAndUsage_ResponseSyntax
    """
    start, end = window
    periods = 0

    def handle(page: dict) -> int:
        nonlocal periods
        periods += len(parsing.field(page, "ResultsByTime", operation=OP))
        return upsert_page(page)

    def write() -> int:
        query = {**params, "TimePeriod": {"Start": str(start), "End": str(end)}}
        written = each_page(ctx.client("ce").get_cost_and_usage, operation=OP, params=query, handle=handle)
        if not periods:
            message = f"{OP}: no ResultsByTime for {start}..{end}; the stored days are kept"
            raise DataValidationError(message, code=ErrorCode.EMPTY_RESPONSE)
        return written

    return replace_stored_window(stored=stored, window=window, write=write)
