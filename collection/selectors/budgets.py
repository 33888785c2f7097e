"""Reads of AWS budgets: querysets under filters and a reader's scope, and their USD gauges."""

import datetime as dt
from collections.abc import Iterator

from django.db.models import F, Q, QuerySet

from collection.models import Budget

from .filters import narrowed
from .scope import Scope

OVER = {"actual": Q(actual__gt=F("limit")), "forecast": Q(forecast__gt=F("limit"))}
USD = "USD"


def within_budget_scope(qs: QuerySet[Budget], scope: Scope | None) -> QuerySet[Budget]:
    """`qs` narrowed to what `scope` may see: a budget is the whole organization's unless its filters limit it to
    linked accounts, and a scoped reader sees only budgets limited to accounts all of its scope.

    Read in Python, not SQL: SQLite has no JSON containment; an account has few budgets.
    """
    if scope is None:
        return qs
    visible = [
        pk for pk, accounts in qs.values_list("pk", "linked_accounts") if accounts and set(accounts) <= scope.accounts
    ]
    return qs.filter(pk__in=visible)


def budget_queryset(
    *,
    name: str | None = None,
    budget_type: str | None = None,
    time_unit: str | None = None,
    unit: str | None = None,
    over_limit: str | None = None,
    active: bool | None = True,
    scope: Scope | None = None,
) -> QuerySet[Budget]:
    """Budgets under the filters; `over_limit` "actual" or "forecast": only those whose actual (forecast) spend is
    over their limit; `active=None`: also those deleted in AWS. Names and units compare case-insensitively."""
    qs = narrowed(
        Budget.objects.all(), name__iexact=name, budget_type=budget_type, time_unit=time_unit, unit__iexact=unit
    )
    if over_limit:
        qs = qs.filter(OVER[over_limit])
    if active is not None:
        qs = qs.filter(active=active)
    return within_budget_scope(qs, scope)


def budget_gauges(*, today: dt.date) -> Iterator[tuple[str, dict[str, str], object]]:
    """Limit, actual and forecast spend of every active budget in USD; other units (usage, percentages) have none."""
    for budget in budget_queryset(unit=USD).order_by("name", "account_id"):
        for name, value in (("limit", budget.limit), ("actual", budget.actual), ("forecast", budget.forecast)):
            if value is not None:
                yield f"aws_budget_{name}_usd", {"budget": budget.name}, value
