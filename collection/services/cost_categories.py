"""collect_cost_categories: daily cost by value of each cost category; the cost no rule matched is "uncategorized".

Stored and refreshed as tags are: a category's first history, then the days the shared change probe shows changed,
the open window every TAG_PROBE_HOURS (a rule edited in AWS re-assigns cost between values with every total equal;
grouped by the category alone, re-fetching the open window costs what probing it would) and the full refresh.
"""

from datetime import date, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from collection.models import CategoryCost
from collection.services import parsing
from collection.services.context import CollectionContext, Outcome
from collection.services.pagination import each_page
from collection.services.probe import probe_window, scheduled_window
from collection.services.upserts import upsert
from collection.services.window_replacement import replace_window

OP, LIST_OP = "GetCostAndUsage", "ListCostCategoryDefinitions"
UNIQUE = ["date", "category", "value"]
UPDATE = ["uncategorized", "amount", "currency", "estimated", "updated_at"]
PROBED_FIELDS = {"UnblendedCost": "amount"}  # CE metric → field: categories store unblended cost
DISCOVERY_TTL = 24 * 3600  # ListCostCategoryDefinitions is a Cost Explorer request: list the categories once a day
PROCESSING_TTL = 3600  # while a category is processing: one more listing a run (every 8 h by default)
DEFINITIONS_PAGE = 100  # MaxResults' largest value


class Definition(NamedTuple):
    default: str | None  # the value of the cost no rule matched, when the category names one
    processing: bool  # Cost Explorer is still applying an edit of its rules: its values may be the old ones


def is_processing(reference: dict) -> bool:
    """Whether Cost Explorer reports the category's rules as still being applied (Status PROCESSING, in any case;
    a status without a component is read as Cost Explorer's, the only component AWS documents).
    https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_CostCategoryProcessingStatus.html
    """
    return any(
        str(status.get("Status", "")).casefold() == "processing"
        and str(status.get("Component") or "COST_EXPLORER").casefold() == "cost_explorer"
        for status in reference.get("ProcessingStatus") or []
        if isinstance(status, dict)
    )


def category_definitions(*, ctx: CollectionContext) -> dict[str, Definition]:
    """Name → definition of every cost category effective today, all pages, listed once a day (a category renamed
    or added in AWS is collected from the next day on), or again after an hour while one is still processing, so
    that the next run sees its rules applied.

    Every member of a CostCategoryReference is optional: an entry without a Name cannot be asked for and is left
    out. An organization without categories answers no references (or an empty list): nothing to collect.
    https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_ListCostCategoryDefinitions.html
    https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_CostCategoryReference.html
    """
    key = f"ce:cost-category-definitions:{ctx.source}:{ctx.today}"
    definitions = cache.get(key)
    if definitions is None:
        definitions = {}

        def handle(page: dict) -> int:
            for reference in page.get("CostCategoryReferences") or []:
                if reference.get("Name"):
                    definitions[reference["Name"]] = Definition(reference.get("DefaultValue"), is_processing(reference))
            return 0

        params = {"MaxResults": DEFINITIONS_PAGE}
        each_page(
            ctx.client("ce").list_cost_category_definitions,
            operation=LIST_OP,
            params=params,
            handle=handle,
            page_key="NextToken",
        )
        processing = any(definition.processing for definition in definitions.values())
        cache.set(key, definitions, timeout=PROCESSING_TTL if processing else DISCOVERY_TTL)
    return definitions


def is_uncategorized(value: str, *, default: str | None) -> bool:
    """Whether `value` is the cost no rule matched: CE's empty value, or the category's default value (in any case:
    a value is compared as AWS compares its enums)."""
    return value == "" or (default is not None and value.casefold() == default.casefold())


def category_rows(page: dict, *, category: str, default: str | None) -> list[CategoryCost]:
    """The rows of a page grouped by COST_CATEGORY `category`, whose group keys read "name$value".

    The name part is not read: the query asked for one category, and AWS may spell it in another case.
    https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_Group.html
    """
    rows = []
    for day, estimated, group in parsing.day_groups(page, operation=OP):
        _, _, value = parsing.field(group, "Keys", 0, operation=OP).partition("$")
        amount, currency = parsing.metric_value(group, "Metrics", "UnblendedCost", operation=OP)
        rows.append(
            CategoryCost(
                date=day,
                category=category,
                value=value,
                uncategorized=is_uncategorized(value, default=default),
                amount=amount,
                currency=currency,
                estimated=estimated,
            )
        )
    return rows


def fetch_category_costs(
    *, ctx: CollectionContext, category: str, default: str | None, window: tuple[date, date]
) -> int:
    """Replace `window` of `category` with Cost Explorer's daily cost by its values."""
    params = {
        "Granularity": "DAILY",
        "Metrics": ["UnblendedCost"],
        "GroupBy": [{"Type": "COST_CATEGORY", "Key": category}],
    }

    def upsert_page(page: dict) -> int:
        return upsert(
            CategoryCost, category_rows(page, category=category, default=default), unique=UNIQUE, update=UPDATE
        )

    stored = CategoryCost.objects.filter(category=category)
    return replace_window(ctx=ctx, params=params, window=window, upsert_page=upsert_page, stored=stored)


def _rechecked_key(*, ctx: CollectionContext, category: str) -> str:
    return f"ce:category-recheck:{ctx.source}:{category}"


def _recheck_due(*, ctx: CollectionContext, category: str) -> list[date]:
    """Every open day when `category`'s values were last re-fetched TAG_PROBE_HOURS ago or more, else none."""
    hours = settings.TAG_PROBE_HOURS
    last = cache.get(_rechecked_key(ctx=ctx, category=category))
    if hours and last is not None and timedelta(0) <= ctx.now - last < timedelta(hours=hours):
        return []
    start, end = probe_window(today=ctx.today)
    return [start + timedelta(days=i) for i in range((end - start).days)]


def _mark_rechecked(*, ctx: CollectionContext, category: str) -> None:
    """Record that `category`'s open days are known as of now, once the run's data is committed."""
    timeout = max(settings.TAG_PROBE_HOURS, 1) * 3600
    key = _rechecked_key(ctx=ctx, category=category)
    transaction.on_commit(lambda: cache.set(key, ctx.now, timeout=timeout))


def _forget_rechecked(*, ctx: CollectionContext, category: str) -> None:
    """Make the next run re-fetch `category`'s open days, once this run's data is committed."""
    key = _rechecked_key(ctx=ctx, category=category)
    transaction.on_commit(lambda: cache.delete(key))


def collect_cost_categories(*, ctx: CollectionContext) -> Outcome:
    """Cost by value of every cost category AWS lists, over `ctx.window` or what a scheduled run fetches of it.

    A category AWS no longer lists (deleted, or renamed: the new name is a new category and gets its history as a
    first run does) keeps its stored history, as an organization that lists none keeps every category's.
    """
    outcome = Outcome(window=ctx.window)
    for category, (default, processing) in category_definitions(ctx=ctx).items():
        stored = CategoryCost.objects.filter(category=category)
        window = ctx.window or scheduled_window(
            ctx=ctx,
            stored=stored,
            fields=PROBED_FIELDS,
            also=lambda category=category: _recheck_due(ctx=ctx, category=category),
        )
        if window is None:
            continue
        outcome.rows += fetch_category_costs(ctx=ctx, category=category, default=default, window=window)
        if processing:
            # Its values may still be those of the old rules: every run re-fetches its open window until the
            # category is applied, rather than TAG_PROBE_HOURS after this one.
            _forget_rechecked(ctx=ctx, category=category)
            outcome.notes.append(f"cost category {category!r}: Cost Explorer is still applying its rules")
        elif window[0] <= probe_window(today=ctx.today)[0]:  # the whole open window was fetched
            _mark_rechecked(ctx=ctx, category=category)
        known = outcome.window or window
        outcome.window = (min(window[0], known[0]), max(window[1], known[1]))
    return outcome
