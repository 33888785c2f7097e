"""Which cost rollup (`collection.rollup_models`) answers a costs query, if any: the smallest one holding every
dimension the query groups, filters or is scoped by, over whole days or, for the monthly one, whole months."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, DecimalField, Model, Sum, Value, When
from django.db.models.lookups import GreaterThan

from collection.cost_metrics import COST_METRICS
from collection.rollup_models import CostDayByAccount, CostDayByService, CostMonthByAccountService

MONEY = DecimalField(max_digits=24, decimal_places=10)
UNKNOWN_COUNTS = {m.field: f"{m.name}_unknown" for m in COST_METRICS if not m.required}


@dataclass(frozen=True)
class RollupChoice:
    model: type[Model]
    day: str  # its date field: `date`, or `month` (the month's first day)


# Smallest first: about 200 services, 1,000 accounts, 200,000 account x service groups a day in a large organization.
DAILY = (
    (frozenset({"service"}), RollupChoice(CostDayByService, "date")),
    (frozenset({"account"}), RollupChoice(CostDayByAccount, "date")),
)
MONTHLY = RollupChoice(CostMonthByAccountService, "month")


def answering_rollup(
    *, dimensions: Collection[str], granularity: str | None, start: date, end: date
) -> RollupChoice | None:
    """The rollup holding `dimensions` (of "service", "account") at `granularity` over [start, end), or None:
    then the detail rows answer (a region, a charge type, or account x service over part of a month)."""
    for held, choice in DAILY:
        if held.issuperset(dimensions):
            return choice
    whole_months = start.day == 1 and end.day == 1
    if granularity != "daily" and whole_months and {"service", "account"}.issuperset(dimensions):
        return MONTHLY
    return None


def rollup_metric_sum(field: str):
    """SUM(field) of rollup rows; for a net metric, NULL when any detail row summed in them does not know it."""
    if field not in UNKNOWN_COUNTS:
        return Sum(field)
    unknown = GreaterThan(Sum(UNKNOWN_COUNTS[field]), 0)
    return Case(When(unknown, then=Value(None)), default=Sum(field), output_field=MONEY)
