"""Which cost rollup (`collection.rollup_models`) answers a costs query, if any: the smallest one holding every
dimension the query groups, filters or is scoped by."""

from collections.abc import Collection

from django.db.models import Case, DecimalField, Model, Sum, Value, When
from django.db.models.lookups import GreaterThan

from collection.cost_metrics import COST_METRICS
from collection.rollup_models import CostDayByAccount, CostDayByService

MONEY = DecimalField(max_digits=24, decimal_places=10)
UNKNOWN_COUNTS = {m.field: f"{m.name}_unknown" for m in COST_METRICS if not m.required}


# Smallest first: about 200 services and 1,000 accounts a day in a large organization. Account x service is the
# detail rows' own grain (their covering index answers one account's history).
ROLLUPS = ((frozenset({"service"}), CostDayByService), (frozenset({"account"}), CostDayByAccount))


def answering_rollup(*, dimensions: Collection[str]) -> type[Model] | None:
    """The rollup holding every one of `dimensions` (of "service", "account"), or None: the detail rows answer."""
    for held, model in ROLLUPS:
        if held.issuperset(dimensions):
            return model
    return None


def rollup_metric_sum(field: str):
    """SUM(field) of rollup rows; for a net metric, NULL when any detail row summed in them does not know it."""
    if field not in UNKNOWN_COUNTS:
        return Sum(field)
    unknown = GreaterThan(Sum(UNKNOWN_COUNTS[field]), 0)
    return Case(When(unknown, then=Value(None)), default=Sum(field), output_field=MONEY)
