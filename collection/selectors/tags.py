"""Reads of cost by tag: per tag value, with the untagged share of each tag key."""

from datetime import date

from django.db.models import Q, QuerySet, Sum

from collection.models import TagCost

from .filters import narrowed, stored_days, with_share
from .scope import Scope, within_tags

UNTAGGED = ""


def tag_cost_queryset(
    *,
    start: date,
    end: date,
    tag_key: str | None = None,
    tag_value: str | None = None,
    service: str | None = None,
    scope: Scope | None = None,
) -> QuerySet[TagCost]:
    """Daily tag rows in [start, end) (end exclusive) within `scope`'s tag values; `tag_value` "" selects the
    untagged cost."""
    qs = within_tags(TagCost.objects.filter(date__gte=start, date__lt=end), scope)
    qs = narrowed(qs, tag_key=tag_key, service=service)
    return qs if tag_value is None else qs.filter(tag_value=tag_value)


def tag_coverage(*, scope: Scope | None = None) -> dict[str, date] | None:
    """The first and last day of stored tag cost the reader may see (`{"first_day", "last_day"}`), or None."""
    return stored_days(within_tags(TagCost.objects.all(), scope))


def tag_cost_breakdown(*, by_service: bool = False, **filters) -> QuerySet:
    """Cost per tag key and value (and service when `by_service`), summed in SQL; keyword filters as above.

    Rows are dicts with `tag_key`, `tag_value` ("" = untagged), optionally `service`, `amount`, `currency`.
    """
    keys = ["tag_key", "tag_value", *(["service"] if by_service else []), "currency"]
    return tag_cost_queryset(**filters).values(*keys).annotate(amount=Sum("amount")).order_by(*keys)


def untagged_share(
    *, start: date, end: date, tag_key: str | None = None, service: str | None = None, scope: Scope | None = None
) -> list[dict]:
    """Per tag key and currency: total cost, untagged cost and the untagged share (0..1, None when the total is
    0). Amounts in different currencies are never added: a key with costs in two has two entries. Within a
    `scope`, of its tag values only: the total is theirs, not the key's."""
    rows = (
        tag_cost_queryset(start=start, end=end, tag_key=tag_key, service=service, scope=scope)
        .values("tag_key", "currency")
        .annotate(total=Sum("amount"), untagged=Sum("amount", filter=Q(tag_value=UNTAGGED)))
        .order_by("tag_key", "currency")
    )
    return with_share(rows, part="untagged")
