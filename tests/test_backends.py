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


def test_embedded_defaults_without_urls(monkeypatch):
    """Without DATABASE_URL/REDIS_URL the settings fall back to SQLite and a local cache."""
    import importlib

    import costmonitor.settings as settings_module

    for name in ("DATABASE_URL", "REDIS_URL", "REDIS_HOST", "CELERY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    fresh = importlib.reload(settings_module)
    try:
        assert fresh.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        assert fresh.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
        assert fresh.CACHES["default"]["BACKEND"].endswith("FileBasedCache")
        assert fresh.CELERY_BROKER_URL == "filesystem://"
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)


def test_redis_host_and_port_are_accepted(monkeypatch):
    import importlib

    import costmonitor.settings as settings_module

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("REDIS_HOST", "cache.internal")
    monkeypatch.setenv("REDIS_PORT", "6380")
    fresh = importlib.reload(settings_module)
    try:
        assert fresh.CACHES["default"]["LOCATION"] == "redis://cache.internal:6380/0"
        assert fresh.CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)


def test_refuses_to_start_without_secret_key_when_not_debug(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import costmonitor.settings as settings_module

    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("SECRET_KEY", "change-me")
    try:
        with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
            importlib.reload(settings_module)
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)
