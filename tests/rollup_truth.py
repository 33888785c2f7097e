"""What each cost rollup must hold, summed from the detail rows, and the check that it holds exactly that."""

from decimal import Decimal

from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from collection.cost_metrics import COST_METRICS
from collection.models import CostData, CostDayByAccount, CostDayByService, CostMonthByAccount, CostMonthByService

CENT = Decimal("0.01")
KEYS = {
    CostDayByService: ("date", "service", "currency"),
    CostDayByAccount: ("date", "account_id", "currency"),
    CostMonthByService: ("month", "service", "currency"),
    CostMonthByAccount: ("month", "account_id", "currency"),
}
AMOUNTS = [m.field for m in COST_METRICS]
UNKNOWNS = {m.field: f"{m.name}_unknown" for m in COST_METRICS if not m.required}


def _cents(rows, keys, *, prefix: str = "") -> dict[tuple, tuple]:
    return {
        tuple(row[k] for k in keys): (
            *(Decimal(row[prefix + a]).quantize(CENT) for a in AMOUNTS),
            row["rows"],
            *(row[u] for u in UNKNOWNS.values()),
        )
        for row in rows
    }


def expected(model) -> dict[tuple, tuple]:
    """The groups of `model` summed from the all-regions detail rows: amounts to the cent, rows, unknown counts."""
    keys = KEYS[model]
    detail = CostData.objects.filter(region="").annotate(month=TruncMonth("date"))
    sums = {f"sum_{a}": Coalesce(Sum(a), Value(Decimal(0))) for a in AMOUNTS}
    unknown = {u: Count("pk") - Count(a) for a, u in UNKNOWNS.items()}
    rows = detail.values(*keys).annotate(**sums, rows=Count("pk"), **unknown).order_by()
    return _cents(rows, keys, prefix="sum_")


def stored(model) -> dict[tuple, tuple]:
    keys = KEYS[model]
    return _cents(model.objects.values(*keys, *AMOUNTS, "rows", *UNKNOWNS.values()), keys)


def assert_rollups_exact() -> None:
    """Every rollup holds exactly the detail rows' groups, each to the cent, with its row and unknown counts."""
    for model in KEYS:
        assert stored(model) == expected(model), model.__name__


def rollup_groups() -> int:
    return sum(model.objects.count() for model in KEYS)
