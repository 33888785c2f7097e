"""FOCUS 1.2 files of the stored history: each stored day's row as FOCUS values, written as CSV or as Parquet.

Parquet is written by DuckDB from the CSV text (no pyarrow): each column cast to its FOCUS type, Decimal(38,10)
for amounts, TIMESTAMP WITH TIME ZONE (UTC) for Date/Time. https://duckdb.org/docs/stable/data/parquet/overview
"""

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

import duckdb

from collection.focus_columns import COLUMN_NAMES, COLUMNS, DataType, DayCost, focus_record
from collection.months import next_month
from collection.selectors.focus import billing_account, month_sources
from collection.selectors.scope import Scope

FORMATS = ("csv", "parquet")
PARQUET_TYPES = {
    DataType.DECIMAL: "DECIMAL(38, 10)",
    DataType.STRING: "VARCHAR",
    DataType.DATETIME: "TIMESTAMPTZ",
    DataType.JSON: "VARCHAR",  # the serialized JSON text the specification's Key-Value Format asks for
    DataType.BOOLEAN: "BOOLEAN",
}


def record_maker(
    *, start: dt.date, end: dt.date, scope: Scope | None = None, account_label: Callable[[str], str] = str
) -> Callable[[dict], list[str]]:
    """`values(row)`: the FOCUS values of a row of `FocusRows(start=start, end=end, scope=scope)` (end exclusive),
    with each month's source and the payer looked up once."""
    sources = month_sources(months=_months(start, end))
    billing = billing_account(scope=scope)

    def values(row: dict) -> list[str]:
        source = sources[row["date"].replace(day=1)]
        return focus_record(DayCost(row=row, billing=billing, source=source, account_label=account_label))

    return values


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], start.replace(day=1)
    while month < end:
        months.append(month)
        month = next_month(month)
    return months


def write_csv(rows: Iterable[dict], *, values: Callable[[dict], list[str]], out: TextIO) -> int:
    """The header and a line per row of `rows` to `out`; how many rows."""
    writer = csv.writer(out)
    writer.writerow(COLUMN_NAMES)
    count = 0
    for row in rows:
        writer.writerow(values(row))
        count += 1
    return count


def write_parquet(rows: Iterable[dict], *, values: Callable[[dict], list[str]], path: Path) -> int:
    """`rows` as a Parquet file at `path`, each column of its FOCUS type; how many rows."""
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", encoding="utf-8") as text:
        count = write_csv(rows, values=values, out=text)
        text.flush()
        casts = ", ".join(
            f'CAST(NULLIF("{c.name}", \'\') AS {PARQUET_TYPES[c.data_type]}) AS "{c.name}"' for c in COLUMNS
        )
        with duckdb.connect() as db:
            db.execute("SET TimeZone = 'UTC'")
            source = db.read_csv(text.name, header=True, all_varchar=True)  # noqa: F841 (named in the SQL)
            # The SQL names only COLUMNS (constants); the path is a parameter.
            db.execute(f"COPY (SELECT {casts} FROM source) TO ? (FORMAT parquet)", [str(path)])  # noqa: S608
    return count
