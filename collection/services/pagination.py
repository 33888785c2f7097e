"""Paging through Cost Explorer and friends: every page (each retried by `aws_call`), restart on RequestChanged."""

from collections.abc import Callable

from collection.errors import AWSAPIError, ErrorCode, aws_call

# Cost Explorer answers RequestChangedException when its data changed between two pages of one query;
# the only correct reaction is to start the query over.
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html#API_GetCostAndUsage_Errors
MAX_RESTARTS = 3
CE_PAGE_KEY = "NextPageToken"


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
    from the first one, and the count restarts with them.
    """
    for _ in range(MAX_RESTARTS):
        total, token = 0, None
        try:
            while True:
                page = aws_call(call, operation=operation, **params, **({page_key: token} if token else {}))
                total += handle(page)
                token = page.get(page_key)
                if not token:
                    return total
        except AWSAPIError as exc:
            if exc.code != ErrorCode.REQUEST_CHANGED:
                raise
    raise AWSAPIError(f"{operation}: data kept changing during pagination", code=ErrorCode.REQUEST_CHANGED)
