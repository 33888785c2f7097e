"""A bounded cache (issue 14, probe 2): a largest entry, versions that survive eviction, and the warning when the
cache and the Celery broker share one Redis."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.cache import cache
from prometheus_client import REGISTRY

from collection.cache_versions import bump_dataset_versions
from collection.models import CostData
from costmonitor.cache_keys import version_key
from costmonitor.checks import check_separate_redis
from tests.processes import ROOT

pytestmark = pytest.mark.django_db


def oversize(dataset: str) -> float:
    return REGISTRY.get_sample_value("costmonitor_cache_oversize_total", {"dataset": dataset}) or 0.0


def costs_url(first: dt.date, **extra: str) -> str:
    query = {"start": first, "end": first + dt.timedelta(days=2), "granularity": "daily", **extra}
    return "/api/costs?" + "&".join(f"{name}={value}" for name, value in query.items())


def test_an_answer_bigger_than_the_largest_entry_is_served_but_not_cached(api_client, costs, settings):
    settings.API_CACHE_MAX_ENTRY_BYTES = 500
    before = oversize("costs")
    bodies = [api_client.get(costs_url(costs)).json() for _ in range(2)]
    assert [b["metadata"]["cached"] for b in bodies] == [False, False]
    assert bodies[0]["data"] == bodies[1]["data"]
    assert bodies[0]["data"]["total"] == "9.0000000000"
    assert oversize("costs") == before + 2
    # A smaller answer of the same dataset is still kept.
    small = costs_url(costs, granularity="monthly", page_size="1")
    assert [api_client.get(small).json()["metadata"]["cached"] for _ in range(2)] == [False, True]


def test_an_evicted_version_never_brings_an_older_entry_back(api_client, costs):
    """The cache Redis evicts (allkeys-lru): losing a dataset's version must not make any stale entry current."""
    daily, monthly = costs_url(costs), costs_url(costs, granularity="monthly")
    for url in (daily, monthly):  # both kept under the dataset's first version
        assert api_client.get(url).json()["data"]["total"] == "9.0000000000"
    CostData.objects.filter(date=costs).update(unblended_cost=10)
    bump_dataset_versions(datasets=["costs"])  # a collection finished
    cache.delete(version_key(dataset="costs"))  # then the version was evicted, the old entries were not
    for url in (daily, monthly):
        body = api_client.get(url).json()
        assert (body["metadata"]["cached"], body["data"]["total"]) == (False, "26.0000000000"), url


@pytest.mark.parametrize(
    ("cache_url", "broker_url", "debug", "warned"),
    [
        ("redis://redis:6379/0", "redis://redis:6379/1", False, True),  # two databases, one instance: one policy
        ("redis://redis:6379/0", "redis://redis:6379/0", False, True),
        ("redis://:secret@redis/0", "redis://redis:6379/3", False, True),
        ("redis://cache:6379/0", "redis://broker:6379/0", False, False),
        ("redis://redis:6379/0", "redis://redis:6380/0", False, False),
        ("redis://redis:6379/0", "redis://redis:6379/1", True, False),  # development
        ("", "filesystem://", False, False),
        ("redis://redis:6379/0", "filesystem://", False, False),
    ],
)
def test_a_cache_and_broker_sharing_one_redis_warn_in_production(settings, cache_url, broker_url, debug, warned):
    settings.REDIS_URL, settings.CELERY_BROKER_URL, settings.DEBUG = cache_url, broker_url, debug
    messages = check_separate_redis()
    assert [m.id for m in messages] == (["costmonitor.W020"] if warned else [])
    if warned:
        assert not messages[0].is_serious()
        assert "secret" not in messages[0].msg
        assert "noeviction" in messages[0].hint


def test_compose_runs_the_cache_and_the_broker_in_two_redis_with_opposite_policies():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    app = compose["services"]["web"]["environment"]
    cache_host, broker_host = (urlsplit(app[name]).hostname for name in ("REDIS_URL", "CELERY_BROKER_URL"))
    assert cache_host != broker_host
    cache_args, broker_args = (compose["services"][host]["command"] for host in (cache_host, broker_host))
    assert cache_args[cache_args.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert cache_args[cache_args.index("--maxmemory") + 1] == "${CACHE_MAXMEMORY:-256mb}"
    assert broker_args[broker_args.index("--maxmemory-policy") + 1] == "noeviction"
