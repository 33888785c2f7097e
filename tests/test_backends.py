"""The suite runs on the backends the environment names: PostgreSQL and Redis in CI."""

import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="DATABASE_URL is not PostgreSQL"
)
@pytest.mark.django_db
def test_database_is_postgresql_when_configured():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("select 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_cache_reaches_redis_when_configured():
    from django_redis import get_redis_connection

    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    key = f"backend-probe-{uuid.uuid4()}"
    cache.set(key, "here", 30)
    # Read it back through a raw Redis client: proves the value is really in Redis, not in-process.
    raw = get_redis_connection("default")
    assert any(key in k.decode() for k in raw.keys(f"*{key}*"))
    assert cache.get(key) == "here"


def test_embedded_defaults_without_urls(reload_settings):
    """Without DATABASE_URL/REDIS_URL the settings fall back to SQLite and a local cache."""
    fresh = reload_settings(DATABASE_URL=None, REDIS_URL=None, REDIS_HOST=None, CELERY_BROKER_URL=None)
    assert fresh.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert fresh.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert fresh.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert fresh.CACHES["default"]["BACKEND"].endswith("FileBasedCache")
    assert fresh.CELERY_BROKER_URL == "filesystem://"
    # Locks and spend tallies in files of their own, beside the filesystem broker.
    assert fresh.CACHES["state"]["BACKEND"].endswith("FileBasedCache")
    assert fresh.CACHES["state"]["LOCATION"] != fresh.CACHES["default"]["LOCATION"]


def test_collection_state_lives_in_the_brokers_redis_which_never_evicts(reload_settings):
    fresh = reload_settings(
        REDIS_URL="redis://cache.internal:6379/0", CELERY_BROKER_URL="redis://broker.internal:6379/0"
    )
    assert fresh.CACHES["default"]["LOCATION"] == "redis://cache.internal:6379/0"
    assert fresh.CACHES["state"]["LOCATION"] == "redis://broker.internal:6379/0"
    assert fresh.CACHES["state"]["KEY_PREFIX"] != fresh.CACHES["default"]["KEY_PREFIX"]


def test_redis_host_and_port_are_accepted(reload_settings):
    fresh = reload_settings(REDIS_URL=None, CELERY_BROKER_URL=None, REDIS_HOST="cache.internal", REDIS_PORT="6380")
    assert fresh.CACHES["default"]["LOCATION"] == "redis://cache.internal:6380/0"
    assert fresh.CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    # Redis is then the broker too.
    assert fresh.CELERY_BROKER_URL == "redis://cache.internal:6380/0"
