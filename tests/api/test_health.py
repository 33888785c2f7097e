"""/health: healthy, degraded (and why), and 503 without a database; /health/live and /health/ready."""

import datetime as dt

import pytest
from django.db import OperationalError, connections
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import CollectionRunFactory

pytestmark = pytest.mark.django_db


def health(path: str = "/health") -> tuple[int, dict]:
    response = APIClient().get(path)
    return response.status_code, response.json()


@pytest.fixture
def database_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(type(connections["default"]), "cursor", refuse)


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


def test_database_down_is_503_with_the_checks(database_down):
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


def test_health_says_which_checks_each_probe_makes(settings):
    settings.CELERY_BROKER_URL = "filesystem://"
    status, body = health()
    assert status == 200
    assert body["data"]["ready"] is True
    assert body["data"]["probes"] == {
        "liveness": {"path": "/health/live", "checks": []},
        "readiness": {"path": "/health/ready", "checks": ["database", "broker"]},
    }


def test_broker_down_is_not_ready_though_health_only_degrades(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert health()[1]["data"]["ready"] is False
    status, body = health("/health/ready")
    assert status == 503
    assert body["error"]["code"] == "NOT_READY"
    assert body["error"]["details"]["database"] == {"ok": True}
    assert body["error"]["details"]["broker"]["ok"] is False


def test_ready_when_database_and_broker_answer(settings):
    settings.CELERY_BROKER_URL = "filesystem://"
    status, body = health("/health/ready")
    assert status == 200
    assert body["data"] == {
        "status": "ready",
        "checks": {"database": {"ok": True}, "broker": {"ok": True, "transport": "filesystem"}},
    }


def test_database_down_is_not_ready_but_still_alive(settings, database_down):
    settings.CELERY_BROKER_URL = "filesystem://"
    status, body = health("/health/ready")
    assert (status, body["error"]["code"]) == (503, "NOT_READY")
    assert body["error"]["details"]["database"] == {"ok": False, "error": "OperationalError"}
    status, body = health("/health/live")
    assert (status, body["status"], body["data"]) == (200, "success", {"status": "alive"})
