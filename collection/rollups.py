"""The SQL that keeps the cost rollups (`collection.rollup_models`) equal to the all-regions CostData rows.

Database triggers, so that every writer is covered in its own transaction: the upserts (bulk_create and the COPY
path's INSERT … ON CONFLICT), window replacement's deletions, Data Exports ingestion, the admin, raw SQL, TRUNCATE.

PostgreSQL: statement-level triggers with transition tables. Each statement's changed rows are first summed per
group (old rows subtracted, new rows added), so a rollup row is written once per group and statement, not once per
detail row; a group whose sums did not change (an hourly run re-writing the same figures) is not written at all.
https://www.postgresql.org/docs/current/sql-createtrigger.html (REFERENCING … TABLE, one event per such trigger).
SQLite has row-level triggers only, each adding or subtracting its row. https://www.sqlite.org/lang_createtrigger.html
A group left with no rows is deleted, so a rollup holds exactly the groups the detail rows hold.
"""

from dataclasses import dataclass

from collection.cost_metrics import COST_METRICS

DETAIL = "collection_costdata"
AMOUNTS = [m.field for m in COST_METRICS]
# (amount column, its count of unknown rows) of each metric a row may not know.
UNKNOWNS = [(m.field, f"{m.name}_unknown") for m in COST_METRICS if not m.required]
# The first day of a date's month: a date on PostgreSQL, the ISO text Django stores dates as on SQLite.
MONTH = {"postgresql": "date_trunc('month', {t}.date)::date", "sqlite": "strftime('%Y-%m-01', {t}.date)"}


@dataclass(frozen=True)
class Rollup:
    table: str
    keys: tuple[str, ...]  # its group columns, as CostData names them, or `month`: the first day of the date's month

    def key_sql(self, vendor: str, t: str) -> list[str]:
        return [MONTH[vendor].format(t=t) if key == "month" else f"{t}.{key}" for key in self.keys]


ROLLUPS = (
    Rollup("collection_costdaybyservice", ("date", "service", "currency")),
    Rollup("collection_costdaybyaccount", ("date", "account_id", "currency")),
    Rollup("collection_costmonthbyservice", ("month", "service", "currency")),
    Rollup("collection_costmonthbyaccount", ("month", "account_id", "currency")),
)
SUMMED = [*AMOUNTS, "rows", *(unknown for _, unknown in UNKNOWNS)]


def _columns(rollup: Rollup) -> str:
    return ", ".join([*rollup.keys, *SUMMED])


def rebuild_sql(vendor: str) -> list[str]:
    """Statements that empty every rollup and sum it again (after a load with triggers off): the daily ones from
    the detail rows, each monthly one from the daily one of its dimension (30 times fewer rows to read)."""
    statements = []
    for rollup in ROLLUPS:
        keys = rollup.key_sql(vendor, "d")
        daily = next((r for r in ROLLUPS if "month" in rollup.keys and r.keys == ("date", *rollup.keys[1:])), None)
        if daily is None:
            sums = [
                *(f"SUM(COALESCE(d.{a}, 0))" for a in AMOUNTS),
                "COUNT(*)",
                *(f"COUNT(*) - COUNT(d.{a})" for a, _ in UNKNOWNS),
            ]
            source = f"{DETAIL} d WHERE d.region = ''"
        else:
            sums, source = [f"SUM(d.{col})" for col in SUMMED], f"{daily.table} d"
        statements += [
            f"DELETE FROM {rollup.table}",  # noqa: S608 - constant identifiers
            f"INSERT INTO {rollup.table} ({_columns(rollup)}) SELECT {', '.join(keys + sums)} "  # noqa: S608
            f"FROM {source} GROUP BY {', '.join(keys)}",
        ]
    return statements


# PostgreSQL: one function per event, each reading the transition tables its trigger declares.
CHANGED_COLUMNS = ", ".join(["date", "account_id", "service", "currency", *AMOUNTS])
PG_CHANGES = {
    "insert": f"SELECT 1 AS sign, {CHANGED_COLUMNS} FROM new_rows WHERE region = ''",  # noqa: S608
    "update": f"SELECT -1 AS sign, {CHANGED_COLUMNS} FROM old_rows WHERE region = '' "  # noqa: S608
    f"UNION ALL SELECT 1, {CHANGED_COLUMNS} FROM new_rows WHERE region = ''",
    "delete": f"SELECT -1 AS sign, {CHANGED_COLUMNS} FROM old_rows WHERE region = ''",  # noqa: S608
}
PG_REFERENCING = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}


def _daily_source(rollup: Rollup) -> Rollup | None:
    """The daily rollup a monthly one sums (the same dimension), or None for a daily one."""
    if "month" not in rollup.keys:
        return None
    return next(r for r in ROLLUPS if r.keys == ("date", *rollup.keys[1:]))


def _pg_apply(changes: str) -> str:
    """One statement: the changed rows read once, summed per day and group (the groups whose sums changed), each
    monthly rollup's change summed from its daily one; every rollup row added to, then those left with no detail
    rows deleted."""
    parts, gone = [f"changed AS MATERIALIZED ({changes})"], []
    for index, rollup in enumerate(ROLLUPS):
        daily = _daily_source(rollup)
        keys = rollup.key_sql("postgresql", "c")
        if daily is None:
            sums = [
                *(f"SUM(c.sign * COALESCE(c.{a}, 0))" for a in AMOUNTS),
                "SUM(c.sign)",
                *(f"COALESCE(SUM(c.sign) FILTER (WHERE c.{a} IS NULL), 0)" for a, _ in UNKNOWNS),
            ]
            source = "changed c"
        else:
            sums, source = [f"SUM(c.{col})" for col in SUMMED], f"delta_{ROLLUPS.index(daily)} c"
        named = [f"{key} AS {name}" for key, name in zip(keys, rollup.keys, strict=True)]
        named += [f"{total} AS {col}" for total, col in zip(sums, SUMMED, strict=True)]
        positions = ", ".join(str(i + 1) for i in range(len(keys)))
        changed = " OR ".join(f"{total} <> 0" for total in sums)
        added = ", ".join(f"{col} = {rollup.table}.{col} + EXCLUDED.{col}" for col in SUMMED)
        parts += [
            f"delta_{index} AS (SELECT {', '.join(named)} FROM {source} GROUP BY {positions} HAVING {changed})",  # noqa: S608
            f"written_{index} AS (INSERT INTO {rollup.table} ({_columns(rollup)}) "  # noqa: S608
            f"SELECT * FROM delta_{index} ORDER BY {positions} "
            f"ON CONFLICT ({', '.join(rollup.keys)}) DO UPDATE SET {added} RETURNING id, rows)",
        ]
        gone.append(f"(SELECT array_agg(id) FROM written_{index} WHERE rows = 0)")  # noqa: S608
    deletes = "".join(
        f"""
    IF gone[{index + 1}] IS NOT NULL THEN
        DELETE FROM {rollup.table} WHERE id = ANY(gone[{index + 1}]::bigint[]);
    END IF;"""  # noqa: S608 - constant identifiers
        for index, rollup in enumerate(ROLLUPS)
    )
    # Each rollup's emptied rows, as text (one array of arrays would need them all of one length).
    texts = ", ".join(f"{g}::text" for g in gone)
    ctes = ",\n    ".join(parts)
    return f"""
    WITH {ctes}
    SELECT ARRAY[{texts}] INTO gone;{deletes}"""


def postgresql_install_sql() -> list[str]:
    statements = []
    for event, changes in PG_CHANGES.items():
        function = f"collection_cost_rollup_{event}"
        statements += [
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"DECLARE gone text[];\nBEGIN{_pg_apply(changes)}\n    RETURN NULL;\nEND $$",
            f"CREATE TRIGGER cost_rollup_{event} AFTER {event.upper()} ON {DETAIL} "
            f"REFERENCING {PG_REFERENCING[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]
    # DELETE, not TRUNCATE: a TRUNCATE of several tables (Django's flush) names the rollups too, and truncating
    # them again from its trigger is refused ("being used by active queries").
    emptied = "".join(f"\n    DELETE FROM {rollup.table};" for rollup in ROLLUPS)  # noqa: S608
    statements += [
        "CREATE FUNCTION collection_cost_rollup_truncate() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN{emptied}\n    RETURN NULL;\nEND $$",
        f"CREATE TRIGGER cost_rollup_truncate AFTER TRUNCATE ON {DETAIL} "
        "FOR EACH STATEMENT EXECUTE FUNCTION collection_cost_rollup_truncate()",
    ]
    return statements


def postgresql_uninstall_sql() -> list[str]:
    return [f"DROP TRIGGER cost_rollup_{event} ON {DETAIL}" for event in [*PG_CHANGES, "truncate"]] + [
        f"DROP FUNCTION collection_cost_rollup_{event}()" for event in [*PG_CHANGES, "truncate"]
    ]


def _sqlite_add(rollup: Rollup, row: str) -> str:
    values = [
        *rollup.key_sql("sqlite", row),
        *(f"COALESCE({row}.{a}, 0)" for a in AMOUNTS),
        "1",
        *(f"{row}.{a} IS NULL" for a, _ in UNKNOWNS),
    ]
    added = ", ".join(f"{col} = {col} + excluded.{col}" for col in SUMMED)
    return (
        f"INSERT INTO {rollup.table} ({_columns(rollup)}) VALUES ({', '.join(values)}) "  # noqa: S608
        f"ON CONFLICT ({', '.join(rollup.keys)}) DO UPDATE SET {added};"
    )


def _sqlite_subtract(rollup: Rollup, row: str) -> str:
    match = " AND ".join(
        f"{col} = {value}" for col, value in zip(rollup.keys, rollup.key_sql("sqlite", row), strict=True)
    )
    subtracted = [
        *(f"{a} = {a} - COALESCE({row}.{a}, 0)" for a in AMOUNTS),
        "rows = rows - 1",
        *(f"{unknown} = {unknown} - ({row}.{a} IS NULL)" for a, unknown in UNKNOWNS),
    ]
    return (
        f"UPDATE {rollup.table} SET {', '.join(subtracted)} WHERE {match}; "  # noqa: S608 - constant identifiers
        f"DELETE FROM {rollup.table} WHERE {match} AND rows = 0;"
    )


# Columns whose change moves or changes a row's share of the rollups: an UPDATE leaving them as they were (an
# hourly run re-writing the same figures, stamping updated_at only) touches no rollup.
SQLITE_SHARE = ["date", "account_id", "service", "region", "currency", *AMOUNTS]


def sqlite_install_sql() -> list[str]:
    unchanged = " AND ".join(f"OLD.{col} IS NEW.{col}" for col in SQLITE_SHARE)
    triggers = {
        "insert": ("INSERT", "NEW.region = ''", _sqlite_add, "NEW"),
        "delete": ("DELETE", "OLD.region = ''", _sqlite_subtract, "OLD"),
        "update_old": ("UPDATE", f"OLD.region = '' AND NOT ({unchanged})", _sqlite_subtract, "OLD"),
        "update_new": ("UPDATE", f"NEW.region = '' AND NOT ({unchanged})", _sqlite_add, "NEW"),
    }
    return [
        f"CREATE TRIGGER cost_rollup_{name} AFTER {event} ON {DETAIL} FOR EACH ROW WHEN {when} BEGIN "
        + " ".join(write(rollup, row) for rollup in ROLLUPS)
        + " END"
        for name, (event, when, write, row) in triggers.items()
    ]


def sqlite_uninstall_sql() -> list[str]:
    return [f"DROP TRIGGER cost_rollup_{name}" for name in ("insert", "delete", "update_old", "update_new")]


INSTALL = {"postgresql": postgresql_install_sql, "sqlite": sqlite_install_sql}
UNINSTALL = {"postgresql": postgresql_uninstall_sql, "sqlite": sqlite_uninstall_sql}

# CostData's (account, date, service, region) index, covering what the cost selectors read of the detail rows.
COVERING_INDEX = (
    f"CREATE INDEX cost_account_date_cover ON {DETAIL} (account_id, date, service, region) "
    f"INCLUDE ({', '.join(AMOUNTS)}, currency)"
)
# How many (month, service, currency) groups the detail rows hold, which PostgreSQL cannot guess from each column's
# statistics (it took one account's year, 2,400 groups, for 49,000, and sorted 73,000 rows on disk to group them
# where a hash in memory does). Extended statistics on the expression Django's TruncMonth writes; read at ANALYZE.
# https://www.postgresql.org/docs/current/planner-stats.html#PLANNER-STATS-EXTENDED
MONTH_SERVICE_STATISTICS = (
    f"CREATE STATISTICS cost_month_service (ndistinct) ON (date_trunc('month', date)), service, currency FROM {DETAIL}"
)
