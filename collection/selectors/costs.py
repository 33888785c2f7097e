"""Reads of daily cost history, aggregated by the database: the one source for /api/costs and /metrics."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Func, Max, Min, QuerySet, Sum, Window
from django.db.models.functions import TruncMonth

from collection.models import CostData

from .filters import narrowed
from .scope import Scope, within_accounts

GROUP_FIELDS = {"service": "service", "account": "account_id", "region": "region"}
METRIC_FIELDS = {"unblended": "unblended_cost", "amortized": "amortized_cost"}
GRANULARITIES = ("daily", "monthly")


def cost_queryset(
    *,
    start: date,
    end: date,
    account_id: str | None = None,
    service: str | None = None,
    region: str | None = None,
    by_region: bool = False,
    scope: Scope | None = None,
) -> QuerySet[CostData]:
    """Daily rows in [start, end) (end exclusive, as in Cost Explorer).

    Rows with region "" hold the all-regions total; per-region rows exist only when region
    breakdown is collected. Mixing them would count a cost twice, so a query reads per-region
    rows only when it filters or groups by region.
    """
    qs = within_accounts(CostData.objects.filter(date__gte=start, date__lt=end), scope)
    qs = qs.exclude(region="") if (by_region or region) else qs.filter(region="")
    return narrowed(qs, account_id=account_id, service=service, region=region)


def cost_breakdown(
    *,
    start: date,
    end: date,
    granularity: str | None = "daily",
    group_by: Sequence[str] = (),
    metric: str = "unblended",
    account_id: str | None = None,
    service: str | None = None,
    region: str | None = None,
    scope: Scope | None = None,
) -> QuerySet:
    """Cost per period (None: the whole window) and per group, summed in SQL.

    Each row is a dict with `period` (when granular), the group fields (`service`, `account_id`,
    `region`), `amount` (Decimal) and `currency`.
    """
    if granularity not in (*GRANULARITIES, None):
        raise ValueError(f"unknown granularity {granularity!r}")
    unknown = set(group_by) - set(GROUP_FIELDS)
    if unknown:
        raise ValueError(f"unknown group_by {sorted(unknown)}")
    qs = cost_queryset(
        start=start,
        end=end,
        account_id=account_id,
        service=service,
        region=region,
        by_region="region" in group_by,
        scope=scope,
    )
    keys = [GROUP_FIELDS[g] for g in group_by]
    if granularity == "daily":
        qs = qs.annotate(period=F("date"))
        keys.insert(0, "period")
    elif granularity == "monthly":
        qs = qs.annotate(period=TruncMonth("date"))
        keys.insert(0, "period")
    keys.append("currency")
    return qs.values(*keys).annotate(amount=Sum(METRIC_FIELDS[metric])).order_by(*keys)


def cost_totals(
    *,
    start: date,
    end: date,
    metric: str = "unblended",
    account_id: str | None = None,
    service: str | None = None,
    region: str | None = None,
    scope: Scope | None = None,
) -> dict[str, Decimal]:
    """Total cost of the window per currency (ISO 4217 code, in code order) under the same filters as
    `cost_breakdown`: amounts in different currencies are never added. {} when the window holds no cost."""
    qs = cost_queryset(start=start, end=end, account_id=account_id, service=service, region=region, scope=scope)
    rows = qs.values("currency").annotate(total=Sum(METRIC_FIELDS[metric])).order_by("currency")
    return {row["currency"]: row["total"] for row in rows}


class _SumOfGroups(Func):
    """SUM(SUM(x)) OVER (): every group's sum added up, on each row of a grouped query.

    Django's Window refuses an aggregate of an aggregate; the SQL is standard (PostgreSQL, SQLite >= 3.25).
    https://www.postgresql.org/docs/current/tutorial-window.html
    """

    template = "SUM(%(expressions)s) OVER ()"
    contains_over_clause = True
    window_compatible = True


@dataclass(frozen=True)
class CostPage:
    rows: list[dict]  # as `cost_breakdown` gives them
    count: int  # rows of the whole breakdown
    totals: dict[str, Decimal]  # as `cost_totals` gives them

    @property
    def total(self) -> Decimal | None:
        """The window's total in its one currency (0 without costs); None with several, which are never added."""
        if len(self.totals) > 1:
            return None
        return next(iter(self.totals.values()), Decimal(0))


def cost_breakdown_page(
    *, ordering: Sequence[str], offset: int, limit: int, group_by: Sequence[str] = (), **query
) -> CostPage:
    """`limit` rows of `cost_breakdown(group_by=group_by, **query)` from `offset` in `ordering`, with the count of
    all its rows and the window's totals per currency.

    One grouping pass: the database adds the count, the total and the first and last currency to every row
    while it groups (window functions), where counting the groups and summing the window would read the history
    twice more. The total is the window's when it holds one currency; with several (rare: nothing adds them up),
    or grouped by region, whose rows are the per-region ones while the totals stay the all-regions figures, or on
    an empty page, which carries no figures, `cost_totals` reads them.
    """
    rows = cost_breakdown(group_by=group_by, **query).order_by(*ordering)
    metric = METRIC_FIELDS[query.get("metric", "unblended")]
    money = DecimalField(max_digits=24, decimal_places=10)
    figures = rows.annotate(
        row_count=Window(Count("*")),
        rows_total=_SumOfGroups(Sum(metric), output_field=money),
        first_currency=Window(Min("currency")),
        last_currency=Window(Max("currency")),
    )
    page = list(figures[offset : offset + limit])
    if not page:
        return CostPage(rows=[], count=rows.count(), totals=_totals(query))
    first = page[0]
    one_currency = first["first_currency"] == first["last_currency"] and "region" not in group_by
    totals = {first["currency"]: first["rows_total"]} if one_currency else _totals(query)
    return CostPage(rows=[_without_figures(row) for row in page], count=first["row_count"], totals=totals)


def _totals(query: dict) -> dict[str, Decimal]:
    return cost_totals(**{k: v for k, v in query.items() if k != "granularity"})


FIGURES = ("row_count", "rows_total", "first_currency", "last_currency")


def _without_figures(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in FIGURES}
