"""collect_tag_based_costs: daily cost by tag value and service for each tag key; untagged cost is value ""."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet, Sum

from collection.models import TagCost
from collection.services import parsing
from collection.services.context import CollectionContext, Outcome
from collection.services.pagination import each_page
from collection.services.probe import TOLERANCE, probe_window, scheduled_window
from collection.services.upserts import upsert
from collection.services.window_replacement import replace_window
from collection.services.windows import first_run_window

OP = "GetCostAndUsage"
UNIQUE = ["date", "tag_key", "tag_value", "service"]
UPDATE = ["amount", "currency", "estimated", "updated_at"]
PROBED_FIELDS = {"UnblendedCost": "amount"}  # CE metric → field: tags store unblended cost
DISCOVERY_TTL = 24 * 3600  # GetTags is billed like any CE request: discover keys once a day


def tag_keys(*, ctx: CollectionContext, start: date, end: date) -> list[str]:
    """COST_TAG_KEYS, or the keys Cost Explorer knows (GetTags), cached for a day."""
    if settings.COST_TAG_KEYS:
        return list(settings.COST_TAG_KEYS)
    key = f"ce:tag-keys:{ctx.source}"
    keys = cache.get(key)
    if keys is None:
        keys = []
        params = {"TimePeriod": {"Start": str(start), "End": str(end)}}

        def handle(page: dict) -> int:
            keys.extend(parsing.field(page, "Tags", operation="GetTags"))
            return 0

        each_page(ctx.client("ce").get_tags, operation="GetTags", params=params, handle=handle)
        cache.set(key, keys, timeout=DISCOVERY_TTL)
    return keys


def _groups(page: dict):
    """(day, Estimated, tag value, group) of every group of a TAG-grouped page.

    TAG group keys read "key$value"; "key$" is the untagged cost.
    https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_Group.html
    """
    for day, estimated, group in parsing.day_groups(page, operation=OP):
        _, _, value = parsing.field(group, "Keys", 0, operation=OP).partition("$")
        yield day, estimated, value, group


def tag_rows(page: dict, *, tag_key: str) -> list[TagCost]:
    rows = []
    for day, estimated, value, group in _groups(page):
        amount, currency = parsing.metric_value(group, "Metrics", "UnblendedCost", operation=OP)
        service = parsing.field(group, "Keys", 1, operation=OP)
        rows.append(
            TagCost(
                date=day,
                tag_key=tag_key,
                tag_value=value,
                service=service,
                amount=amount,
                currency=currency,
                estimated=estimated,
            )
        )
    return rows


def _probed_key(*, ctx: CollectionContext, tag_key: str) -> str:
    return f"ce:tag-probe:{ctx.source}:{tag_key}"


def _mark_probed(*, ctx: CollectionContext, tag_key: str) -> None:
    """Record that `tag_key`'s open days are known as of now, once the run's data is committed (a run that
    fails probes again next time)."""
    timeout = max(settings.TAG_PROBE_HOURS, 1) * 3600
    transaction.on_commit(lambda: cache.set(_probed_key(ctx=ctx, tag_key=tag_key), ctx.now, timeout=timeout))


def tag_value_changes(*, ctx: CollectionContext, tag_key: str, stored: QuerySet) -> list[date]:
    """The open days whose cost per value of `tag_key` differs from `stored`, at most every TAG_PROBE_HOURS.

    A cost allocation tag backfill re-assigns past cost between the values of a key while every total stays
    equal, so the change probe cannot see it; one request per key (daily cost grouped by the key alone) can.
    https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/cost-allocation-backfill.html
    """
    hours = settings.TAG_PROBE_HOURS
    last = cache.get(_probed_key(ctx=ctx, tag_key=tag_key))
    if hours and last is not None and timedelta(0) <= ctx.now - last < timedelta(hours=hours):
        return []
    start, end = probe_window(today=ctx.today)
    theirs: dict[tuple[date, str], Decimal] = defaultdict(Decimal)

    def handle(page: dict) -> int:
        for day, _estimated, value, group in _groups(page):
            theirs[(day, value)] += parsing.metric_value(group, "Metrics", "UnblendedCost", operation=OP)[0]
        return 0

    params = {
        "TimePeriod": {"Start": str(start), "End": str(end)},
        "Granularity": "DAILY",
        "Metrics": ["UnblendedCost"],
        "GroupBy": [{"Type": "TAG", "Key": tag_key}],
    }
    each_page(ctx.client("ce").get_cost_and_usage, operation=OP, params=params, handle=handle)
    rows = stored.filter(date__gte=start, date__lt=end).values("date", "tag_value").annotate(total=Sum("amount"))
    ours = {(row["date"], row["tag_value"]): row["total"] for row in rows}
    _mark_probed(ctx=ctx, tag_key=tag_key)
    return sorted(
        {
            day
            for day, value in theirs.keys() | ours.keys()
            if abs(theirs[(day, value)] - ours.get((day, value), 0)) > TOLERANCE
        }
    )


def fetch_tag_costs(*, ctx: CollectionContext, tag_key: str, start: date, end: date) -> int:
    """Replace [start, end) of `tag_key` with Cost Explorer's cost by value and service."""
    params = {
        "Granularity": "DAILY",
        "Metrics": ["UnblendedCost"],
        "GroupBy": [{"Type": "TAG", "Key": tag_key}, {"Type": "DIMENSION", "Key": "SERVICE"}],
    }

    def upsert_page(page: dict) -> int:
        return upsert(TagCost, tag_rows(page, tag_key=tag_key), unique=UNIQUE, update=UPDATE)

    return replace_window(
        ctx=ctx,
        params=params,
        window=(start, end),
        upsert_page=upsert_page,
        stored=TagCost.objects.filter(tag_key=tag_key),
    )


def collect_tag_based_costs(*, ctx: CollectionContext) -> Outcome:
    """Cost by tag for every key over `ctx.window`, or over what a scheduled run fetches of that key: its first
    history (a key seen for the first time included), a full refresh, or the days the probes show changed."""
    default = ctx.window or first_run_window(today=ctx.today, source=ctx.source)
    outcome = Outcome(window=ctx.window)
    for key in tag_keys(ctx=ctx, start=default[0], end=default[1]):
        stored = TagCost.objects.filter(tag_key=key)
        window = ctx.window or scheduled_window(
            ctx=ctx,
            stored=stored,
            fields=PROBED_FIELDS,
            also=lambda key=key, stored=stored: tag_value_changes(ctx=ctx, tag_key=key, stored=stored),
        )
        if window is None:
            continue
        outcome.rows += fetch_tag_costs(ctx=ctx, tag_key=key, start=window[0], end=window[1])
        if window[0] <= probe_window(today=ctx.today)[0]:  # the whole open window was fetched: nothing to probe
            _mark_probed(ctx=ctx, tag_key=key)
        outcome.window = (min(window[0], (outcome.window or window)[0]), max(window[1], (outcome.window or window)[1]))
    return outcome
