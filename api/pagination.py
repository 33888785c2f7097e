"""Page-number pagination of a queryset or list; its figures go into the envelope's metadata."""

from collections.abc import Sequence

from django.db.models import QuerySet
from rest_framework import exceptions


def page_metadata(*, page: int, page_size: int, count: int) -> dict:
    """`{"page", "page_size", "total_count", "total_pages"}` of page `page` over `count` items.

    A page past the end is a 404, as in DRF; an empty list still has its (empty) first page.
    """
    pages = max(1, -(-count // page_size))
    if page > pages:
        raise exceptions.NotFound(f"Page {page} is past the last page, {pages}.")
    return {"page": page, "page_size": page_size, "total_count": count, "total_pages": pages}


def paginate(items: Sequence, *, page: int, page_size: int) -> tuple[list, dict]:
    """`(items of the page, page_metadata)`."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    meta = page_metadata(page=page, page_size=page_size, count=count)
    first = (page - 1) * page_size
    return list(items[first : first + page_size]), meta
