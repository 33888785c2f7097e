"""get_cost_forecast: the rest of this month and next month, UNBLENDED_COST with an 80% prediction interval."""

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max

from collection.models import AwsAccount, CostData, CostForecast
from collection.months import next_month
from collection.services import parsing
from collection.services.context import CollectionContext, Outcome
from collection.services.pagination import each_page
from collection.services.upserts import upsert

OP = "GetCostForecast"
INTERVAL = 80
UNIQUE = ["scope", "period_start", "period_end", "granularity", "metric", "generated_on"]
UPDATE = ["mean", "lower_bound", "upper_bound", "prediction_interval", "currency", "generated_at"]


def forecast_rows(page: dict, *, ctx: CollectionContext, scope: str) -> list[CostForecast]:
    unit = parsing.currency(parsing.field(page, "Total", "Unit", operation=OP), operation=OP)
    rows = []
    for result in parsing.field(page, "ForecastResultsByTime", operation=OP):
        lower, upper = result.get("PredictionIntervalLowerBound"), result.get("PredictionIntervalUpperBound")
        rows.append(
            CostForecast(
                scope=scope,
                period_start=parsing.day(parsing.field(result, "TimePeriod", "Start", operation=OP), operation=OP),
                period_end=parsing.day(parsing.field(result, "TimePeriod", "End", operation=OP), operation=OP),
                granularity="MONTHLY",
                metric="UNBLENDED_COST",
                mean=parsing.amount(parsing.field(result, "MeanValue", operation=OP), operation=OP),
                lower_bound=None if lower is None else parsing.amount(lower, operation=OP),
                upper_bound=None if upper is None else parsing.amount(upper, operation=OP),
                prediction_interval=INTERVAL,
                currency=unit,
                generated_on=ctx.today,
                generated_at=ctx.now,
            )
        )
    return rows


def fetch_forecast(*, ctx: CollectionContext, scope: str, start: date, end: date) -> int:
    # One MONTHLY request answers both months: one result per calendar month of [start, end).
    params = {
        "TimePeriod": {"Start": str(start), "End": str(end)},
        "Metric": "UNBLENDED_COST",
        "Granularity": "MONTHLY",
        "PredictionIntervalLevel": INTERVAL,
    }
    if scope:
        params["Filter"] = {"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [scope]}}

    def handle(page: dict) -> int:
        return upsert(CostForecast, forecast_rows(page, ctx=ctx, scope=scope), unique=UNIQUE, update=UPDATE)

    return each_page(ctx.client("ce").get_cost_forecast, operation=OP, params=params, handle=handle)


def get_cost_forecast(*, ctx: CollectionContext) -> Outcome:
    """Forecast the organization (and each account with FORECAST_PER_ACCOUNT) unless nothing changed."""
    start, end = ctx.today, next_month(next_month(ctx.today))
    # A forecast follows the costs behind it: fetch again when the day changes or the costs collection has
    # stored new data since (costs rows are rewritten only when Cost Explorer changed them). No CE request to know.
    seen_key = f"ce:forecast-seen:{ctx.source}"
    fingerprint = f"{ctx.today}|{CostData.objects.aggregate(t=Max('updated_at'))['t']}"
    if not ctx.force and cache.get(seen_key) == fingerprint:
        return Outcome(notes=["costs unchanged since the last forecast today"])
    scopes = [CostForecast.ORGANIZATION]
    if settings.FORECAST_PER_ACCOUNT:
        scopes += list(AwsAccount.objects.values_list("account_id", flat=True))
    written = sum(fetch_forecast(ctx=ctx, scope=scope, start=start, end=end) for scope in scopes)
    cache.set(seen_key, fingerprint, timeout=24 * 3600)
    return Outcome(rows=written, window=(start, end))
