"""Backfill ingest throughput: our page handling (parse + upsert) against a raw COPY of the same rows.

The pages are 60 days of a 50 accounts x 20 services organization from the demo source, generated before
timing. "ours" parses every page and upserts it (bulk INSERT … ON CONFLICT DO UPDATE, as a backfill does);
"COPY" streams the same rows into the same, emptied table. PostgreSQL only (COPY).
Run: DATABASE_URL=postgres://… python bench/ingest.py
"""

import datetime as dt
import logging
import time

from _setup import bench_database
from django.db import connection, transaction

from collection.aws import RequestCounter
from collection.models import AwsAccount, CostData
from collection.services.copy_upsert import upsert_rows
from collection.services.costs import FIELDS, UNIQUE, UPDATE, cost_rows
from collection.services.demo_source import DemoClients
from collection.services.upserts import ensure_accounts

DAYS = 60
NOW = dt.datetime(2026, 3, 17, 6, 0, tzinfo=dt.UTC)
# The columns of cost_rows' tuples (FIELDS, the account as its column): every stored metric since net cost was.
COLUMNS = [CostData._meta.get_field(name).column for name in FIELDS]


def pages() -> list[dict]:
    ce = DemoClients(counter=RequestCounter(), now=NOW, n_accounts=50, n_services=20).client("ce")
    params = {
        "TimePeriod": {"Start": str(NOW.date() - dt.timedelta(days=DAYS)), "End": str(NOW.date())},
        "Granularity": "DAILY",
        "Metrics": ["UnblendedCost", "AmortizedCost"],
        "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}, {"Type": "DIMENSION", "Key": "SERVICE"}],
    }
    result, token = [], None
    while True:
        page = ce.get_cost_and_usage(**params, **({"NextPageToken": token} if token else {}))
        result.append(page)
        token = page.get("NextPageToken")
        if not token:
            return result


def ours(all_pages: list[dict]) -> tuple[int, float]:
    began, rows = time.perf_counter(), 0
    with transaction.atomic():
        for page in all_pages:
            parsed, names = cost_rows(page)
            ensure_accounts({row[1] for row in parsed} | names.keys(), names=names)
            rows += upsert_rows(CostData, fields=FIELDS, rows=parsed, unique=UNIQUE, update=UPDATE)
    return rows, time.perf_counter() - began


def raw_copy(all_pages: list[dict]) -> tuple[int, float]:
    records = [(*row, NOW, NOW) for page in all_pages for row in cost_rows(page)[0]]
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        table = CostData._meta.db_table
        columns = ", ".join([*COLUMNS, "collected_at", "updated_at"])
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for record in records:
                copy.write_row(record)
    return len(records), time.perf_counter() - began


def main() -> None:
    logging.disable(logging.WARNING)
    if connection.vendor != "postgresql":
        raise SystemExit("bench/ingest.py compares with PostgreSQL COPY: set DATABASE_URL to a PostgreSQL database")
    all_pages = pages()
    with bench_database():
        ours(all_pages[:2])  # warm up connections and caches
        CostData.objects.all().delete()
        rows, ours_s = ours(all_pages)
        CostData.objects.all().delete()
        assert AwsAccount.objects.count() == 50
        copied, copy_s = raw_copy(all_pages)
        assert copied == rows
    ours_rate, copy_rate = rows / ours_s, copied / copy_s
    print(f"rows: {rows} ({len(all_pages)} pages)")
    print(f"ours (parse + upsert): {ours_rate:,.0f} rows/s")
    print(f"raw COPY:              {copy_rate:,.0f} rows/s")
    print(f"ratio ours/COPY: {ours_rate / copy_rate:.2f}  (target >= 0.3)")


if __name__ == "__main__":
    main()
