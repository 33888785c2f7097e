"""The change probe: one ungrouped Cost Explorer request tells which days changed since we stored them.

Cost Explorer refreshes its data up to three times a day, so most scheduled runs find nothing new; one
cheap request (daily org totals and Estimated flags) then replaces the detailed, multi-page queries.
The probe is shared by the costs and tags collections for CE_PROBE_MAX_AGE seconds.
"""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Min, QuerySet, Sum

from collection.cost_metrics import CE_METRICS
from collection.models import CategoryCost, CostData, TagCost
from collection.selectors.runs import last_full_fetch
from collection.services import parsing
from collection.services.context import CollectionContext
from collection.services.pagination import each_page
from collection.services.windows import first_run_window

# Sums of grouped amounts may differ from CE's own total in the last decimals; a cent of restatement is not.
TOLERANCE = Decimal("0.005")
OP = "GetCostAndUsage"
# Every cost metric costmonitor stores, asked for in the probe's one request: Savings Plans amortization settles
# days after the usage, restating amortized cost while unblended stays equal; a discount settles net cost alone.
PROBED_METRICS = CE_METRICS
# The day → (amount per metric, Estimated) answer of the probe; a metric the day's Total lacks is left out.
Totals = dict[date, tuple[dict[str, Decimal], bool]]


def probe_window(*, today: date) -> tuple[date, date]:
    """Every day that can still change: recent days, the current month, and any day stored as estimated."""
    start = min(today - timedelta(days=settings.COST_RESTATEMENT_DAYS), today.replace(day=1))
    for model in (CostData, TagCost, CategoryCost):
        oldest = model.objects.filter(estimated=True).aggregate(d=Min("date"))["d"]
        start = min(start, oldest or start)
    return start, today + timedelta(days=1)


def _fetch(*, ctx: CollectionContext, start: date, end: date) -> Totals:
    totals: Totals = {}

    def handle(page: dict) -> int:
        for result in parsing.field(page, "ResultsByTime", operation=OP):
            day = parsing.day(parsing.field(result, "TimePeriod", "Start", operation=OP), operation=OP)
            answered = {metric: parsing.optional(result, "Total", metric, "Amount") for metric in PROBED_METRICS}
            amounts = {
                metric: parsing.amount(value, operation=OP) for metric, value in answered.items() if value is not None
            }
            totals[day] = (amounts, bool(result.get("Estimated")))
        return 0

    params = {
        "TimePeriod": {"Start": str(start), "End": str(end)},
        "Granularity": "DAILY",
        "Metrics": PROBED_METRICS,
    }
    each_page(ctx.client("ce").get_cost_and_usage, operation=OP, params=params, handle=handle)
    return totals


def day_totals(*, ctx: CollectionContext) -> Totals:
    """CE's daily totals over `probe_window`, from the shared probe when a fresh one covers it."""
    start, end = probe_window(today=ctx.today)
    key = f"ce:probe:v3:{ctx.source}"  # v3: net metrics too
    cached = cache.get(key)
    if cached and cached["start"] <= start and cached["end"] >= end:
        age = (ctx.now - cached["at"]).total_seconds()
        if 0 <= age < settings.CE_PROBE_MAX_AGE:
            return cached["totals"]
    totals = _fetch(ctx=ctx, start=start, end=end)
    cache.set(key, {"start": start, "end": end, "at": ctx.now, "totals": totals}, timeout=settings.CE_PROBE_MAX_AGE)
    return totals


def changed_days(*, ctx: CollectionContext, stored: QuerySet, fields: dict[str, str]) -> list[date]:
    """The days whose CE total of any metric in `fields` (CE metric → field of `stored`) or whose Estimated flag
    differs from `stored`.

    A metric is compared only where both sides know it: a day whose Total lacks it, or with a stored row where it is
    unknown (NULL: a net metric collected before net cost was, or absent from a group), is left to the full refresh
    (COST_FULL_REFRESH_HOURS), so that an answer that never carries it cannot make every run fetch the day again.
    """
    totals = day_totals(ctx=ctx)
    rows = (
        stored.filter(date__in=list(totals))
        .values("date")
        .annotate(
            rows=Count("pk"),
            **{m: Sum(f) for m, f in fields.items()},
            **{f"known_{m}": Count(f) for m, f in fields.items()},
        )
    )
    ours = {row["date"]: row for row in rows}
    estimated = set(stored.filter(date__in=list(totals), estimated=True).values_list("date", flat=True).distinct())

    def differs(day: date, amounts: dict[str, Decimal]) -> bool:
        row = ours.get(day, {"rows": 0})
        return any(
            abs(amounts[metric] - (row.get(metric) or Decimal(0))) > TOLERANCE
            for metric in fields
            if metric in amounts and row.get(f"known_{metric}", 0) == row["rows"]
        )

    return [
        day
        for day, (amounts, is_estimated) in totals.items()
        if differs(day, amounts) or (day in ours and (day in estimated) != is_estimated)
    ]


def span(days: list[date]) -> tuple[date, date] | None:
    """The smallest [start, end) holding `days`; None for none."""
    return (min(days), max(days) + timedelta(days=1)) if days else None


def scheduled_window(
    *, ctx: CollectionContext, stored: QuerySet, fields: dict[str, str], also: Callable[[], list[date]] | None = None
) -> tuple[date, date] | None:
    """What a run without an explicit window fetches of `stored`: all history the first time; the whole open
    window when the last full fetch of the kind is older than COST_FULL_REFRESH_HOURS (the safety net for
    whatever no probe shows); else the days the probe (and `also`, a probe of its own) shows changed."""
    if stored.aggregate(d=Max("date"))["d"] is None:
        return first_run_window(today=ctx.today, source=ctx.source)
    open_window = probe_window(today=ctx.today)
    hours = settings.COST_FULL_REFRESH_HOURS
    last = last_full_fetch(kind=ctx.kind, covering=open_window[0])
    if hours == 0 or last is None or ctx.now - last >= timedelta(hours=hours):
        return open_window
    return span([*changed_days(ctx=ctx, stored=stored, fields=fields), *(also() if also else [])])
