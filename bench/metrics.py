"""Scrape time of /metrics with 100,000 cost series, against prometheus_client rendering the same series.

Run: DATABASE_URL=... REDIS_URL=... python bench/metrics.py [--series N] [--repeat R]
Creates (and drops) a test database; prints medians and the ratios (target: every scrape <= 1.5x): a warm
scrape, the first scrape after a collection published its snapshot (rendered by the collecting process),
and a scrape that finds the cache empty (Redis flushed or restarted) and renders from the database.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "costmonitor.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from prometheus_client import CollectorRegistry, Gauge, generate_latest  # noqa: E402

from api.metrics.views import METRICS_PORT_ENVIRON_KEY  # noqa: E402
from collection.models import MetricData  # noqa: E402
from collection.services.snapshot import _publish  # noqa: E402

ACCOUNTS, DAYS = 100, 7


def series(count: int) -> list[dict[str, str]]:
    services = -(-count // (ACCOUNTS * DAYS))
    labels = [
        {
            "service": f"Amazon Service {s:04d}",
            "account_id": f"{100000000000 + a:012d}",
            "date": f"2026-10-{d + 1:02d}",
            "currency": "USD",
        }
        for s in range(services)
        for a in range(ACCOUNTS)
        for d in range(DAYS)
    ]
    return labels[:count]


def median_seconds(action, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    labels = series(args.series)
    values = [1.0 + i / 7 for i in range(len(labels))]

    registry = CollectorRegistry()
    gauge = Gauge("aws_cost_daily", "Daily AWS cost", ["service", "account_id", "date", "currency"], registry=registry)
    for label, value in zip(labels, values, strict=True):
        gauge.labels(**label).set(value)
    baseline = median_seconds(lambda: generate_latest(registry), args.repeat)

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        now = timezone.now()
        rows = [
            MetricData(name="aws_cost_daily", labels=lb, value=v, timestamp=now)
            for lb, v in zip(labels, values, strict=True)
        ]
        MetricData.objects.bulk_create(rows, batch_size=5000)
        client = Client(HTTP_HOST="localhost")

        def scrape() -> None:
            response = client.get("/metrics", **{METRICS_PORT_ENVIRON_KEY: True})  # as the metrics port gets it
            assert response.status_code == 200
            assert response.content.count(b"\naws_cost_daily{") == len(labels)

        def cold_scrape() -> None:
            cache.clear()
            scrape()

        publishings, firsts = [], []
        for _ in range(args.repeat):  # what a collection does once its snapshot is committed, then a scrape
            publishings.append(median_seconds(_publish, 1))
            firsts.append(median_seconds(scrape, 1))
        first, publish = statistics.median(firsts), statistics.median(publishings)
        cold = median_seconds(cold_scrape, args.repeat)
        scrape()
        warm = median_seconds(scrape, args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"series: {len(labels)}  cache: {settings.CACHES['default']['BACKEND']}  database: {connection.vendor}")
    print(f"prometheus_client generate_latest (baseline):  {baseline * 1000:8.1f} ms")
    print(f"/metrics warm (snapshot cached):                {warm * 1000:8.1f} ms   ratio {warm / baseline:.2f}")
    print(f"/metrics first scrape after a collection:       {first * 1000:8.1f} ms   ratio {first / baseline:.2f}")
    print(f"/metrics cold (cache empty, rendered from DB):  {cold * 1000:8.1f} ms   ratio {cold / baseline:.2f}")
    print(f"  (publishing the snapshot, in the collecting process: {publish * 1000:.1f} ms, rendering included)")


if __name__ == "__main__":
    main()
