"""/health: healthy, degraded (and why), and 503 without a database."""

import datetime as dt

import pytest
from django.db import OperationalError, connections
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import CollectionRunFactory

pytestmark = pytest.mark.django_db


def health() -> tuple[int, dict]:
    response = APIClient().get("/health")
    return response.status_code, response.json()


def test_healthy_reports_each_check_and_collection_age(settings):
    settings.CELERY_BROKER_URL = "filesystem://"
    CollectionRunFactory(kind="costs", finished_at=timezone.now() - dt.timedelta(minutes=5))
    status, body = health()
    assert status == 200
    assert body["data"]["status"] == "healthy"
    checks = body["data"]["checks"]
    assert [checks[name]["ok"] for name in ("database", "cache", "broker")] == [True, True, True]
    assert 299 < checks["collections"]["costs"]["age_seconds"] < 400
    assert checks["collections"]["forecast"]["last_success"] is None


def test_cache_down_is_degraded_not_an_error(settings, unreachable_redis):
    settings.CACHES = {"default": unreachable_redis}
    status, body = health()
    assert (status, body["data"]["status"]) == (200, "degraded")
    assert body["data"]["checks"]["cache"]["ok"] is False


def test_broker_down_is_degraded(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    status, body = health()
    assert (status, body["data"]["status"]) == (200, "degraded")
    assert body["data"]["checks"]["broker"]["ok"] is False


def test_a_stale_collection_is_degraded(settings):
    settings.CELERY_BROKER_URL = "filesystem://"
    CollectionRunFactory(kind="costs", finished_at=timezone.now() - dt.timedelta(days=3))
    status, body = health()
    assert (status, body["data"]["status"]) == (200, "degraded")
    assert body["data"]["checks"]["collections"]["costs"]["stale"] is True


def test_database_down_is_503_with_the_checks(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(type(connections["default"]), "cursor", refuse)
    status, body = health()
    assert status == 503
    assert body["error"]["code"] == "DATABASE_UNAVAILABLE"
    assert body["error"]["details"]["database"] == {"ok": False, "error": "OperationalError"}


@pytest.mark.parametrize("source", ["demo", "aws"])
def test_health_says_where_the_data_came_from(settings, source):
    settings.CELERY_BROKER_URL = "filesystem://"
    CollectionRunFactory(kind="costs", source=source)
    status, body = health()
    assert (status, body["data"]["checks"]["data_source"]) == (200, source)


def test_data_source_is_null_before_any_collection(settings):
    settings.CELERY_BROKER_URL = "filesystem://"
    assert health()[1]["data"]["checks"]["data_source"] is None
