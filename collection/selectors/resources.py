"""Reads of the costliest resources per service and day (ResourceCost), which only Data Exports fill."""

from datetime import date

from django.db.models import F, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from collection.models import ResourceCost

from .filters import narrowed, stored_days
from .scope import Scope, within_accounts

RESOURCE_GRANULARITIES = ("daily", "total")
# Costliest first; equal costs in resource id order, so that every page and /metrics answer the same rows.
COSTLIEST = (F("amount").desc(), "service", "resource_id", "account_id")


def resource_cost_queryset(
    *,
    start: date,
    end: date,
    service: str | None = None,
    account_id: str | None = None,
    scope: Scope | None = None,
) -> QuerySet[ResourceCost]:
    """Daily resource rows in [start, end) (end exclusive) within `scope`'s accounts."""
    qs = within_accounts(ResourceCost.objects.filter(date__gte=start, date__lt=end), scope)
    return narrowed(qs, service=service, account_id=account_id)


def resource_costs(*, granularity: str = "daily", **filters) -> QuerySet:
    """Dicts of `service`, `account_id`, `resource_id`, `amount`, `currency`, and `date` per day (`daily`: each day
    by service, costliest first) or summed over the window (`total`: costliest first; a resource's days among its
    service's costliest only). Keyword filters as `resource_cost_queryset`."""
    qs = resource_cost_queryset(**filters)
    keys = ["service", "account_id", "resource_id", "currency"]
    if granularity == "daily":
        return qs.values("date", *keys, "amount").order_by(
            "date", "service", F("amount").desc(), "resource_id", "account_id"
        )
    return qs.values(*keys).annotate(amount=Sum("amount")).order_by(*COSTLIEST, "currency")


def resource_coverage(*, scope: Scope | None = None) -> dict[str, date] | None:
    """The first and last day of stored resource cost the reader may see (`{"first_day", "last_day"}`), or None."""
    return stored_days(within_accounts(ResourceCost.objects.all(), scope))


def costliest_resources(*, day: date, limit: int) -> list[dict]:
    """The `limit` costliest resources of `day` in each currency (currencies are never compared), costliest
    first: dicts of `service`, `account_id`, `resource_id`, `currency`, `amount`."""
    place = Window(RowNumber(), partition_by=[F("currency")], order_by=list(COSTLIEST))
    return list(
        ResourceCost.objects.filter(date=day)
        .annotate(place=place)
        .filter(place__lte=limit)
        .order_by("currency", "place")
        .values("service", "account_id", "resource_id", "currency", "amount")
    )
