"""Paging through Cost Explorer and friends: every page (each retried by `aws_call`), restart on RequestChanged,
and a bound on pages, since each one is billed."""

from collections.abc import Callable

from django.conf import settings

from collection.errors import AWSAPIError, ErrorCode, PaginationError, aws_call

# Cost Explorer answers RequestChangedException when its data changed between two pages of one query;
# the only correct reaction is to start the query over.
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html#API_GetCostAndUsage_Errors
MAX_RESTARTS = 3
CE_PAGE_KEY = "NextPageToken"


def _next_token(page: dict, *, page_key: str, seen: set[str], operation: str) -> str | None:
    """The token of the next page; PaginationError when it was answered before (following it would never end)
    or when CE_MAX_PAGES_PER_QUERY pages were fetched and there is still one more."""
    token = page.get(page_key)
    if not token:
        return None
    if token in seen:
        raise PaginationError(
            f"{operation}: the answer repeated a {page_key} already followed; stopped after {len(seen) + 1} pages "
            "instead of asking for the same pages forever",
            code=ErrorCode.PAGINATION_LOOP,
        )
    if len(seen) + 1 >= settings.CE_MAX_PAGES_PER_QUERY:
        raise PaginationError(
            f"{operation}: more than {settings.CE_MAX_PAGES_PER_QUERY} pages (CE_MAX_PAGES_PER_QUERY); stopped",
            code=ErrorCode.TOO_MANY_PAGES,
        )
    seen.add(token)
    return token


def each_page(
    call: Callable,
    *,
    operation: str,
    params: dict,
    handle: Callable[[dict], int],
    page_key: str = CE_PAGE_KEY,
) -> int:
    """Call `call` for every page, give each to `handle`, and return the sum of what `handle` returned.

    `handle` must be idempotent (upserts): after a RequestChangedException the pages are handled again
    from the first one, and the count restarts with them. A repeated token (`PaginationLoop`) or a query of
    more than CE_MAX_PAGES_PER_QUERY pages (`TooManyPages`) raises PaginationError before the next request.
    """
    for _ in range(MAX_RESTARTS):
        total, token, seen = 0, None, set()
        try:
            while True:
                page = aws_call(call, operation=operation, **params, **({page_key: token} if token else {}))
                total += handle(page)
                token = _next_token(page, page_key=page_key, seen=seen, operation=operation)
                if not token:
                    return total
        except AWSAPIError as exc:
            if exc.code != ErrorCode.REQUEST_CHANGED:
                raise
    raise AWSAPIError(f"{operation}: data kept changing during pagination", code=ErrorCode.REQUEST_CHANGED)
