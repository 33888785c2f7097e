"""The change probe: one ungrouped Cost Explorer request tells which days changed since we stored them.

Cost Explorer refreshes its data up to three times a day, so most scheduled runs find nothing new; one
cheap request (daily org totals and Estimated flags) then replaces the detailed, multi-page queries.
The probe is shared by the costs and tags collections for CE_PROBE_MAX_AGE seconds.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min, QuerySet, Sum

from collection.models import CostData, TagCost
from collection.services import parsing
from collection.services.context import CollectionContext
from collection.services.pagination import each_page

# Sums of grouped amounts may differ from CE's own total in the last decimals; a cent of restatement is not.
TOLERANCE = Decimal("0.005")
OP = "GetCostAndUsage"
Totals = dict[date, tuple[Decimal, bool]]


def probe_window(*, today: date) -> tuple[date, date]:
    """Every day that can still change: recent days, the current month, and any day stored as estimated."""
    start = min(today - timedelta(days=settings.COST_RESTATEMENT_DAYS), today.replace(day=1))
    for model in (CostData, TagCost):
        oldest = model.objects.filter(estimated=True).aggregate(d=Min("date"))["d"]
        start = min(start, oldest or start)
    return start, today + timedelta(days=1)


def _fetch(*, ctx: CollectionContext, start: date, end: date) -> Totals:
    totals: Totals = {}

    def handle(page: dict) -> int:
        for result in parsing.field(page, "ResultsByTime", operation=OP):
            day = parsing.day(parsing.field(result, "TimePeriod", "Start", operation=OP), operation=OP)
            raw = parsing.field(result, "Total", "UnblendedCost", "Amount", operation=OP)
            totals[day] = (parsing.amount(raw, operation=OP), bool(result.get("Estimated")))
        return 0

    params = {
        "TimePeriod": {"Start": str(start), "End": str(end)},
        "Granularity": "DAILY",
        "Metrics": ["UnblendedCost"],
    }
    each_page(ctx.client("ce").get_cost_and_usage, operation=OP, params=params, handle=handle)
    return totals


def day_totals(*, ctx: CollectionContext) -> Totals:
    """CE's daily totals over `probe_window`, from the shared probe when a fresh one covers it."""
    start, end = probe_window(today=ctx.today)
    key = f"ce:probe:{ctx.source}"
    cached = cache.get(key)
    if cached and cached["start"] <= start and cached["end"] >= end:
        age = (ctx.now - cached["at"]).total_seconds()
        if 0 <= age < settings.CE_PROBE_MAX_AGE:
            return cached["totals"]
    totals = _fetch(ctx=ctx, start=start, end=end)
    cache.set(key, {"start": start, "end": end, "at": ctx.now, "totals": totals}, timeout=settings.CE_PROBE_MAX_AGE)
    return totals


def changed_window(*, ctx: CollectionContext, stored: QuerySet, amount_field: str) -> tuple[date, date] | None:
    """The smallest window holding every day whose CE total or Estimated flag differs from `stored`; None if none."""
    totals = day_totals(ctx=ctx)
    rows = stored.filter(date__in=list(totals)).values("date").annotate(total=Sum(amount_field))
    ours = {row["date"]: row["total"] for row in rows}
    estimated = set(stored.filter(date__in=list(totals), estimated=True).values_list("date", flat=True).distinct())
    changed = [
        day
        for day, (total, is_estimated) in totals.items()
        if abs(total - ours.get(day, Decimal(0))) > TOLERANCE or (day in ours and (day in estimated) != is_estimated)
    ]
    return (min(changed), max(changed) + timedelta(days=1)) if changed else None
