"""Benchmark of /api/costs: cached latency against a bare Django JSON view, and the uncached monthly aggregation.

Two phases: cached /api/costs and the bare view answering the same body, alternating; then everything that
reads the database (a bare view computing the same answer, uncached /api/costs, the monthly aggregation).
Plain HTTP with the HTTPS redirect off (TLS ends at a deployment's proxy); the one-line-per-request log is off,
which takes the same constant out of both sides of the ratio.

Run: DATABASE_URL=postgres://… REDIS_URL=redis://… python bench/api.py [--days 395 --accounts 50 --services 20]
It creates a throw-away test database (test_<name>), seeds it with COPY (bulk_create elsewhere), and drops it.
"""

import argparse
import datetime as dt
import io
import json
import logging
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "costmonitor.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse, JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

from api.tokens import issue_api_token  # noqa: E402
from collection.cache_versions import bump_dataset_versions  # noqa: E402
from collection.models import AwsAccount, CostData  # noqa: E402
from collection.selectors import cost_breakdown, cost_totals  # noqa: E402

BODY: dict = {}
BODY_KEY = "bench:body"


def bare_json(request):
    """The baseline: Django and its middleware answering the same JSON body; no DRF, auth, cache or database."""
    return JsonResponse(BODY)


def bare_cache_json(request):
    """A second baseline for the cached path: the same body, read with one cache GET (a Redis round trip)."""
    return HttpResponse(cache.get(BODY_KEY), content_type="application/json")


def bare_db_json(request):
    """A second baseline: the same answer computed by a plain Django view from the database, no DRF and no cache."""
    start, end = dt.date.fromisoformat(request.GET["start"]), dt.date.fromisoformat(request.GET["end"])
    window = {"start": start, "end": end + dt.timedelta(days=1)}
    rows = list(cost_breakdown(**window, group_by=["service"]))
    return JsonResponse({"status": "success", "data": {"totals": cost_totals(**window), "rows": rows}})


urlpatterns = [
    path("bench/bare", bare_json),
    path("bench/bare-cache", bare_cache_json),
    path("bench/bare-db", bare_db_json),
    path("", include("costmonitor.urls")),
]


def seed(*, days: int, accounts: int, services: int) -> tuple[dt.date, dt.date, int]:
    end = timezone.now().date()
    start = end - dt.timedelta(days=days - 1)
    ids = [f"{100000000000 + a:012d}" for a in range(accounts)]
    AwsAccount.objects.bulk_create(AwsAccount(account_id=i, name=f"account {i}") for i in ids)
    rng, now = random.Random(7), timezone.now().isoformat()
    names = [f"Service {s:02d}" for s in range(services)]
    rows = (
        (start + dt.timedelta(days=d), account, name, Decimal(rng.randint(1, 10**6)) / 1000)
        for d in range(days)
        for account in ids
        for name in names
    )
    if connection.vendor == "postgresql":
        columns = (
            "date, account_id, service, region, unblended_cost, amortized_cost, currency, estimated, collected_at, "
            "updated_at"
        )
        buffer = io.StringIO()
        for day, account, name, amount in rows:
            buffer.write(f"{day}\t{account}\t{name}\t\t{amount}\t{amount}\tUSD\tf\t{now}\t{now}\n")
        buffer.seek(0)
        with (
            connection.cursor() as cursor,
            cursor.connection.cursor().copy(f"COPY {CostData._meta.db_table} ({columns}) FROM STDIN") as copy,
        ):
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {CostData._meta.db_table}")
    else:
        CostData.objects.bulk_create(
            (CostData(date=d, account_id=a, service=s, unblended_cost=x, amortized_cost=x) for d, a, s, x in rows),
            batch_size=5000,
        )
    return start, end, CostData.objects.count()


def timed(fn, repeat: int, *, before=None) -> list[float]:
    """`repeat` timings of `fn()`, each after an untimed `before()`."""
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) > 1 else samples[0]


def ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:8.3f} ms   p95 {p95(samples) * 1000:8.3f} ms"


def run(args) -> None:
    t0 = time.perf_counter()
    start, end, count = seed(days=args.days, accounts=args.accounts, services=args.services)
    print(
        f"seeded {count:,} daily cost rows ({start}..{end}) in {time.perf_counter() - t0:.1f} s on {connection.vendor}"
    )
    user = get_user_model().objects.create_user(username="bench")
    client = Client(HTTP_AUTHORIZATION=f"Token {issue_api_token(username=user.username)}")
    url = f"/api/costs?start={end.replace(day=1)}&end={end}&group_by=service"
    assert client.get(url).json()["metadata"]["cached"] is False
    BODY.update(client.get(url).json())
    assert BODY["metadata"]["cached"] is True

    def collected() -> None:
        """What a finished collection does: the next answer is computed afresh (the token's user stays cached)."""
        bump_dataset_versions(datasets=["costs"])

    cache.set(BODY_KEY, json.dumps(BODY).encode(), None)
    views = {"bare": "/bench/bare", "bare_cache": "/bench/bare-cache", "api": url}
    for _ in range(args.warmup):
        for path_ in views.values():
            client.get(path_)
    samples: dict[str, list[float]] = {name: [] for name in views}
    # Cached answers alone, alternating (in rotating order), so drift in the machine affects all alike and no
    # 20 ms database-backed request in between cools the caches and the Redis connection of any.
    names = list(views)
    for i in range(args.requests):
        for name in names[i % 3 :] + names[: i % 3]:
            samples[name] += timed(lambda name=name: client.get(views[name]), 1)
    bare, api = samples["bare"], samples["api"]
    print(f"cached: month to date by service ({len(BODY['data']['rows'])} rows), {args.requests} requests each:")
    print(f"  bare JSON view, same body       {ms(bare)}")
    print(f"  bare view + one cache GET       {ms(samples['bare_cache'])}")
    print(f"  cached /api/costs               {ms(api)}")
    print(
        f"  ratio cached / bare             median {statistics.median(api) / statistics.median(bare):.2f}"
        f"   p95 {p95(api) / p95(bare):.2f}  (target: median <= 2)"
    )
    print(
        f"  ratio cached / bare + cache GET median "
        f"{statistics.median(api) / statistics.median(samples['bare_cache']):.2f}"
        "   (target: median <= 1.6; what auth, throttling, validation, DRF and the envelope add to the cache read)"
    )

    db_url = url.replace("/api/costs", "/bench/bare-db")
    bare_db, api_db = [], []
    for _ in range(args.repeat * 4):
        bare_db += timed(lambda: client.get(db_url), 1)
        api_db += timed(lambda: client.get(url), 1, before=collected)
    print(f"uncached: the same query from the database, {args.repeat * 4} requests each:")
    print(f"  bare Django view, from the DB   {ms(bare_db)}")
    print(f"  /api/costs uncached             {ms(api_db)}")

    window = {"start": end - dt.timedelta(days=args.days - 1), "end": end + dt.timedelta(days=1)}
    aggregate = timed(lambda: list(cost_breakdown(**window, granularity="monthly", group_by=["service"])), args.repeat)
    groups = len(list(cost_breakdown(**window, granularity="monthly", group_by=["service"])))
    naive = timed(
        lambda: sum(
            1
            for _ in CostData.objects.filter(region="")
            .values_list("date", "service", "unblended_cost")
            .iterator(chunk_size=10000)
        ),
        1,
    )
    full = f"/api/costs?start={window['start']}&end={end}&granularity=monthly&group_by=service&page_size=1000"

    collected()
    assert client.get(full).json()["metadata"]["cached"] is False
    api_uncached = timed(lambda: client.get(full), args.repeat, before=collected)
    print(f"monthly x service, {groups} groups over {count:,} rows:")
    print(f"  selector (SQL GROUP BY)  {ms(aggregate)}")
    print(f"  /api/costs uncached      {ms(api_uncached)}")
    print(
        f"  reading the rows into Python once (no aggregation) {naive[0] * 1000:.0f} ms: "
        f"database aggregation is {naive[0] / statistics.median(aggregate):.1f}x faster"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=395, help="about 13 months")
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--services", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000, help="timed cached requests per view")
    parser.add_argument("--warmup", type=int, default=200, help="untimed cached requests per view first")
    parser.add_argument("--repeat", type=int, default=5, help="timed uncached aggregations (x4 uncached requests)")
    args = parser.parse_args()
    setup_test_environment()
    logging.getLogger("costmonitor.request").setLevel(logging.WARNING)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(
            ROOT_URLCONF=__name__, API_THROTTLE_RATE="1000000/min", DEBUG=False, SECURE_SSL_REDIRECT=False
        ):
            cache.clear()
            run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
