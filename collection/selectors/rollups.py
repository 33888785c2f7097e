"""Which cost rollup (`collection.rollup_models`) answers a costs query, if any: the smallest one holding every
dimension the query groups, filters or is scoped by, at its granularity over its window."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, DecimalField, Model, Sum, Value, When
from django.db.models.lookups import GreaterThan

from collection.cost_metrics import COST_METRICS
from collection.rollup_models import CostDayByAccount, CostDayByService, CostMonthByAccount, CostMonthByService

MONEY = DecimalField(max_digits=24, decimal_places=10)
UNKNOWN_COUNTS = {m.field: f"{m.name}_unknown" for m in COST_METRICS if not m.required}


@dataclass(frozen=True)
class Rollup:
    model: type[Model]
    held: frozenset[str]  # the dimensions it keeps
    day: str  # its date field: `date`, or `month` (the month's first day)


# Smallest first: a large organization has about 200 services and 1,000 accounts, 14 months or 425 days of them.
# Account x service is the detail rows' own grain (their covering index answers one account's history).
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
    window) over [start, end), or None: the detail rows answer. A monthly rollup answers whole months only."""
    whole_months = granularity != "daily" and start.day == 1 and end.day == 1
    for rollup in (*MONTHLY, *DAILY) if whole_months else DAILY:
        if rollup.held.issuperset(dimensions):
            return rollup
    return None


def rollup_metric_sum(field: str):
    """SUM(field) of rollup rows; for a net metric, NULL when any detail row summed in them does not know it."""
    if field not in UNKNOWN_COUNTS:
        return Sum(field)
    unknown = GreaterThan(Sum(UNKNOWN_COUNTS[field]), 0)
    return Case(When(unknown, then=Value(None)), default=Sum(field), output_field=MONEY)
