"""Reads of cost by cost category: per value, with the uncategorized share of each category, and its gauges.

Cost Explorer computes a category over the whole organization (its rules may match any account, tag or service),
so no row belongs to an account: what a scoped reader may see of it is nothing (the API refuses it).
"""

import datetime as dt
from collections.abc import Iterator
from datetime import date

from django.db.models import Q, QuerySet, Sum

from collection.models import CategoryCost
from collection.months import month_start

from .filters import narrowed, stored_days, with_share
from .gauges import Gauge, summed_gauges


def stored_categories() -> list[str]:
    """The names of the categories with stored history, in name order."""
    return list(CategoryCost.objects.values_list("category", flat=True).distinct().order_by("category"))


def category_coverage() -> dict[str, date] | None:
    """The first and last day of stored category cost (`{"first_day", "last_day"}`), or None."""
    return stored_days(CategoryCost.objects.all())


def category_cost_queryset(
    *, start: date, end: date, category: str | None = None, value: str | None = None
) -> QuerySet[CategoryCost]:
    """Daily category rows in [start, end) (end exclusive); `value` "" selects the cost no rule matched."""
    qs = narrowed(CategoryCost.objects.filter(date__gte=start, date__lt=end), category=category)
    return qs if value is None else qs.filter(value=value)


def category_cost_breakdown(**filters) -> QuerySet:
    """Cost per category and value over the window, summed in SQL; keyword filters as `category_cost_queryset`.

    Rows are dicts with `category`, `value`, `uncategorized`, `amount` and `currency`.
    """
    keys = ["category", "value", "uncategorized", "currency"]
    return category_cost_queryset(**filters).values(*keys).annotate(amount=Sum("amount")).order_by(*keys)


def uncategorized_share(*, start: date, end: date, category: str | None = None) -> list[dict]:
    """Per category and currency: total cost, uncategorized cost (no rule matched: the empty value or the
    category's default value) and its share (0..1, None when the total is 0). Currencies are never added."""
    rows = (
        category_cost_queryset(start=start, end=end, category=category)
        .values("category", "currency")
        .annotate(total=Sum("amount"), uncategorized=Sum("amount", filter=Q(uncategorized=True)))
        .order_by("category", "currency")
    )
    return with_share(rows, part="uncategorized")


def category_gauges(*, today: dt.date) -> Iterator[Gauge]:
    """Month-to-date cost per category value: one series per value the month holds, never per day or account, so
    the label set is bounded by the categories and rules AWS allows an organization.
    https://docs.aws.amazon.com/cost-management/latest/userguide/management-limits.html"""
    month = CategoryCost.objects.filter(date__gte=month_start(today=today), date__lte=today)
    yield from summed_gauges("aws_cost_by_category", month, labels=("category", "value"), field="amount")
