"""Reads of daily cost history, aggregated by the database: the one source for /api/costs and /metrics.

A query a cost rollup can answer (`rollups.answering_rollup`) reads it; any other reads the detail rows.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, F, Func, Max, Min, QuerySet, Sum, Value, When, Window
from django.db.models.functions import TruncMonth
from django.db.models.lookups import GreaterThan

from collection.cost_metrics import FIELDS_BY_NAME, NULLABLE_FIELDS
from collection.models import ChargeTypeCost, CostData

from .filters import narrowed, stored_days
from .rollups import answering_rollup, rollup_metric_sum
from .scope import Scope, within_accounts

GROUP_FIELDS = {"service": "service", "account": "account_id", "region": "region", "charge_type": "charge_type"}
METRIC_FIELDS = FIELDS_BY_NAME  # unblended, amortized, net_unblended, net_amortized
GRANULARITIES = ("daily", "monthly")
# The cost by charge type is a breakdown of its own (ChargeTypeCost, per account and day): it has no service or
# region, so it groups and filters by account and charge type only.
CHARGE_TYPE_GROUPS = frozenset({"charge_type", "account"})
MONEY = DecimalField(max_digits=24, decimal_places=10)


def metric_sum(field: str):
    """SUM(field) of a group; for a net metric, NULL when any of its rows does not know it (collected before net
    cost was, or absent from Cost Explorer's answer): a sum of the known rows only would pass for the total."""
    if field not in NULLABLE_FIELDS:
        return Sum(field)
    # COUNT(*), not of the key: the covering index holds every column this reads (an index-only scan).
    return Case(When(GreaterThan(Count("*"), Count(field)), then=Value(None)), default=Sum(field), output_field=MONEY)


def cost_queryset(
    *,
    start: date,
    end: date,
    account_id: str | None = None,
    service: str | None = None,
    region: str | None = None,
    charge_type: str | None = None,
    by_region: bool = False,
    by_charge_type: bool = False,
    scope: Scope | None = None,
) -> QuerySet:
    """Daily rows in [start, end) (end exclusive, as in Cost Explorer).

    Rows with region "" hold the all-regions total; per-region rows exist only when region
    breakdown is collected. Mixing them would count a cost twice, so a query reads per-region
    rows only when it filters or groups by region. Grouped or filtered by charge type (compared in any case, as
    AWS enums are), it reads the breakdown by charge type instead, which knows no service or region.
    """
    if by_charge_type or charge_type:
        if service or region:
            raise ValueError("the cost by charge type has no service or region")
        qs = within_accounts(ChargeTypeCost.objects.filter(date__gte=start, date__lt=end), scope)
        return narrowed(qs, account_id=account_id, charge_type__iexact=charge_type)
    qs = within_accounts(CostData.objects.filter(date__gte=start, date__lt=end), scope)
    qs = qs.exclude(region="") if (by_region or region) else qs.filter(region="")
    return narrowed(qs, account_id=account_id, service=service, region=region)


def _summed_rows(
    *, dimensions: Sequence[str] = (), granularity: str | None = None, **query: Any
) -> tuple[QuerySet, str, Any]:
    """(rows to sum, their date field, the metric's sum) of `cost_queryset(**query)` grouped by `dimensions` at
    `granularity`: a rollup's rows where one holds every dimension grouped, filtered or scoped by, else the detail
    rows. A region or a charge type is never in a rollup."""
    if not any(query.get(name) for name in ("region", "by_region", "charge_type", "by_charge_type")):
        account_id, service, scope = query.get("account_id"), query.get("service"), query.get("scope")
        needed = {
            *dimensions,
            *(["account"] if account_id or scope is not None else []),
            *(["service"] if service else []),
        }
        start, end = query["start"], query["end"]
        rollup = answering_rollup(dimensions=needed, granularity=granularity, start=start, end=end)
        if rollup is not None:
            first = start.replace(day=1) if rollup.day == "month" else start
            rows = rollup.model.objects.filter(**{f"{rollup.day}__gte": first, f"{rollup.day}__lt": end})
            rows = narrowed(within_accounts(rows, scope), account_id=account_id, service=service)
            return rows, rollup.day, rollup_metric_sum
    return cost_queryset(**query), "date", metric_sum


def cost_coverage(*, scope: Scope | None = None) -> dict[str, date] | None:
    """The first and last day of stored daily cost the reader may see (`{"first_day", "last_day"}`), or None."""
    return stored_days(within_accounts(CostData.objects.all(), scope))


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
    charge_type: str | None = None,
    scope: Scope | None = None,
) -> QuerySet:
    """Cost per period (None: the whole window) and per group, summed in SQL.

    Each row is a dict with `period` (when granular), the group fields (`service`, `account_id`,
    `region`, `charge_type`), `amount` (Decimal; None for a net metric some row lacks) and `currency`.
    """
    if granularity not in (*GRANULARITIES, None):
        raise ValueError(f"unknown granularity {granularity!r}")
    unknown = set(group_by) - set(GROUP_FIELDS)
    if unknown:
        raise ValueError(f"unknown group_by {sorted(unknown)}")
    by_charge_type = "charge_type" in group_by
    if by_charge_type and not CHARGE_TYPE_GROUPS.issuperset(group_by):
        raise ValueError("charge_type groups with account only")
    qs, day, summed = _summed_rows(
        dimensions=group_by,
        granularity=granularity,
        start=start,
        end=end,
        account_id=account_id,
        service=service,
        region=region,
        charge_type=charge_type,
        by_region="region" in group_by,
        by_charge_type=by_charge_type,
        scope=scope,
    )
    keys = [GROUP_FIELDS[g] for g in group_by]
    if granularity == "daily":
        qs = qs.annotate(period=F(day))
        keys.insert(0, "period")
    elif granularity == "monthly":
        qs = qs.annotate(period=F(day) if day == "month" else TruncMonth(day))
        keys.insert(0, "period")
    keys.append("currency")
    return qs.values(*keys).annotate(amount=summed(METRIC_FIELDS[metric])).order_by(*keys)


def cost_totals(*, metric: str = "unblended", **query: Any) -> dict[str, Decimal | None]:
    """Total cost of the window per currency (ISO 4217 code, in code order) of `cost_queryset(**query)` (the window
    and the filters of `cost_breakdown`): amounts in different currencies are never added. {} when the window
    holds no cost; None for a net metric some row lacks."""
    qs, _, summed = _summed_rows(**query)
    rows = qs.values("currency").annotate(total=summed(METRIC_FIELDS[metric]))
    return {row["currency"]: row["total"] for row in rows.order_by("currency")}


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
    totals: dict[str, Decimal | None]  # as `cost_totals` gives them

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
    or grouped by region, whose rows are the per-region ones while the totals stay the all-regions figures, or for
    a net metric (whose total is unknown when a row is), or on an empty page, which carries no figures,
    `cost_totals` reads them.
    """
    rows = cost_breakdown(group_by=group_by, **query).order_by(*ordering)
    metric = METRIC_FIELDS[query.get("metric", "unblended")]
    figures = rows.annotate(
        row_count=Window(Count("*")),
        rows_total=_SumOfGroups(Sum(metric), output_field=MONEY),
        first_currency=Window(Min("currency")),
        last_currency=Window(Max("currency")),
    )
    page = list(figures[offset : offset + limit])
    by_charge_type = "charge_type" in group_by
    if not page:
        return CostPage(rows=[], count=rows.count(), totals=_totals(query, by_charge_type=by_charge_type))
    first = page[0]
    one_currency = first["first_currency"] == first["last_currency"] and "region" not in group_by
    if one_currency and metric not in NULLABLE_FIELDS:
        totals = {first["currency"]: first["rows_total"]}
    else:
        totals = _totals(query, by_charge_type=by_charge_type)
    return CostPage(rows=[_without_figures(row) for row in page], count=first["row_count"], totals=totals)


def _totals(query: dict, *, by_charge_type: bool) -> dict[str, Decimal | None]:
    return cost_totals(**{k: v for k, v in query.items() if k != "granularity"}, by_charge_type=by_charge_type)


FIGURES = ("row_count", "rows_total", "first_currency", "last_currency")


def _without_figures(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in FIGURES}
