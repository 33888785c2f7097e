"""Acceptance of issue 14's second probe: 10,000 distinct queries keep the cache Redis within its configured memory,
and a collection queued during the flood runs.

The stack as compose runs it: the web role's gunicorn, a cache Redis with maxmemory and allkeys-lru, a broker
Redis with noeviction (both our own redis-servers on free ports), and a Celery worker.

The suite floods with 3,000 queries (SECURITY_FLOOD_QUERIES), already three times what the bounded cache holds, so
eviction is exercised within CI's time; the acceptance figure is `SECURITY_FLOOD_QUERIES=10000`.
"""

import datetime as dt
import http.client
import json
import os
import random
import shutil
import subprocess
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from api.tokens import issue_api_token
from collection.models import CollectionRun
from tests.integration.workers import finished, wait_for
from tests.reliability.http_load import RedisServer
from tests.security.load import get, report, seed_history, web_role

QUERIES = int(os.environ.get("SECURITY_FLOOD_QUERIES", "3000"))
MAXMEMORY = 4 * 1024 * 1024  # about 1,000 answers: far below what the flood takes

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not shutil.which("redis-server"),
        reason="needs PostgreSQL and redis-server, as in CI",
    ),
]


@pytest.fixture
def redis_pair(tmp_path):
    """The cache Redis (bounded, evicting) and the broker Redis (never evicting), as compose runs them."""
    (tmp_path / "cache").mkdir()
    (tmp_path / "broker").mkdir()
    cache = RedisServer(tmp_path / "cache", "--maxmemory", str(MAXMEMORY), "--maxmemory-policy", "allkeys-lru")
    broker = RedisServer(tmp_path / "broker", "--maxmemory-policy", "noeviction")
    for server in (cache, broker):
        server.start()
    yield cache, broker
    for server in (cache, broker):
        server.stop()


def redis_info(port: int) -> dict[str, str]:
    command = ["redis-cli", "-p", str(port), "info"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=10, check=True)  # noqa: S603
    return dict(line.split(":", 1) for line in result.stdout.splitlines() if ":" in line and not line.startswith("#"))


def distinct_paths(first: dt.date, days: int, count: int) -> list[str]:
    """`count` distinct /api/costs queries over the history: windows, groupings and page sizes."""
    rng, paths = random.Random(14), set()
    while len(paths) < count:
        start = first + dt.timedelta(days=rng.randrange(days))
        end = start + dt.timedelta(days=rng.randrange(40))
        group = rng.choice(["service", "account", "account,service"])
        paths.add(f"/api/costs?start={start}&end={end}&group_by={group}&page_size={rng.randint(5, 40)}")
    return sorted(paths)


def test_a_flood_of_distinct_queries_stays_within_maxmemory_and_a_queued_collection_runs(redis_pair, start_worker):
    cache, broker = redis_pair
    history = seed_history(today=timezone.now().date(), days=200, accounts=6, services=8)
    user = get_user_model().objects.create_superuser(username="flooder", password="f1ooder-pass!")
    token = issue_api_token(username=user.username)
    paths = distinct_paths(history.first, history.days, QUERIES)
    servers = {"REDIS_URL": cache.url, "CELERY_BROKER_URL": broker.url}
    start_worker(**servers)
    with web_role(API_THROTTLE_RATE="1000000/min", API_MAX_CONCURRENT_QUERIES="3", **servers) as server:
        pending, lock, statuses, memory = list(paths), threading.Lock(), {}, []
        done = threading.Event()

        def client() -> None:
            while True:
                with lock:
                    if not pending:
                        return
                    path = pending.pop()
                answer = get(server.host, path, token)
                if answer.status == 503:  # SERVER_BUSY: the same query again, as Retry-After says
                    with lock:
                        pending.append(path)
                    time.sleep(0.05)
                with lock:
                    statuses[answer.status] = statuses.get(answer.status, 0) + 1

        def sample() -> None:
            while not done.wait(0.25):
                memory.append(int(redis_info(cache.port)["used_memory"]))

        clients = [threading.Thread(target=client, daemon=True) for _ in range(6)]
        sampler = threading.Thread(target=sample, daemon=True)
        began = time.monotonic()
        for thread in [*clients, sampler]:
            thread.start()
        wait_for(lambda: statuses.get(200, 0) >= QUERIES // 2, timeout=600, what="half the flood")
        queued = get(server.host, "/api/runs", token)  # the run list is never cached: the server still answers
        assert queued.status == 200
        posted = post_run(server.host, token)
        for thread in clients:
            thread.join(timeout=900)
        done.set()
        sampler.join(timeout=10)
        seconds = time.monotonic() - began
        run = wait_for(lambda: finished(posted), timeout=120, what="the collection queued during the flood")

    info = redis_info(cache.port)
    figures = {
        "queries": QUERIES,
        "seconds": round(seconds, 1),
        "statuses": statuses,
        "maxmemory": MAXMEMORY,
        "max_used_memory": max(memory),
        "samples": len(memory),
        "evicted_keys": int(info["evicted_keys"]),
        "keys_left": int(info.get("db0", "keys=0").split(",")[0].split("=")[1]),
        "run": run.status,
    }
    report("cache_flood", figures)
    assert statuses[200] == QUERIES, figures
    assert set(statuses) <= {200, 503}, figures
    assert figures["evicted_keys"] > 0, figures  # the flood did reach the bound
    # Redis evicts before each write, so it may pass maxmemory by at most one write: one entry, at most
    # API_CACHE_MAX_ENTRY_BYTES (its default) plus Redis's own bookkeeping of it.
    assert max(memory) <= MAXMEMORY + 64 * 1024, figures
    assert run.status == CollectionRun.Status.SUCCEEDED, run.error_message
    assert int(redis_info(broker.port)["evicted_keys"]) == 0


def post_run(host: str, token: str) -> int:
    """Queue a costs collection through the API (POST /api/runs); the queued run's id."""
    conn = http.client.HTTPConnection(host, timeout=30)
    try:
        conn.request(
            "POST",
            "/api/runs",
            body=json.dumps({"kind": "costs"}),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        body = json.loads(response.read())
    finally:
        conn.close()
    assert response.status == 202, body
    return body["data"]["id"]
