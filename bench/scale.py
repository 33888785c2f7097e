"""History at organization scale: the four questions of issue #19 through /api/costs and as SQL, and ingest cost.

Generates `--accounts` x `--services` x `--days` all-regions daily rows (default 1,000 x 200 x 425: 85 million, 14
months) directly in SQL (generate_series) in a throwaway PostgreSQL database named after DATABASE_URL's with
`_scale` appended, dropped at the end. The first month's net cost is unknown (NULL), as for history collected
before net cost was. The load runs with the triggers off and the secondary indexes dropped, then builds the indexes,
sums the rollups (`collection.rollups.rebuild_sql`) and runs VACUUM ANALYZE, as a restored database would be.

It then times, uncached (the costs dataset version is bumped before each request, as a finished collection does):
monthly x service over every whole month and to the last day (the monthly rollup both: no day is stored after
the last); daily x service for one month; the top 10 accounts of a month; one account's last 12 months by service:
through /api/costs (target <= 100 ms each; the first page, of the API's default size API_PAGE_SIZE, the top 10 a
page of 10), and as SQL: the selector's query (a rollup where one answers) and the same question on the detail rows.

Ingest: one new day of every account x service through the collectors' upsert (COPY into a staging table, one
INSERT … ON CONFLICT; then the same day restated, an UPDATE of every row), with the rollups against without them
(main's schema: no triggers, the plain (account, date) index instead of the covering one), and with each of the
two alone, so that each part's cost shows: rounds of the four, each after a CHECKPOINT. Target >= 0.8x.

Run: DATABASE_URL=postgres://… python bench/scale.py [--accounts 1000 --services 200 --days 425]
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "costmonitor.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")

FIRST_DAY = dt.date(2025, 1, 1)
TABLE = "collection_costdata"


def admin_url() -> tuple[str, str]:
    """(DATABASE_URL, the scale database's name)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("bench/scale.py generates rows with PostgreSQL's generate_series: set DATABASE_URL")
    return url, urlsplit(url).path.lstrip("/") + "_scale"


def recreate(url: str, name: str, *, drop_only: bool = False) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:7.1f} ms  (min {min(samples) * 1000:.1f}, n={len(samples)})"


def timed(fn, repeat: int, *, before=None) -> list[float]:
    samples = []
    for _ in range(repeat):
        if before:
            before()
        began = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - began)
    return samples


def generate(cursor, *, accounts: int, services: int, days: int) -> None:
    """The accounts, then every day's rows, one INSERT a month, triggers off and secondary indexes dropped."""
    cursor.execute(
        "INSERT INTO collection_awsaccount (account_id, name, email, status, is_payer, first_seen, last_seen) "
        "SELECT lpad((100000000000 + a)::text, 12, '0'), 'account-' || a, '', 'ACTIVE', a = 0, now(), now() "
        "FROM generate_series(0, %s - 1) a",
        [accounts],
    )
    # Every index but the primary key is built after the load (one sort each, not 85 million insertions).
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p')",
        [TABLE, TABLE],
    )
    secondary = cursor.fetchall()
    cursor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT uniq_cost_day")
    for name, _ in secondary:
        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL")  # the rows reference the accounts just made
    net_from = (FIRST_DAY.replace(day=28) + dt.timedelta(days=4)).replace(day=1)  # the first month's net unknown
    day = 0
    while day < days:
        began = time.perf_counter()
        first = FIRST_DAY + dt.timedelta(days=day)
        month_days = min(days - day, ((first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - first).days)
        cursor.execute(
            f"INSERT INTO {TABLE} (date, account_id, service, region, unblended_cost, amortized_cost, "
            "net_unblended_cost, net_amortized_cost, currency, estimated, collected_at, updated_at) "
            "SELECT d, acc.account_id, svc.name, '', c, c * 0.97, CASE WHEN d >= %(net_from)s THEN c * 0.9 END, "
            "CASE WHEN d >= %(net_from)s THEN c * 0.87 END, 'USD', false, now(), now() "
            "FROM generate_series(0, %(days)s - 1) i, "
            "(SELECT account_id, account_id::bigint - 100000000000 AS a FROM collection_awsaccount) acc, "
            "(SELECT s, 'Service ' || lpad(s::text, 3, '0') AS name FROM generate_series(0, %(services)s - 1) s) svc, "
            "LATERAL (SELECT %(first)s::date + i AS d, "
            "((acc.a * 7919 + svc.s * 104729 + (%(day)s + i) * 31) %% 100000)::numeric / 1000 + 0.0012345678 AS c) v",
            {
                "first": first,
                "day": day,
                "days": month_days,
                "services": services,
                "net_from": net_from,
            },
        )
        day += month_days
        print(f"  {first:%Y-%m}: {cursor.rowcount:,} rows in {time.perf_counter() - began:.0f} s", flush=True)
    began = time.perf_counter()
    cursor.execute("SET maintenance_work_mem = '1GB'")
    cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT uniq_cost_day UNIQUE (date, account_id, service, region)")
    for name, definition in secondary:
        if name != "uniq_cost_day":
            cursor.execute(definition)
    print(f"  secondary indexes built in {time.perf_counter() - began:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--days", type=int, default=425, help="From 2025-01-01; at least 366 (12 whole months).")
    parser.add_argument("--repeat", type=int, default=7, help="Timed requests per question.")
    parser.add_argument("--detail-repeat", type=int, default=1, help="Timed runs of each detail-rows query.")
    parser.add_argument("--ingest-repeat", type=int, default=5, help="Rounds of the four ingest configurations.")
    parser.add_argument("--keep", action="store_true", help="Keep the scale database (drop it yourself).")
    args = parser.parse_args()
    if args.days < 366:
        parser.error("--days: at least 366, so that one account's 12 whole months fit")
    url, name = admin_url()
    recreate(url, name)
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            recreate(url, name, drop_only=True)


def run(args) -> None:
    import django

    django.setup()
    import logging

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from api.tokens import issue_api_token
    from collection import rollups
    from collection.cache_versions import bump_dataset_versions
    from collection.selectors import cost_breakdown
    from collection.selectors import costs as cost_selectors

    logging.disable(logging.WARNING)
    setup_test_environment()
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    cursor = connection.cursor()
    print(
        f"{args.accounts} accounts x {args.services} services x {args.days} days in {connection.settings_dict['NAME']}:"
    )
    generate(cursor, accounts=args.accounts, services=args.services, days=args.days)
    step = time.perf_counter()
    for statement in rollups.rebuild_sql(connection.vendor):
        cursor.execute(statement)
    cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER ALL")
    print(f"  rollups summed in {time.perf_counter() - step:.0f} s", flush=True)
    step = time.perf_counter()
    cursor.execute("VACUUM ANALYZE")
    cursor.execute(f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{TABLE}')) FROM {TABLE}")
    rows, size = cursor.fetchone()
    print(f"  VACUUM ANALYZE in {time.perf_counter() - step:.0f} s")
    print(f"{rows:,} detail rows ({size} with indexes), ready in {time.perf_counter() - began:.0f} s\n", flush=True)

    last = FIRST_DAY + dt.timedelta(days=args.days - 1)
    after = last + dt.timedelta(days=1)
    whole = after if after.day == 1 else last.replace(day=1)  # the month after the last whole month
    month = (whole - dt.timedelta(days=1)).replace(day=1)  # the last whole month
    year = whole.replace(year=whole.year - 1)
    account = f"{100000000000:012d}"
    questions = {
        "monthly x service, every whole month": (
            {
                "start": FIRST_DAY,
                "end": whole - dt.timedelta(days=1),
                "granularity": "monthly",
                "group_by": ["service"],
            },
            {},
        ),
        "monthly x service, to the last day": (
            {"start": FIRST_DAY, "end": last, "granularity": "monthly", "group_by": ["service"]},
            {},
        ),
        "daily x service, one month": (
            {"start": month, "end": whole - dt.timedelta(days=1), "granularity": "daily", "group_by": ["service"]},
            {},
        ),
        "top 10 accounts of a month": (
            {"start": month, "end": whole - dt.timedelta(days=1), "granularity": "monthly", "group_by": ["account"]},
            {"ordering": "-amount", "page_size": 10},
        ),
        "one account's 12 months by service": (
            {
                "start": year,
                "end": whole - dt.timedelta(days=1),
                "granularity": "monthly",
                "group_by": ["service"],
                "account_id": account,
            },
            {},
        ),
    }
    user = get_user_model().objects.create_user(username="bench")
    local = {
        a: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": a} for a in ("default", "state")
    }

    def collected() -> None:
        bump_dataset_versions(datasets=["costs"])

    def raw_sql(query: dict) -> tuple[str, list]:
        window = {**query, "end": query["end"] + dt.timedelta(days=1)}
        return cost_breakdown(**window).query.sql_with_params()

    def run_sql(sql_params) -> None:
        cursor.execute(*sql_params)
        cursor.fetchall()

    with override_settings(CACHES=local, API_THROTTLE_RATE="1000000/min", DEBUG=False, SECURE_SSL_REDIRECT=False):
        client = Client(HTTP_AUTHORIZATION=f"Token {issue_api_token(username=user.username)}")
        slowest = 0.0
        for label, (query, paging) in questions.items():
            params = {k: (",".join(v) if isinstance(v, list) else v) for k, v in query.items()} | paging
            path = "/api/costs?" + "&".join(f"{k}={v}" for k, v in params.items())
            collected()
            answer = client.get(path)
            assert answer.status_code == 200, answer.content[:500]
            body = answer.json()
            assert body["metadata"]["cached"] is False
            api = timed(lambda path=path: client.get(path), args.repeat, before=collected)
            on_rollups = raw_sql(query)
            rollup_sql = timed(lambda s=on_rollups: run_sql(s), args.repeat)
            chosen = cost_selectors.answering_rollup
            cost_selectors.answering_rollup = lambda **_: None
            try:
                on_detail = raw_sql(query)
            finally:
                cost_selectors.answering_rollup = chosen
            detail_sql = timed(lambda s=on_detail: run_sql(s), args.detail_repeat)
            source = "detail rows" if on_rollups == on_detail else "rollup"
            slowest = max(slowest, statistics.median(api))
            print(f"{label} ({len(body['data']['rows'])} rows on the page, {body['metadata']['total_count']} in all):")
            print(f"  /api/costs uncached   {ms(api)}  (target <= 100 ms)")
            print(f"  SQL, as answered ({source:11}) {ms(rollup_sql)}")
            print(f"  SQL on detail rows    {ms(detail_sql)}", flush=True)
        print(f"slowest question through the API: {slowest * 1000:.1f} ms (target <= 100 ms)\n")
        cursor.execute("EXPLAIN " + on_detail[0], on_detail[1])
        plan = [line for (line,) in cursor.fetchall() if "Scan" in line]
        print("one account's 12 months, scans:", "; ".join(p.strip() for p in plan))
    ingest(cursor, args=args, last=last)


def ingest(cursor, *, args, last: dt.date) -> None:
    """One new day of every account x service upserted, then restated: with the rollups (their triggers and the
    covering index), with each part alone, and with neither (main's schema)."""
    from collection import rollups
    from collection.models import CostData
    from collection.services.copy_upsert import upsert_rows
    from collection.services.costs import FIELDS, UNIQUE, UPDATE

    day = last + dt.timedelta(days=1)
    accounts = [f"{100000000000 + a:012d}" for a in range(args.accounts)]
    services = [f"Service {s:03d}" for s in range(args.services)]

    def rows(scale: str) -> list[tuple]:
        cost = Decimal(scale)
        return [(day, a, s, "", cost, cost, cost, cost, "USD", True) for a in accounts for s in services]

    new, restated = rows("1.25"), rows("1.5")

    # (label, triggers on, covering index): each round measures every configuration, in the reverse order of the
    # round before, so that the index is rebuilt once a round and no configuration always comes first.
    configurations = [
        ("rollups (triggers and covering index)", True, True),
        ("covering index alone", False, True),
        ("triggers alone", True, False),
        ("neither (main's schema)", False, False),
    ]
    measured = {label: ([], []) for label, _, _ in configurations}
    covering = True

    def use(triggers: bool, cover: bool) -> None:
        nonlocal covering
        if cover != covering:
            began = time.perf_counter()
            if cover:
                cursor.execute(rollups.COVERING_INDEX)
                cursor.execute("DROP INDEX cost_account_date")
            else:
                cursor.execute(f"CREATE INDEX cost_account_date ON {TABLE} (account_id, date)")
                cursor.execute("DROP INDEX cost_account_date_cover")
            covering = cover
            name = "covering" if cover else "main's (account, date)"
            print(f"  ({name} index built in {time.perf_counter() - began:.0f} s)", flush=True)
        cursor.execute(f"ALTER TABLE {TABLE} {'ENABLE' if triggers else 'DISABLE'} TRIGGER USER")

    for round_ in range(args.ingest_repeat):
        for label, triggers, cover in configurations[:: -1 if round_ % 2 else 1]:
            use(triggers, cover)
            for sample, batch in zip(measured[label], (new, restated), strict=True):
                # Every sample starts after a checkpoint: each pays the same full-page writes, whatever ran before.
                cursor.execute("CHECKPOINT")
                began = time.perf_counter()
                upsert_rows(CostData, fields=FIELDS, rows=batch, unique=UNIQUE, update=UPDATE)
                sample.append(len(batch) / (time.perf_counter() - began))
            CostData.objects.filter(date=day).delete()
            cursor.execute(f"VACUUM {TABLE}, {', '.join(rollup.table for rollup in rollups.ROLLUPS)}")
    baseline = measured["neither (main's schema)"]
    print(
        f"\ningest of one day ({len(new):,} rows) through the collectors' upsert, rows/s, median of "
        f"{args.ingest_repeat}, and the ratio to main's schema (target >= 0.8 with the rollups):"
    )
    for label, samples in measured.items():
        figures = []
        for kind, sample, base in zip(("new day", "restated"), samples, baseline, strict=True):
            rate = statistics.median(sample)
            figures.append(f"{kind} {rate:9,.0f} ({rate / statistics.median(base):.2f}x)")
        print(f"  {label:40} " + "   ".join(figures))


if __name__ == "__main__":
    main()
