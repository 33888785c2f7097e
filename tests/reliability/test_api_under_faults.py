"""Scenarios 2 and 7: gunicorn (2 workers) under a bounded load; Redis stopped and restarted meanwhile, then a
plain load for RELIABILITY_LOAD_SECONDS (5 by default; the report runs 60). Every answer is checked."""

import datetime as dt
import os
import shutil
import time

import pytest
from django.db import connection
from django.utils import timezone

from tests.processes import wait_until
from tests.reliability.http_load import Load, RedisServer, expected_total, gunicorn, request, seed

LOAD_SECONDS = float(os.environ.get("RELIABILITY_LOAD_SECONDS", "5"))

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not shutil.which("redis-server") or not os.environ.get("REDIS_URL"),
        reason="needs PostgreSQL, REDIS_URL and redis-server, as in CI",
    ),
]


@pytest.fixture
def token(django_user_model) -> str:
    return seed(today=timezone.now().date(), user=django_user_model.objects.create_user(username="load"))


@pytest.fixture
def private_redis(tmp_path):
    redis = RedisServer(tmp_path)
    redis.start()
    yield redis
    if redis.proc.poll() is None:
        redis.stop()


def health(host: str) -> str:
    return request(host, "/health")[1]["data"]["status"]


def test_redis_outage_under_load_serves_every_read_from_the_database(token, private_redis, figures):
    today = timezone.now().date()
    with gunicorn(REDIS_URL=private_redis.url, CELERY_BROKER_URL=private_redis.url) as host:
        load = Load(host=host, token=token, today=today, threads=4)
        with load.running():
            wait_until(lambda: load.done >= 100)
            assert health(host) == "healthy"
            private_redis.stop()
            wait_until(lambda: health(host) == "degraded")
            during = load.done
            # Meanwhile every read is answered from the database, uncached and right.
            for days in range(1, 21):
                start, end = today - dt.timedelta(days=days + 7), today - dt.timedelta(days=days)
                status, body = request(host, f"/api/costs?start={start}&end={end}", token)
                assert status == 200, body
                assert body["metadata"]["cached"] is False
                assert body["data"]["total"] == f"{expected_total(start, end, today=today):.10f}"
            wait_until(lambda: load.done >= during + 100)
            outage = load.done - during
            private_redis.start()
            wait_until(lambda: health(host) == "healthy")
            after = load.done
            wait_until(lambda: load.done >= after + 100)
        # Caching resumes: the same query is soon answered from the cache again (by either worker).
        path = f"/api/costs?start={today - dt.timedelta(days=3)}&end={today - dt.timedelta(days=2)}"
        wait_until(lambda: request(host, path, token)[1]["metadata"]["cached"] is True)

    measured = load.figures()
    assert load.wrong == []
    assert measured["server_errors"] == 0
    figures.update(
        requests=measured["requests"],
        during_outage=outage,
        reads_checked_during_outage=20,
        server_errors=0,
        wrong_answers=0,
        health="healthy -> degraded -> healthy",
    )


def test_api_under_load_answers_everything_right(token, tmp_path, figures):
    today = timezone.now().date()
    multiproc = tmp_path / "prometheus"
    multiproc.mkdir()
    with gunicorn(PROMETHEUS_MULTIPROC_DIR=str(multiproc)) as host:
        load = Load(host=host, token=token, today=today, threads=8)
        with load.running():
            time.sleep(LOAD_SECONDS)
    measured = load.figures()
    assert load.wrong == [], load.wrong[:5]
    assert measured["server_errors"] == 0
    assert all(measured["by_kind"].values()), measured["by_kind"]
    figures.update(measured, workers=2, client_threads=8)
