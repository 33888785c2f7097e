"""The gauge values each kind of collection feeds to /metrics, computed in the database."""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from collection.models import CostForecast, OptimizationRecommendation, TagCost
from collection.months import month_start, next_month
from collection.selectors.costs import cost_breakdown, cost_total

Gauge = tuple[str, dict[str, str], Decimal]
ORGANIZATION_LABEL = "all"  # account_id of forecasts for the whole organization (scope "")
SPIKE_BASELINE_DAYS = 7


def _cost_rows(*, start: dt.date, end: dt.date, granularity: str | None) -> Iterator[dict]:
    yield from cost_breakdown(start=start, end=end, granularity=granularity, group_by=("service", "account"))


def cost_gauges(*, today: dt.date) -> Iterator[Gauge]:
    """Month-to-date cost, the last METRICS_DAILY_DAYS days, and yesterday against the 7 days before it."""
    tomorrow = today + dt.timedelta(days=1)
    for row in _cost_rows(start=month_start(today=today), end=tomorrow, granularity=None):
        yield "aws_cost_total", {"service": row["service"], "account_id": row["account_id"]}, row["amount"]
    first_day = today - dt.timedelta(days=settings.METRICS_DAILY_DAYS - 1)
    for row in _cost_rows(start=first_day, end=tomorrow, granularity="daily"):
        labels = {"service": row["service"], "account_id": row["account_id"], "date": row["period"].isoformat()}
        yield "aws_cost_daily", labels, row["amount"]
    yesterday = today - dt.timedelta(days=1)
    for row in _cost_rows(start=yesterday, end=today, granularity=None):
        yield "aws_cost_yesterday", {"service": row["service"], "account_id": row["account_id"]}, row["amount"]
    baseline_start = yesterday - dt.timedelta(days=SPIKE_BASELINE_DAYS)
    for row in _cost_rows(start=baseline_start, end=yesterday, granularity=None):
        labels = {"service": row["service"], "account_id": row["account_id"]}
        yield "aws_cost_daily_average_7d", labels, row["amount"] / SPIKE_BASELINE_DAYS


def forecast_gauges(*, today: dt.date) -> Iterator[Gauge]:
    """Per scope, the latest forecast within this month, as a month-end projection with its bounds.

    Cost Explorer forecasts start today at the earliest, so the cost already incurred this month
    (from the first to the forecast's start) is added: the gauge is comparable with a monthly budget.
    """
    first = month_start(today=today)
    forecasts = CostForecast.objects.filter(
        metric="UNBLENDED_COST", period_start__gte=first, period_end__lte=next_month(today)
    ).order_by("scope", "-generated_at", "-period_end")
    seen = set()
    for forecast in forecasts:
        if forecast.scope in seen:
            continue
        seen.add(forecast.scope)
        actual = cost_total(start=first, end=forecast.period_start, account_id=forecast.scope or None)
        labels = {"account_id": forecast.scope or ORGANIZATION_LABEL}
        yield "aws_cost_forecast", labels, actual + forecast.mean
        for name, bound in (("lower", forecast.lower_bound), ("upper", forecast.upper_bound)):
            if bound is not None:
                yield f"aws_cost_forecast_{name}_bound", labels, actual + bound


def tag_gauges(*, today: dt.date) -> Iterator[Gauge]:
    """Month-to-date cost per tag value and service; tag_value "" is the untagged cost."""
    rows = (
        TagCost.objects.filter(date__gte=month_start(today=today), date__lte=today)
        .values("tag_key", "tag_value", "service")
        .annotate(amount=Sum("amount"))
        .order_by("tag_key", "tag_value", "service")
    )
    for row in rows:
        labels = {"tag_key": row["tag_key"], "tag_value": row["tag_value"], "service": row["service"]}
        yield "aws_cost_by_tag", labels, row["amount"]


def optimization_gauges(*, today: dt.date) -> Iterator[Gauge]:
    """Estimated monthly savings of the active recommendations, by type and category."""
    rows = (
        OptimizationRecommendation.objects.filter(active=True)
        .values("type", "category")
        .annotate(amount=Sum("estimated_monthly_savings"))
        .order_by("type", "category")
    )
    for row in rows:
        yield "aws_optimization_savings", {"type": row["type"], "category": row["category"]}, row["amount"]
