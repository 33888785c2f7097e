"""The overview's AWS budgets (set in AWS Budgets, not MONTHLY_BUDGET_USD), read through the selectors /api/budgets
and /metrics read."""

from decimal import Decimal

from collection.selectors.budgets import budget_queryset

from .query import OverviewQuery


def _share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    return part / whole if part is not None and whole else None


def budget_figures(query: OverviewQuery) -> list[dict]:
    """Each active budget the reader may see (as /api/budgets lists them): its limit, actual and forecast spend in
    its unit, the share of the limit each is, and whether the forecast is over the limit."""
    return [
        {
            "name": budget.name,
            "type": budget.get_budget_type_display(),
            "period": budget.get_time_unit_display(),
            "limit": budget.limit,
            "actual": budget.actual,
            "forecast": budget.forecast,
            "unit": budget.unit,
            "actual_share": _share(budget.actual, budget.limit),
            "forecast_share": _share(budget.forecast, budget.limit),
            "over": bool(budget.forecast is not None and budget.limit is not None and budget.forecast > budget.limit),
        }
        for budget in budget_queryset(**query.args()).order_by("name", "pk")
    ]
