"""Cached reads: truthful metadata, invalidation by a finished collection, and answers without Redis."""

import datetime as dt

import pytest

from collection.cache_versions import bump_dataset_versions
from costmonitor.cache_keys import SHARED_SCOPE, entry_key
from tests.factories import CostDataFactory

pytestmark = pytest.mark.django_db

URL = "/api/costs?start=2025-10-01&end=2025-10-31"


@pytest.fixture
def cost():
    return CostDataFactory(date=dt.date(2025, 10, 3))


def test_a_repeated_request_is_cached_with_a_positive_age(api_client, cost):
    first = api_client.get(URL).json()
    second = api_client.get(URL).json()
    assert (first["metadata"]["cached"], first["metadata"]["cache_age"]) == (False, None)
    assert second["metadata"]["cached"] is True
    assert second["metadata"]["cache_age"] > 0
    assert second["data"] == first["data"]


def test_different_queries_never_share_an_entry(api_client, cost):
    api_client.get(URL)
    other = api_client.get(URL + "&group_by=service").json()
    assert other["metadata"]["cached"] is False
    assert other["data"]["rows"][0]["service"] == cost.service
    assert api_client.get(URL + "&page_size=100").json()["metadata"]["cached"] is True  # the default, normalized


def test_a_finished_collection_makes_the_next_read_fresh(api_client, cost):
    api_client.get(URL)
    CostDataFactory(date=dt.date(2025, 10, 4), account=cost.account)
    assert api_client.get(URL).json()["data"]["total"] == "12.3400000000"  # still the cached answer
    bump_dataset_versions(datasets=["costs"])  # what a finished cost collection does
    fresh = api_client.get(URL).json()
    assert fresh["metadata"]["cached"] is False
    assert fresh["data"]["total"] == "24.6800000000"


def test_another_datasets_collection_keeps_the_cache(api_client, cost):
    api_client.get(URL)
    bump_dataset_versions(datasets=["tags"])
    assert api_client.get(URL).json()["metadata"]["cached"] is True


def test_ttl_comes_from_settings(api_client, cost, settings):
    settings.API_CACHE_TTLS = {**settings.API_CACHE_TTLS, "costs": -1}  # expires at once
    api_client.get(URL)
    assert api_client.get(URL).json()["metadata"]["cached"] is False


def test_redis_unreachable_answers_from_the_database_and_counts(
    api_client, cost, settings, caplog, unreachable_redis, cache_errors
):
    settings.CACHES = {"default": unreachable_redis}
    before = cache_errors("version")
    for _ in range(2):
        response = api_client.get(URL)
        assert response.status_code == 200
        body = response.json()
        assert (body["metadata"]["cached"], body["data"]["total"]) == (False, "12.3400000000")
    assert cache_errors("version") == before + 2
    assert "answering from the database" in caplog.text


def test_cache_errors_raised_by_the_backend_are_counted_too(
    api_client, cost, settings, unreachable_redis, cache_errors
):
    settings.CACHES = {"default": {**unreachable_redis, "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2}}}
    before = cache_errors("version")
    assert api_client.get("/api/forecast").json()["metadata"]["cached"] is False
    assert cache_errors("version") == before + 1


def test_an_entry_key_names_who_may_read_it():
    def key(**scope) -> str:
        return entry_key(prefix="cost", parts=(None, "2025-10-01..2025-10-31"), query={"a": 1}, masked=False, **scope)

    assert key().startswith(f"aws:cost:all:2025-10-01..2025-10-31:{SHARED_SCOPE}:")
    assert key(scope="user-7").startswith("aws:cost:all:2025-10-01..2025-10-31:user-7:")
    assert key(scope="user-7").rsplit(":", 1)[1] == key().rsplit(":", 1)[1]  # the same query, another reader
