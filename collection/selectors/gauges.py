"""The gauge values each kind of collection feeds to /metrics, computed in the database.

Every amount carries its `currency` label (ISO 4217): amounts in different currencies are never added.
"""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet, Sum

from collection.cost_metrics import COST_METRICS
from collection.models import TagCost
from collection.months import month_start
from collection.selectors.costs import cost_breakdown
from collection.selectors.forecasts import month_projections
from collection.selectors.optimization import counted_recommendations
from collection.selectors.resources import costliest_resources

Gauge = tuple[str, dict[str, str], Decimal]
ORGANIZATION_LABEL = "all"  # account_id of forecasts for the whole organization (scope "")
SPIKE_BASELINE_DAYS = 7


def summed_gauges(name: str, rows: QuerySet, *, labels: tuple[str, ...], field: str) -> Iterator[Gauge]:
    """Gauge `name`: `field` of `rows` summed per `labels` and currency, each a series labelled so."""
    keys = [*labels, "currency"]
    for row in rows.values(*keys).annotate(amount=Sum(field)).order_by(*keys):
        amount = row.pop("amount")
        yield name, row, amount


def _cost_rows(*, start: dt.date, end: dt.date, granularity: str | None) -> Iterator[tuple[dict, dict]]:
    """(row, its service, account_id and currency labels) of the breakdown by service and account."""
    for row in cost_breakdown(start=start, end=end, granularity=granularity, group_by=("service", "account")):
        yield row, {"service": row["service"], "account_id": row["account_id"], "currency": row["currency"]}


NET_METRICS = tuple(m.name for m in COST_METRICS if m.name.startswith("net_"))


def cost_gauges(*, today: dt.date) -> Iterator[Gauge]:
    """Month-to-date cost (gross by service, net and by charge type per account), the last METRICS_DAILY_DAYS days,
    yesterday against the 7 days before it, and yesterday's METRICS_TOP_RESOURCES costliest resources."""
    tomorrow = today + dt.timedelta(days=1)
    for row, labels in _cost_rows(start=month_start(today=today), end=tomorrow, granularity=None):
        yield "aws_cost_total", labels, row["amount"]
    yield from _month_by_account(start=month_start(today=today), end=tomorrow)
    first_day = today - dt.timedelta(days=settings.METRICS_DAILY_DAYS - 1)
    for row, labels in _cost_rows(start=first_day, end=tomorrow, granularity="daily"):
        yield "aws_cost_daily", {**labels, "date": row["period"].isoformat()}, row["amount"]
    yesterday = today - dt.timedelta(days=1)
    for row, labels in _cost_rows(start=yesterday, end=today, granularity=None):
        yield "aws_cost_yesterday", labels, row["amount"]
    baseline_start = yesterday - dt.timedelta(days=SPIKE_BASELINE_DAYS)
    for row, labels in _cost_rows(start=baseline_start, end=yesterday, granularity=None):
        yield "aws_cost_daily_average_7d", labels, row["amount"] / SPIKE_BASELINE_DAYS
    for row in costliest_resources(day=yesterday, limit=settings.METRICS_TOP_RESOURCES):
        amount = row.pop("amount")
        yield "aws_resource_cost", row, amount


def _month_by_account(*, start: dt.date, end: dt.date) -> Iterator[Gauge]:
    """Per account (series: accounts x metrics, accounts x charge types): the net cost, where every day of the
    month knows it (a month collected partly before net cost was exports none rather than a part), and the gross
    cost by charge type."""
    for metric in NET_METRICS:
        for row in cost_breakdown(start=start, end=end, granularity=None, group_by=("account",), metric=metric):
            if row["amount"] is not None:
                labels = {"account_id": row["account_id"], "metric": metric, "currency": row["currency"]}
                yield "aws_cost_net", labels, row["amount"]
    for row in cost_breakdown(start=start, end=end, granularity=None, group_by=("account", "charge_type")):
        labels = {"account_id": row["account_id"], "charge_type": row["charge_type"], "currency": row["currency"]}
        yield "aws_cost_by_charge_type", labels, row["amount"]


def forecast_gauges(*, today: dt.date) -> Iterator[Gauge]:
    """Per scope, this month's projected total (`month_projections`) with its bounds."""
    for projection in month_projections(today=today):
        labels = {"account_id": projection.scope or ORGANIZATION_LABEL, "currency": projection.currency}
        yield "aws_cost_forecast", labels, projection.mean
        for name, bound in (("lower", projection.lower_bound), ("upper", projection.upper_bound)):
            if bound is not None:
                yield f"aws_cost_forecast_{name}_bound", labels, bound


def tag_gauges(*, today: dt.date) -> Iterator[Gauge]:
    """Month-to-date cost per tag value and service; tag_value "" is the untagged cost."""
    month = TagCost.objects.filter(date__gte=month_start(today=today), date__lte=today)
    yield from summed_gauges("aws_cost_by_tag", month, labels=("tag_key", "tag_value", "service"), field="amount")


def optimization_gauges(*, today: dt.date) -> Iterator[Gauge]:
    """Estimated monthly savings of the active recommendations, by type and category, each resource counted once
    (`counted_recommendations`), so that summing the series never adds two recommendations on one instance."""
    counted = counted_recommendations(active=True)
    yield from summed_gauges(
        "aws_optimization_savings", counted, labels=("type", "category"), field="estimated_monthly_savings"
    )
