"""The Cost Explorer spend guard: CE_MONTHLY_REQUEST_BUDGET caps the billed requests of a calendar month."""

from django.conf import settings

from collection.errors import BudgetExceeded
from collection.selectors import ce_spend_this_month


def remaining_ce_requests() -> int | None:
    """Requests left in this month's budget (never below 0); None when there is none (0)."""
    budget = settings.CE_MONTHLY_REQUEST_BUDGET
    if not budget:
        return None
    return max(0, budget - ce_spend_this_month()["requests"])


def check_budget(*, needed: int) -> int | None:
    """Refuse (BudgetExceeded) a collection that needs more requests than remain; return what remains."""
    remaining = remaining_ce_requests()
    if remaining is not None and needed > remaining:
        budget = settings.CE_MONTHLY_REQUEST_BUDGET
        raise BudgetExceeded(
            f"refused: needs at least {needed} Cost Explorer requests, {remaining} of this month's "
            f"budget of {budget} (CE_MONTHLY_REQUEST_BUDGET) remain"
        )
    return remaining
