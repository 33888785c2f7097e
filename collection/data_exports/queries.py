"""The aggregate SQL of an export's billing period, for any engine (`engine.Dialect` spells what differs).

The period's line items are normalized once (`items`): the day (clamped to the billing period, so that a month's
replacement covers all of its cost), account, service, region, currency, charge type, invoice id, tags, resource
id and the four stored metrics as DECIMAL(18, 10) (the money columns' scale: amounts are summed exactly, never as
doubles); then summed to their daily grain (`grain`), which every aggregate reads. A column an export lacks reads
NULL: no net columns (no discount ever applied), no `resource_tags` (no cost allocation tag activated), no Savings
Plans or reservation columns.
"""

# ruff: noqa: S608 - the SQL is built from this module's constants, column names and quoted literals only

import re
from dataclasses import dataclass
from datetime import date, timedelta

from collection.data_exports.engine import Dialect
from collection.data_exports.formats import (
    COLUMNS,
    CUR2_AMORTIZED,
    CUR2_AMORTIZED_COLUMNS,
    CUR2_OWN_COST_WITHOUT_COLUMNS,
    ExportFormat,
)
from collection.months import next_month

# A line item's amount as DECIMAL(18, 10), eight integer digits (USD 99,999,999 a line) in 64 bits: several times
# faster to sum than DECIMAL(38, 10), and exact; SUM widens to DECIMAL(38, 10) (DuckDB and Trino alike).
MONEY = "DECIMAL(18, 10)"
MAP = "MAP(VARCHAR, VARCHAR)"
# Columns an expression reads besides the format's named ones, with the type they read as when absent.
_CUR2_OPTIONAL = {
    "product": MAP,
    "product_region_code": "VARCHAR",
    "resource_tags": MAP,
    "bill_invoice_id": "VARCHAR",
    "line_item_resource_id": "VARCHAR",
    "line_item_net_unblended_cost": "DOUBLE",
    **CUR2_AMORTIZED_COLUMNS,
}
_FOCUS_OPTIONAL = {
    "RegionId": "VARCHAR",
    "Tags": MAP,
    "InvoiceId": "VARCHAR",
    "ResourceId": "VARCHAR",
    "ChargeCategory": "VARCHAR",
}
OPTIONAL = {ExportFormat.CUR2: _CUR2_OPTIONAL, ExportFormat.FOCUS12: _FOCUS_OPTIONAL}


@dataclass(frozen=True, kw_only=True)
class Query:
    """What every aggregate of one period is built from."""

    format: ExportFormat
    columns: frozenset[str]  # the columns the period's files hold
    dialect: Dialect
    billing_period: date

    def missing_required(self) -> list[str]:
        return sorted(COLUMNS[self.format].required - self.columns)


def _money(expression: str) -> str:
    return f"CAST({expression} AS {MONEY})"


def _cur2_metrics(query: Query) -> dict[str, str]:
    # A line's amortized cost only where its type moves cost (CUR2_AMORTIZED), NULL where it is its unblended cost,
    # for the queries that sum line items (`cost_aggregates`); the grain sums each type's own expression instead
    # (`amortized_<index>`, `_amortized_sums`), and an engine that inlines `items` reads no column it does not use.
    gross = " ".join(f"WHEN '{kind}' THEN COALESCE({_money(g)}, 0)" for kind, (g, _) in CUR2_AMORTIZED.items())
    net = " ".join(f"WHEN '{kind}' THEN COALESCE({_money(n)}, 0)" for kind, (_, n) in CUR2_AMORTIZED.items())
    components = {
        f"{prefix}amortized_{index}": _money(expression) for index, (prefix, expression) in _amortized_components(query)
    }
    return {
        "unblended": _money("line_item_unblended_cost"),
        "amortized": f"CASE line_item_line_item_type {gross} END",
        "net_unblended": _money("line_item_net_unblended_cost"),
        # Net amortized is known only where the export carries net cost at all.
        "net_amortized": (f"CASE line_item_line_item_type {net} END" if _has_net(query) else f"CAST(NULL AS {MONEY})"),
        **components,
    }


def _amortized_components(query: Query) -> list[tuple[int, tuple[str, str]]]:
    """(index in CUR2_AMORTIZED, (column prefix "" or "net_", expression)) of each type's amortized expression that
    reads a column the export holds: the line items' `amortized_<index>` (`net_amortized_<index>`) the grain sums.
    Any other expression is a constant for every line (its columns read NULL, `_amortized_sums`)."""
    found = []
    for index, (gross, net) in enumerate(CUR2_AMORTIZED.values()):
        for prefix, expression in (("", gross), ("net_", net)):
            read = {column for column in CUR2_AMORTIZED_COLUMNS if re.search(rf"\b{column}\b", expression)}
            if read & query.columns and (prefix == "" or _has_net(query)):
                found.append((index, (prefix, expression)))
    return found


def _has_net(query: Query) -> bool:
    return "line_item_net_unblended_cost" in query.columns


def _focus_metrics(query: Query) -> dict[str, str]:
    # FOCUS's BilledCost is what is invoiced (unblended), EffectiveCost the amortized cost; the export has no
    # separate net figures, so net cost is unknown (NULL) as for a Cost Explorer answer without it.
    return {
        "unblended": _money("BilledCost"),
        "amortized": _money("EffectiveCost"),
        "net_unblended": f"CAST(NULL AS {MONEY})",
        "net_amortized": f"CAST(NULL AS {MONEY})",
    }


def items(query: Query) -> str:
    """The normalized line items: `WITH src AS (…), items AS (…)`, to be followed by a SELECT from `items`. A CUR 2.0
    line's `amortized` and `net_amortized` are NULL where they are its unblended and net unblended cost."""
    names = COLUMNS[query.format]
    absent = {name: kind for name, kind in OPTIONAL[query.format].items() if name not in query.columns}
    fill = "".join(f", CAST(NULL AS {kind}) AS {name}" for name, kind in sorted(absent.items()))
    metrics = (_cur2_metrics if query.format == ExportFormat.CUR2 else _focus_metrics)(query)
    first, last = query.billing_period, next_month(query.billing_period) - timedelta(days=1)
    day = f"CAST({names.usage_start} AS DATE)"
    service = names.service.format(product_name=query.dialect.map_value("product", "'product_name'"))
    return (
        "WITH src AS (SELECT *" + fill + " FROM {source}), items AS (SELECT "
        f"GREATEST(LEAST({day}, DATE '{last}'), DATE '{first}') AS day, "
        f"CAST({names.account} AS VARCHAR) AS account_id, "
        f"COALESCE({service}, '') AS service, "
        f"COALESCE(NULLIF({names.region}, ''), 'global') AS region, "
        f"UPPER({names.currency}) AS currency, "
        f"COALESCE({names.charge_type}, '') AS charge_type, "
        f"COALESCE({names.invoice_id}, '') AS invoice_id, "
        f"{names.tags} AS tags, "
        f"COALESCE({names.resource_id}, '') AS resource_id, "
        + ", ".join(f"{expression} AS {name}" for name, expression in metrics.items())
        + " FROM src)"
    )


COST_KEYS = "day, account_id, service, region, currency, charge_type, invoice_id"
TAG_KEYS = "day, service, currency, invoice_id"


def grain(query: Query, *, tags: bool = False) -> str:
    """The period at its daily grain: line items summed by every attribute the costs aggregates read (or, with
    `tags`, the tag aggregates: their service, invoice and tag map), with their count. One scan of the files;
    every aggregate below reads this (`{grain}`), which an engine may materialize once per period
    (`ExportEngine.materialize`). Each collection kind reads only the columns it stores."""
    if tags:
        return (
            f"{items(query)} SELECT {TAG_KEYS}, arbitrary(tags) AS tags, SUM(unblended) AS unblended, "
            f"COUNT(*) AS line_items FROM items GROUP BY {TAG_KEYS}, {query.dialect.map_group_key('tags')}"
        )
    return (
        f"{items(query)} SELECT {COST_KEYS}, SUM(unblended) AS unblended, SUM(net_unblended) AS net_unblended, "
        f"{_amortized_sums(query)}, COUNT(*) AS line_items FROM items GROUP BY {COST_KEYS}"
    )


def _amortized_sums(query: Query) -> str:
    """The grain row's amortized and net amortized cost. Its lines share their type (`charge_type` is a key), so
    in CUR 2.0 the row sums its type's own amortized expression (`amortized_<index>`, a constant 0 read from no
    line), and a row whose type moves no cost its unblended (net unblended) cost, as each of its lines would.
    Choosing the expression once per grain row instead of once per line item (the `amortized` column of `items`)
    takes a quarter off the grain's time (of bench/data_exports.py's 10 million line items: 2.8 s to 2.1 s)."""
    if query.format != ExportFormat.CUR2:
        return "SUM(amortized) AS amortized, SUM(net_amortized) AS net_amortized"
    summed = {(index, prefix) for index, (prefix, _) in _amortized_components(query)}

    def per_type(prefix: str) -> str:
        cases = []
        for index, kind in enumerate(CUR2_AMORTIZED):
            if (index, prefix) in summed:
                cases.append(f"WHEN '{kind}' THEN COALESCE(SUM({prefix}amortized_{index}), 0)")
            elif kind not in CUR2_OWN_COST_WITHOUT_COLUMNS:
                cases.append(f"WHEN '{kind}' THEN 0")
        return f"CASE charge_type {' '.join(cases)} ELSE COALESCE(SUM({prefix}unblended), 0) END"

    net = per_type("net_") if _has_net(query) else "SUM(net_amortized)"
    return f"{per_type('')} AS amortized, {net} AS net_amortized"


METRICS = "SUM(unblended), SUM(amortized), SUM(net_unblended), SUM(net_amortized)"


def costs() -> str:
    """(day, account_id, service, region, unblended, amortized, net_unblended, net_amortized, currency)."""
    return (
        f"SELECT day, account_id, service, region, {METRICS}, currency FROM {{grain}} "
        "GROUP BY day, account_id, service, region, currency"
    )


def charge_types() -> str:
    """(day, account_id, charge_type, unblended, amortized, net_unblended, net_amortized, currency)."""
    return (
        f"SELECT day, account_id, charge_type, {METRICS}, currency FROM {{grain}} "
        "GROUP BY day, account_id, charge_type, currency"
    )


def tag_keys() -> str:
    """(tag_key,) of every tag key some line item of the period carries."""
    return "SELECT DISTINCT t.tag_key FROM {grain} CROSS JOIN UNNEST(map_keys(tags)) AS t(tag_key)"


def tags(query: Query, *, keys: list[str]) -> str:
    """(day, tag_key, tag_value, service, unblended, currency) for each of `keys`; "" is the untagged cost."""
    literal = ", ".join("'" + key.replace("'", "''") + "'" for key in keys)
    value = f"COALESCE({query.dialect.map_value('tags', 'k.tag_key')}, '')"
    return (
        f"SELECT day, k.tag_key, {value} AS tag_value, service, SUM(unblended), currency "
        f"FROM {{grain}} CROSS JOIN UNNEST(ARRAY[{literal}]) AS k(tag_key) "
        f"GROUP BY day, k.tag_key, {value}, service, currency"
    )


def invoices() -> str:
    """(invoice_id, line items): "" counts the line items not invoiced yet."""
    return "SELECT invoice_id, SUM(line_items) FROM {grain} GROUP BY invoice_id"


RESOURCE = "resource_id, account_id, service, currency"  # what one resource's cost is summed by, with its day
# The ranking of a service's resources on a day: costliest first, ties broken by resource id, so that every engine
# answers the same rows.
RANKING = (("cost", True), ("resource_id", False), ("account_id", False))


def top_resources(query: Query, *, top: int, exact: bool = False) -> str:
    """(day, service, resource_id, account_id, unblended, currency, collisions): the `top` costliest resources per
    day and service (`RANKING`). A scan of its own.

    Every resource-day is summed (millions of them for 100,000 resources over a month), the widest aggregate of a
    period. Where the dialect has a compact `resource_key` (DuckDB: a 64-bit hash), and unless `exact`, the sums
    are grouped by it and the resource's columns kept once per resource (both from the same scan, as GROUPING
    SETS), halving the memory the sums take; `collisions` counts the keys two resources share (odds about
    n^2 / 2^65); a caller finding any runs the query again `exact`: grouped by the columns themselves, as every
    dialect without a key does (collisions 0)."""
    key = None if exact else query.dialect.resource_key(RESOURCE)
    order = query.dialect.ranking(RANKING)
    if key is None:
        sums = (
            f"per_resource AS (SELECT day, {RESOURCE}, SUM(unblended) AS cost, 0 AS collisions FROM items "
            f"WHERE resource_id <> '' GROUP BY day, {RESOURCE})"
        )
    else:
        sums = (
            f"keyed AS (SELECT day, {RESOURCE}, unblended, {key} AS resource_key FROM items WHERE resource_id <> ''), "
            f"grouped AS (SELECT day, resource_key, {RESOURCE}, SUM(unblended) AS cost, GROUPING(day) AS naming "
            f"FROM keyed GROUP BY GROUPING SETS ((day, resource_key), (resource_key, {RESOURCE}))), "
            f"names AS (SELECT resource_key, {RESOURCE} FROM grouped WHERE naming = 1), "
            "per_resource AS (SELECT s.day, n.resource_id, n.account_id, n.service, n.currency, s.cost, "
            "(SELECT COUNT(*) - COUNT(DISTINCT resource_key) FROM names) AS collisions "
            "FROM grouped AS s JOIN names AS n ON s.resource_key = n.resource_key WHERE s.naming = 0)"
        )
    return (
        f"{items(query)}, {sums}, ranked AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY day, service, currency "
        f"ORDER BY {order}) AS place FROM per_resource) SELECT day, service, resource_id, account_id, cost, currency, "
        f"collisions FROM ranked WHERE place <= {int(top)}"
    )


# The parts of `cost_aggregates`, each answering the rows of its per-aggregate query above.
COST_PARTS = ("costs", "charge_types", "invoices", "resources")


def _line_metrics(query: Query) -> str:
    """`METRICS` summed over the line items themselves rather than their grain: a CUR 2.0 line whose amortized cost
    is NULL (its type moves no cost, `items`) counts its unblended cost, as `_amortized_sums` does per grain row."""
    if query.format != ExportFormat.CUR2:
        return METRICS
    net = "SUM(COALESCE(net_amortized, net_unblended, 0))" if _has_net(query) else "SUM(net_amortized)"
    return f"SUM(unblended), SUM(COALESCE(amortized, unblended, 0)), SUM(net_unblended), {net}"


def cost_aggregates(query: Query, *, top: int) -> str:
    """The costs kind's every aggregate in one scan of `{source}`, for an engine that pays per scan (Athena):
    `costs`, `charge_types`, `invoices` and (`top` > 0) `top_resources` as GROUPING SETS of the line items, each
    row labelled with its part (`split_cost_aggregates`). Sums of the line items equal sums of their grain.
    https://trino.io/docs/current/sql/select.html#grouping-sets"""
    sets = [
        "(day, account_id, service, region, currency)",
        "(day, account_id, charge_type, currency)",
        "(invoice_id)",
    ]
    if top:
        sets.append("(day, service, resource_id, account_id, currency)")
    part = (
        "CASE WHEN GROUPING(region) = 0 THEN 'costs' WHEN GROUPING(charge_type) = 0 THEN 'charge_types' "
        "WHEN GROUPING(invoice_id) = 0 THEN 'invoices' ELSE 'resources' END"
    )
    return (
        f"{items(query)}, sets AS (SELECT {part} AS part, day, account_id, service, region, charge_type, invoice_id, "
        f"resource_id, currency, {_line_metrics(query).replace('SUM(unblended)', 'SUM(unblended) AS cost')}, "
        "COUNT(*) AS line_items "
        f"FROM items GROUP BY GROUPING SETS ({', '.join(sets)})), ranked AS (SELECT *, ROW_NUMBER() OVER "
        f"(PARTITION BY part, day, service, currency ORDER BY {query.dialect.ranking(RANKING)}) AS place FROM sets "
        "WHERE part <> 'resources' OR resource_id <> '') "
        f"SELECT * FROM ranked WHERE part <> 'resources' OR place <= {int(top)}"
    )


def split_cost_aggregates(rows: list[tuple]) -> dict[str, list[tuple]]:
    """`cost_aggregates`' rows by part, each shaped as its per-aggregate query answers them."""
    parts: dict[str, list[tuple]] = {name: [] for name in COST_PARTS}
    for part, day, account, service, region, charge, invoice, resource, currency, *metrics, count, _place in rows:
        if part == "costs":
            parts[part].append((day, account, service, region, *metrics, currency))
        elif part == "charge_types":
            parts[part].append((day, account, charge, *metrics, currency))
        elif part == "invoices":
            parts[part].append((invoice, count))
        else:
            parts[part].append((day, service, resource, account, metrics[0], currency, 0))  # grouped by the columns
    return parts
