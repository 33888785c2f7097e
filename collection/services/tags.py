"""collect_tag_based_costs: daily cost by tag value and service for each tag key; untagged cost is value ""."""

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max

from collection.models import TagCost
from collection.services import parsing
from collection.services.context import CollectionContext, Outcome
from collection.services.pagination import each_page
from collection.services.probe import changed_window
from collection.services.upserts import upsert
from collection.services.window_replacement import replace_window
from collection.services.windows import first_run_window

OP = "GetCostAndUsage"
UNIQUE = ["date", "tag_key", "tag_value", "service"]
UPDATE = ["amount", "currency", "estimated", "updated_at"]
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


def tag_rows(page: dict, *, tag_key: str) -> list[TagCost]:
    rows = []
    for result in parsing.field(page, "ResultsByTime", operation=OP):
        day = parsing.day(parsing.field(result, "TimePeriod", "Start", operation=OP), operation=OP)
        for group in parsing.field(result, "Groups", operation=OP):
            # TAG group keys read "key$value"; "key$" is the untagged cost.
            # https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_Group.html
            _, _, value = parsing.field(group, "Keys", 0, operation=OP).partition("$")
            metric = parsing.field(group, "Metrics", "UnblendedCost", operation=OP)
            rows.append(
                TagCost(
                    date=day,
                    tag_key=tag_key,
                    tag_value=value,
                    service=parsing.field(group, "Keys", 1, operation=OP),
                    amount=parsing.amount(parsing.field(metric, "Amount", operation=OP), operation=OP),
                    currency=parsing.currency(parsing.field(metric, "Unit", operation=OP), operation=OP),
                    estimated=bool(result.get("Estimated", False)),
                )
            )
    return rows


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
    """Cost by tag for every key over `ctx.window`, or over the days that changed for that key."""
    default = first_run_window(today=ctx.today, source=ctx.source)
    outcome = Outcome(window=ctx.window)
    for key in tag_keys(ctx=ctx, start=(ctx.window or default)[0], end=(ctx.window or default)[1]):
        window = ctx.window
        if window is None:
            stored = TagCost.objects.filter(tag_key=key)
            has_history = stored.aggregate(d=Max("date"))["d"] is not None
            window = changed_window(ctx=ctx, stored=stored, amount_field="amount") if has_history else default
        if window is None:
            continue
        outcome.rows += fetch_tag_costs(ctx=ctx, tag_key=key, start=window[0], end=window[1])
        outcome.window = (min(window[0], (outcome.window or window)[0]), max(window[1], (outcome.window or window)[1]))
    return outcome
