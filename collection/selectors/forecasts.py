"""Reads of Cost Explorer forecasts: the latest forecast per scope and period, and this month's projection."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery

from collection.models import CostForecast
from collection.months import month_start, next_month

from .costs import cost_totals
from .scope import Scope, within_accounts


def latest_forecasts(*, account_id: str | None = None, scope: Scope | None = None) -> QuerySet[CostForecast]:
    """The most recently generated forecast of each scope, period, granularity and metric.

    `account_id` narrows to that account's scope; without it every scope is returned, the
    organization (scope "") included. Within a `scope`, only its accounts' own forecasts: the organization's holds
    every account's cost, so a scoped reader never sees it.
    """
    newest = CostForecast.objects.filter(
        scope=OuterRef("scope"),
        period_start=OuterRef("period_start"),
        period_end=OuterRef("period_end"),
        granularity=OuterRef("granularity"),
        metric=OuterRef("metric"),
    ).order_by("-generated_at", "-id")
    qs = CostForecast.objects.filter(id=Subquery(newest.values("id")[:1]))
    qs = within_accounts(qs, scope, field="scope")
    if account_id:
        qs = qs.filter(scope=account_id)
    return qs.order_by("scope", "period_start", "granularity", "metric")


@dataclass(frozen=True)
class MonthProjection:
    """A scope's month-end cost: incurred before the forecast's start plus the forecast of the rest, with bounds."""

    scope: str  # "" is the organization, else an account id
    currency: str
    incurred: Decimal  # from the first of the month to the forecast's start
    mean: Decimal
    lower_bound: Decimal | None
    upper_bound: Decimal | None
    prediction_interval: int


def month_projections(*, today: dt.date, scope: Scope | None = None) -> list[MonthProjection]:
    """Per scope, the latest forecast within `today`'s month, as a month-end projection with its bounds.

    Cost Explorer forecasts start today at the earliest, so the cost already incurred this month (from the
    first to the forecast's start), in the forecast's currency, is added: the projection is comparable with a
    monthly budget. Within a `scope`, its accounts' own projections only, as `latest_forecasts`.
    """
    first = month_start(today=today)
    this_month = CostForecast.objects.filter(
        metric="UNBLENDED_COST", period_start__gte=first, period_end__lte=next_month(today)
    )
    forecasts = within_accounts(this_month, scope, field="scope").order_by("scope", "-generated_at", "-period_end")
    projections, seen = [], set()
    for forecast in forecasts:
        if forecast.scope in seen:
            continue
        seen.add(forecast.scope)
        incurred = cost_totals(start=first, end=forecast.period_start, account_id=forecast.scope or None).get(
            forecast.currency, Decimal(0)
        )
        projections.append(
            MonthProjection(
                scope=forecast.scope,
                currency=forecast.currency,
                incurred=incurred,
                mean=incurred + forecast.mean,
                lower_bound=None if forecast.lower_bound is None else incurred + forecast.lower_bound,
                upper_bound=None if forecast.upper_bound is None else incurred + forecast.upper_bound,
                prediction_interval=forecast.prediction_interval,
            )
        )
    return projections
