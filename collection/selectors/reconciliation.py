"""Reads for reconciliation: the stored monthly totals to check, the latest checks, and their gauge."""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Sum

from collection.models import CostData, Reconciliation
from collection.months import month_start

GAUGE = "costmonitor_reconciliation_difference_usd"
Key = tuple[dt.date, dt.date, str, str, str]  # period start, period end (exclusive), account, metric, currency


def last_closed_month(*, today: dt.date) -> tuple[dt.date, dt.date]:
    """[first, next first) of the previous UTC month: the latest month whose bill no longer grows."""
    first = month_start(today=today)
    return month_start(today=first - dt.timedelta(days=1)), first


def stored_totals(*, periods: list[tuple[dt.date, dt.date]], fields: dict[str, str]) -> dict[Key, Decimal]:
    """Per period, account, metric and currency: the sum of the stored daily all-regions costs.

    `fields` maps a metric's name (`unblended`) to its CostData field (`unblended_cost`); currencies are never added.
    """
    totals = {}
    for start, end in periods:
        rows = (
            CostData.objects.filter(region="", date__gte=start, date__lt=end)
            .values("account_id", "currency")
            .annotate(**{metric: Sum(field) for metric, field in fields.items()})
            .order_by()
        )
        for row in rows:
            for metric in fields:
                totals[start, end, row["account_id"], metric, row["currency"]] = row[metric]
    return totals


def reconciliations(*, start: dt.date, end: dt.date):
    """The latest checks of the periods within [start, end), in period, account, metric and currency order."""
    return Reconciliation.objects.filter(period_start__gte=start, period_end__lte=end).order_by(
        "period_start", "account_id", "metric", "currency"
    )


def reconciliation_gauges(*, today: dt.date) -> Iterator[tuple[str, dict[str, str], Decimal]]:
    """The latest check of the last closed month, per account and metric: Cost Explorer minus stored, in USD.

    One month only, so the series stay as many as accounts times metrics; an amount in another currency is
    printed by `manage.py reconcile_costs` but not exported under a USD name.
    """
    start, end = last_closed_month(today=today)
    for row in reconciliations(start=start, end=end).filter(period_start=start, period_end=end, currency="USD"):
        yield GAUGE, {"account_id": row.account_id, "metric": row.metric}, row.difference
