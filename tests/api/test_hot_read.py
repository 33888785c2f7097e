"""api.hot_read: a cached answer costs one Redis round trip; other caches and a Redis outage still answer."""

import datetime as dt

import pytest
import redis
from django.core.cache import cache
from django_redis.client import DefaultClient
from rest_framework.test import APIClient

from collection.cache_versions import bump_dataset_versions
from tests.factories import CostDataFactory

pytestmark = pytest.mark.django_db

URL = "/api/costs?start=2025-10-01&end=2025-10-31&group_by=service"


@pytest.fixture
def cost():
    return CostDataFactory(date=dt.date(2025, 10, 3))


@pytest.fixture
def redis_commands(monkeypatch):
    """The names of the commands every redis-py client sends, in order (one per round trip: no pipelines)."""
    if not isinstance(getattr(cache, "client", None), DefaultClient):
        pytest.skip("the cache is not django-redis (REDIS_URL is not set)")
    sent = []
    execute = redis.Redis.execute_command

    def recording(self, *args, **options):
        sent.append(args[0])
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", recording)
    return sent


@pytest.fixture
def file_cache(settings, tmp_path):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    }


def test_a_cached_answer_is_one_redis_round_trip(api_client, cost, redis_commands, django_assert_num_queries):
    assert api_client.get(URL).json()["metadata"]["cached"] is False
    api_client.get(URL)  # the token's user is cached now
    redis_commands.clear()
    with django_assert_num_queries(0):
        body = api_client.get(URL).json()
    assert redis_commands == ["EVALSHA"]
    assert (body["metadata"]["cached"], body["data"]["total"]) == (True, "12.3400000000")
    assert body["metadata"]["cache_age"] > 0


def test_the_round_trip_counts_requests_with_those_the_throttle_counted(
    api_client, cost, settings, redis_commands, minute_start
):
    settings.API_THROTTLE_RATE = "3/min"
    settings.API_UNCACHED_REQUEST_COST = 1  # every request counts one, cached or not
    # The first request is counted by the throttle (its token's user is not cached yet), the others in the round trip.
    statuses = [api_client.get(URL).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert redis_commands.count("EVALSHA") == 4


def test_an_unknown_token_is_refused_and_never_counted_for_a_user(cost, redis_commands):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get(URL).json()["error"]["code"] == "AUTHENTICATION_FAILED"
    assert cache.keys("*throttle_user*") == []
    assert len(cache.keys("*throttle_authfail_*")) == 1  # counted as a failure of the client's address


def test_a_bad_parameter_is_still_a_400_naming_it(api_client, redis_commands):
    body = api_client.get("/api/costs?group_by=colour").json()
    assert (body["error"]["code"], body["error"]["details"][0]["field"]) == ("VALIDATION_ERROR", "group_by")


def test_a_collection_invalidates_what_the_round_trip_reads(api_client, cost, redis_commands):
    api_client.get(URL)
    api_client.get(URL)
    CostDataFactory(date=dt.date(2025, 10, 4), account=cost.account)
    bump_dataset_versions(datasets=["costs"])
    body = api_client.get(URL).json()
    assert (body["metadata"]["cached"], body["data"]["total"]) == (False, "24.6800000000")


def test_redis_down_is_tried_once_per_request_and_counted(
    api_client, cost, settings, redis_commands, unreachable_redis, cache_errors
):
    settings.CACHES = {"default": unreachable_redis}
    before = {op: cache_errors(op) for op in ("auth", "throttle", "version")}
    redis_commands.clear()
    body = api_client.get(URL).json()
    assert (body["metadata"]["cached"], body["data"]["total"]) == (False, "12.3400000000")
    assert redis_commands == ["EVALSHA"]  # auth, throttle and the read answer without asking again
    assert {op: cache_errors(op) - before[op] for op in before} == {"auth": 1, "throttle": 1, "version": 1}


def test_the_file_cache_answers_cached_and_throttles(api_client, cost, settings, file_cache, minute_start):
    settings.API_THROTTLE_RATE = "3/min"
    settings.API_UNCACHED_REQUEST_COST = 1  # every request counts one, cached or not
    bodies = [api_client.get(URL).json() for _ in range(4)]
    assert [b["metadata"]["cached"] for b in bodies[:3]] == [False, True, True]
    assert bodies[1]["metadata"]["cache_age"] > 0
    assert bodies[3]["error"]["code"] == "THROTTLED"


def test_the_file_cache_refuses_a_deleted_token(
    api_client, api_user, cost, file_cache, django_capture_on_commit_callbacks
):
    assert api_client.get(URL).status_code == 200
    assert api_client.get(URL).json()["metadata"]["cached"] is True
    with django_capture_on_commit_callbacks(execute=True):
        api_user.api_tokens.all().delete()
    assert api_client.get(URL).status_code == 401
