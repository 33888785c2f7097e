"""Which cost rollup (`collection.rollup_models`) answers a costs query, if any: the smallest one holding every
dimension the query groups, filters or is scoped by, at its granularity over its window."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, DecimalField, Model, Q, Sum, Value, When
from django.db.models.lookups import GreaterThan

from collection.cost_metrics import COST_METRICS
from collection.months import next_month
from collection.rollup_models import CostDayByAccount, CostDayByService, CostMonthByAccount, CostMonthByService

MONEY = DecimalField(max_digits=24, decimal_places=10)
UNKNOWN_COUNTS = {m.field: f"{m.name}_unknown" for m in COST_METRICS if not m.required}


@dataclass(frozen=True)
class Rollup:
    model: type[Model]
    held: frozenset[str]  # the dimensions it keeps
    day: str  # its date field: `date`, or `month` (the month's first day)


# Smallest first: a large organization has about 200 services and 1,000 accounts, 14 months or 425 days of them.
# Account x service is the detail rows' own grain (their covering index answers one account's history). Kept by
# month as a rollup of its own, it would be written about as often as they are (one new day of every account and
# service updates as many monthly groups): bench/scale.py measured the ingest with it at 0.46-0.73x of main's
# schema, 0.92-0.99x with these four.
MONTHLY = (
    Rollup(CostMonthByService, frozenset({"service"}), "month"),
    Rollup(CostMonthByAccount, frozenset({"account"}), "month"),
)
DAILY = (
    Rollup(CostDayByService, frozenset({"service"}), "date"),
    Rollup(CostDayByAccount, frozenset({"account"}), "date"),
)


def answering_rollup(*, dimensions: Collection[str], granularity: str | None, start: date, end: date) -> Rollup | None:
    """The rollup holding every one of `dimensions` (of "service", "account") at `granularity` (None: the whole
    window) over [start, end), or None: the detail rows answer. A monthly rollup answers a window that holds the
    whole of each month it touches (`holds_whole_months`); its reader takes those months from the first day of
    `start`'s."""
    if granularity != "daily":
        monthly = next((rollup for rollup in MONTHLY if rollup.held.issuperset(dimensions)), None)
        # The stored days are read only where a monthly rollup could answer at all.
        if monthly is not None and holds_whole_months(start=start, end=end):
            return monthly
    return next((rollup for rollup in DAILY if rollup.held.issuperset(dimensions)), None)


def holds_whole_months(*, start: date, end: date) -> bool:
    """Whether [start, end) holds every stored day of the months it touches: it starts and ends on a month's first
    day, or no cost is stored between its ends and those of their months (the usual "to the last day" window, or
    one starting before the history does). One indexed read of the daily rollup, which holds every stored day.

    A collection writing those days between this read and the rollup's is seen as if it had finished just before.
    """
    gaps = Q()
    if start.day != 1:
        gaps |= Q(date__gte=start.replace(day=1), date__lt=start)
    if end.day != 1:
        gaps |= Q(date__gte=end, date__lt=next_month(end))
    return not gaps or not CostDayByService.objects.filter(gaps).exists()


def rollup_metric_sum(field: str):
    """SUM(field) of rollup rows; for a net metric, NULL when any detail row summed in them does not know it."""
    if field not in UNKNOWN_COUNTS:
        return Sum(field)
    unknown = GreaterThan(Sum(UNKNOWN_COUNTS[field]), 0)
    return Case(When(unknown, then=Value(None)), default=Sum(field), output_field=MONEY)
