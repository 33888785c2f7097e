"""Page-number pagination of a queryset or list; its figures go into the envelope's metadata."""

from collections.abc import Sequence

from django.core.paginator import Paginator
from rest_framework import exceptions


def paginate(items: Sequence, *, page: int, page_size: int) -> tuple[list, dict]:
    """`(items of the page, {"page", "page_size", "total_count", "total_pages"})`; past the end is a 404, as in DRF."""
    paginator = Paginator(items, page_size)
    if page > paginator.num_pages:
        raise exceptions.NotFound(f"Page {page} is past the last page, {paginator.num_pages}.")
    current = paginator.page(page)
    meta = {"page": page, "page_size": page_size, "total_count": paginator.count, "total_pages": paginator.num_pages}
    return list(current.object_list), meta
