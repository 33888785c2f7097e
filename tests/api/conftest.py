"""Fixtures of the API tests: a Redis that cannot be reached, and the cache error counter."""

import pytest
from prometheus_client import REGISTRY


@pytest.fixture
def unreachable_redis() -> dict:
    """A django-redis cache on a port nothing listens on, as settings configure it (failures ignored)."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }


@pytest.fixture
def cache_errors():
    """`cache_errors(operation)`: how many failed cache operations of that kind the API has counted so far."""

    def count(operation: str) -> float:
        return REGISTRY.get_sample_value("costmonitor_cache_errors_total", {"operation": operation}) or 0.0

    return count
