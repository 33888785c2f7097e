"""Reconciliation: stored monthly totals per account and metric against Cost Explorer's MONTHLY answer."""

import math
import re
from datetime import date, timedelta
from decimal import Decimal

from collection.cost_metrics import COST_METRICS
from collection.errors import DataValidationError, ErrorCode
from collection.models import AwsAccount, Reconciliation
from collection.months import next_month
from collection.selectors.reconciliation import Key, last_closed_month, stored_totals
from collection.services import parsing
from collection.services.context import CollectionContext, Outcome
from collection.services.estimates import GROUPS_PER_PAGE
from collection.services.pagination import each_page
from collection.services.windows import month_periods, validate_window

OP = "GetCostAndUsage"
MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")  # ASCII: \d would take other scripts' digits
# The gross metrics, named as the API names them: Cost Explorer's metric → (name, CostData field). Net metrics are
# not reconciled: history collected before them holds none, and a check would report it all as a difference.
METRICS = {m.ce: (m.name, m.field) for m in COST_METRICS if m.required}


def month_window(*, month: str | None, today: date) -> tuple[date, date]:
    """[first, next first) of `month` (YYYY-MM; default the last closed month), up to tomorrow for the current one.

    ValueError with an operator's message for a malformed or future month, or one beyond Cost Explorer's history.
    """
    if month is None:
        return last_closed_month(today=today)
    if not MONTH.fullmatch(month) or not 1 <= int(month[5:]) <= 12:
        raise ValueError(f"{month!r} is not a month in YYYY-MM format")
    first = date.fromisoformat(f"{month}-01")
    if first > today:
        raise ValueError(f"month {month} is in the future")
    end = min(next_month(first), today + timedelta(days=1))
    validate_window(start=first, end=end, today=today)
    return first, end


def reported_totals(*, ctx: CollectionContext, periods: list[tuple[date, date]]) -> dict[Key, Decimal]:
    """Cost Explorer's MONTHLY totals per period, account, metric and currency: one query, every page.

    An answer lacking a period, or with one not asked for, is refused (nothing is recorded).
    """
    start, end = periods[0][0], periods[-1][1]
    params = {
        "TimePeriod": {"Start": str(start), "End": str(end)},
        "Granularity": "MONTHLY",
        "Metrics": list(METRICS),
        "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}],
    }
    totals, answered = {}, set()

    def handle(page: dict) -> int:  # assignments only: a restarted pagination handles the pages again
        for result in parsing.field(page, "ResultsByTime", operation=OP):
            period = tuple(
                parsing.day(parsing.field(result, "TimePeriod", edge, operation=OP), operation=OP)
                for edge in ("Start", "End")
            )
            if period not in periods:
                raise DataValidationError(f"{OP}: unexpected period {period}", code=ErrorCode.MALFORMED_RESPONSE)
            answered.add(period)
            for group in parsing.optional(result, "Groups") or []:  # optional: no cost that month
                account = parsing.field(group, "Keys", 0, operation=OP)
                for ce_metric, (metric, _) in METRICS.items():
                    amount, unit = parsing.metric_value(group, "Metrics", ce_metric, operation=OP)
                    totals[(*period, account, metric, unit)] = amount
        return 0

    each_page(ctx.client("ce").get_cost_and_usage, operation=OP, params=params, handle=handle)
    if missing := [f"{s}..{e}" for s, e in periods if (s, e) not in answered]:
        message = f"{OP}: no ResultsByTime for {', '.join(missing)}; nothing was reconciled"
        raise DataValidationError(message, code=ErrorCode.EMPTY_RESPONSE)
    return totals


def reconcile_costs(*, ctx: CollectionContext) -> Outcome:
    """Check `ctx.window` (default: the last closed month), month by month, and record each total's difference."""
    start, end = ctx.window or last_closed_month(today=ctx.today)
    periods = month_periods(start, end)
    reported = reported_totals(ctx=ctx, periods=periods)
    stored = stored_totals(periods=periods, fields=dict(METRICS.values()))
    rows = []
    for key in sorted(reported.keys() | stored.keys()):
        period_start, period_end, account, metric, currency = key
        ours, theirs = stored.get(key, Decimal(0)), reported.get(key, Decimal(0))
        rows.append(
            Reconciliation(
                period_start=period_start,
                period_end=period_end,
                account_id=account,
                metric=metric,
                currency=currency,
                stored=ours,
                reported=theirs,
                difference=theirs - ours,
                checked_at=ctx.now,
            )
        )
    for period_start, period_end in periods:  # a check replaces the last one: no total of an older check stays
        Reconciliation.objects.filter(period_start=period_start, period_end=period_end).delete()
    Reconciliation.objects.bulk_create(rows)
    differing = sum(abs(row.difference) >= Decimal("0.01") for row in rows)
    return Outcome(rows=len(rows), window=(start, end), notes=[f"{differing} of {len(rows)} totals differ"])


def estimate_reconciliation(*, start: date | None, end: date | None) -> int:
    """One request; a page per GROUPS_PER_PAGE account-months."""
    months = len(month_periods(start, end)) if start and end else 1
    return max(1, math.ceil(months * AwsAccount.objects.count() / GROUPS_PER_PAGE))
