"""The overview's figures, each read through the selectors the API and /metrics read, per currency."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.conf import settings

from api.health_checks import collection_ages
from collection.models import CollectionRun
from collection.selectors import (
    UNTAGGED,
    account_queryset,
    ce_spend_this_month,
    cost_breakdown,
    cost_totals,
    latest_data_source,
    month_projections,
    recommendation_queryset,
    run_queryset,
    savings_by_type,
    tag_cost_breakdown,
    untagged_share,
)
from collection.selectors.cost_categories import category_cost_breakdown, uncategorized_share
from costmonitor.masking import public_account_id

from .budget_figures import budget_figures
from .commitments import commitment_figures
from .query import OverviewQuery

TOP = 10  # rows of each top list; the rest is summed as "others"


def _share(part: Decimal, whole: Decimal | None) -> Decimal | None:
    return part / whole if whole else None


def month_figures(query: OverviewQuery) -> dict:
    """Per currency: cost to date this month, the organization's month-end forecast with its interval, and the
    budget (MONTHLY_BUDGET_USD, in USD only: it is never compared with another currency)."""
    to_date = cost_totals(**query.args(**query.month_to_date))
    forecasts = {p.currency: p for p in month_projections(**query.args(today=query.today)) if p.scope == ""}
    budget = Decimal(str(settings.MONTHLY_BUDGET_USD)) or None
    rows = []
    for currency in sorted(set(to_date) | set(forecasts) | ({"USD"} if budget else set())):
        spent, forecast = to_date.get(currency, Decimal(0)), forecasts.get(currency)
        limit = budget if currency == "USD" else None
        rows.append(
            {
                "currency": currency,
                "to_date": spent,
                "forecast": forecast,
                "budget": limit,
                "budget_used": _share(spent, limit),
                "forecast_of_budget": _share(forecast.mean, limit) if forecast else None,
                "over_budget": bool(forecast and limit and forecast.mean > limit),
            }
        )
    return {**query.month_to_date, "last_day": query.today, "rows": rows, "empty": not to_date}


def trend_figures(query: OverviewQuery) -> list[dict]:
    """Per currency, the window's daily cost by service (the rows of /api/costs?group_by=service for the window):
    a day x service table with its totals, and the same figures as chart data."""
    rows = cost_breakdown(**query.args(**query.window, granularity="daily", group_by=["service"]))
    totals = cost_totals(**query.args(**query.window))
    cells: dict[str, dict[tuple[dt.date, str], Decimal]] = defaultdict(dict)
    for row in rows:
        cells[row["currency"]][row["period"], row["service"]] = row["amount"]
    days = [query.start + dt.timedelta(days=n) for n in range((query.end - query.start).days + 1)]
    trends = []
    for currency in sorted(cells):
        amounts = cells[currency]
        by_service: dict[str, Decimal] = defaultdict(Decimal)
        by_day: dict[dt.date, Decimal] = defaultdict(Decimal)
        for (day, service), amount in amounts.items():
            by_service[service] += amount
            by_day[day] += amount
        services = sorted(by_service, key=lambda s: (-by_service[s], s))
        trends.append(
            {
                "currency": currency,
                "services": [{"name": s, "total": by_service[s]} for s in services],
                "days": [
                    {"day": day, "amounts": [amounts.get((day, s)) for s in services], "total": by_day.get(day)}
                    for day in days
                ],
                "total": totals.get(currency, Decimal(0)),
                "chart": {
                    "currency": currency,
                    "labels": [day.isoformat() for day in days],
                    "datasets": [{"label": s, "data": [amounts.get((day, s)) for day in days]} for s in services],
                },
            }
        )
    return trends


def _ranked(rows, *, label: str, totals: dict[str, Decimal]) -> list[dict]:
    """Per currency, the TOP rows by amount, each named by its `label` field and with its share of the total, the
    rest summed as `others`."""
    by_currency: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_currency[row["currency"]].append(row)
    ranked = []
    for currency in sorted(by_currency):
        entries = sorted(by_currency[currency], key=lambda r: (-r["amount"], r[label]))
        total = totals.get(currency, Decimal(0))
        others = sum((r["amount"] for r in entries[TOP:]), Decimal(0))
        ranked.append(
            {
                "currency": currency,
                "total": total,
                "rows": [{**r, "label": r[label], "share": _share(r["amount"], total)} for r in entries[:TOP]],
                "others": {"count": len(entries) - TOP, "amount": others, "share": _share(others, total)}
                if len(entries) > TOP
                else None,
            }
        )
    return ranked


def top_figures(query: OverviewQuery) -> dict:
    """The window's top accounts and services per currency, as /api/costs?group_by=account (service) sums them."""
    totals = cost_totals(**query.args(**query.window))
    names = dict(account_queryset(**query.args()).values_list("account_id", "name"))
    accounts = [
        {**row, "account": f"{public_account_id(row['account_id'])} {names.get(row['account_id'], '')}".strip()}
        for row in cost_breakdown(**query.args(**query.window, granularity=None, group_by=["account"]))
    ]
    services = cost_breakdown(**query.args(**query.window, granularity=None, group_by=["service"]))
    return {
        "accounts": _ranked(accounts, label="account", totals=totals),
        "services": _ranked(services, label="service", totals=totals),
    }


def _keyed_figures(rows, shares, *, key: str, value: str, unmatched) -> list[dict]:
    """Per key (a tag key, a cost category) and currency: the unmatched share, as its `shares` give it, and the top
    values of `rows` that matched (`unmatched(row)` false)."""
    values: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        if not unmatched(row):
            values[row[key], row["currency"]].append(row)
    keys = []
    for share in shares:
        found = values[share[key], share["currency"]]
        ranked = _ranked(found, label=value, totals={share["currency"]: share["total"]})
        keys.append({**share, "values": ranked[0] if ranked else None})
    return keys


def tag_figures(query: OverviewQuery) -> list[dict]:
    """Per tag key and currency over the window: the untagged share (as /api/tags gives it) and the top values."""
    window = query.args(**query.window)
    return _keyed_figures(
        tag_cost_breakdown(**window),
        untagged_share(**window),
        key="tag_key",
        value="tag_value",
        unmatched=lambda row: row["tag_value"] == UNTAGGED,
    )


def category_figures(query: OverviewQuery) -> list[dict] | None:
    """Per cost category and currency over the window: the uncategorized share (as /api/cost-categories gives it)
    and the top values. None for a scoped reader: a category spans accounts, as that endpoint refuses it to one."""
    if query.scope is not None:
        return None
    return _keyed_figures(
        category_cost_breakdown(**query.window),
        uncategorized_share(**query.window),
        key="category",
        value="value",
        unmatched=lambda row: row["uncategorized"],
    )


def recommendation_figures(query: OverviewQuery) -> dict:
    """The active recommendations (the /api/optimization default): savings per type and in all, per currency, and
    the largest ones."""
    summary = savings_by_type(**query.args())
    totals: dict[str, Decimal] = defaultdict(Decimal)
    counts: dict[str, int] = defaultdict(int)
    for row in summary:
        totals[row["currency"]] += row["estimated_monthly_savings"]
        counts[row["currency"]] += row["count"]
    top = recommendation_queryset(**query.args()).order_by("-estimated_monthly_savings", "id")[:TOP]
    return {
        "summary": summary,
        "totals": [{"currency": c, "count": counts[c], "savings": totals[c]} for c in sorted(totals)],
        "top": [
            {
                "type": r.get_type_display(),
                "category": r.category,
                "account": public_account_id(r.account_id),
                "resource_id": r.resource_id,
                "savings": r.estimated_monthly_savings,
                "currency": r.currency,
            }
            for r in top
        ],
    }


def health_figures(query: OverviewQuery) -> dict | None:
    """Per collection kind the last success (as /health says) and the latest run; this month's Cost Explorer
    spend (as /api/runs says). None for a scoped reader: runs describe the whole organization, as /api/runs
    refuses them to one."""
    if query.scope is not None:
        return None
    ages = collection_ages()
    kinds = []
    for kind, label in CollectionRun.Kind.choices:
        latest = run_queryset(kind=kind).order_by("-started_at", "-id").first()
        kinds.append({"kind": label, **ages[kind], "latest": latest})
    return {"kinds": kinds, "ce_spend": ce_spend_this_month(today=query.today)}


def source_figures(query: OverviewQuery) -> dict:
    """Where the stored data came from: demo, or AWS with the organization's payer account(s) when known."""
    source = latest_data_source()
    payers = [
        {"account": public_account_id(a.account_id), "name": a.name}
        for a in account_queryset(**query.args(is_payer=True))
    ]
    return {"source": source, "payers": payers}


def overview_figures(*, query: OverviewQuery) -> dict:
    return {
        "source": source_figures(query),
        "month": month_figures(query),
        "budgets": budget_figures(query),
        "trend": trend_figures(query),
        "top": top_figures(query),
        "tags": tag_figures(query),
        "categories": category_figures(query),
        "recommendations": recommendation_figures(query),
        "health": health_figures(query),
        "commitments": commitment_figures(query),
    }
