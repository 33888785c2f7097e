"""The /metrics body: this process's (or all workers') live metrics plus the cached persisted ones."""

import os

from django.conf import settings
from django.core.cache import cache
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector

from collection.cache_versions import dataset_version
from collection.selectors import snapshot_cache_key

from .collectors import HealthCollector, SnapshotCollector

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
# Health changes with every run, failed ones included; one database round per interval is plenty.
HEALTH_CACHE_SECONDS = 15


def live_registry() -> CollectorRegistry:
    """Request, database and cache metrics: of all gunicorn workers in multiprocess mode, else of this process.

    https://prometheus.github.io/client_python/multiprocess/ — such a registry holds only the
    MultiProcessCollector (django-prometheus' own view stops there), so the persisted collectors are
    rendered beside it here, in both modes.
    """
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _cached(key: str, collector: Collector, timeout: int) -> bytes:
    text = cache.get(key)
    if text is None:
        text = generate_latest(collector)
        cache.set(key, text, timeout)
    return text


def render_metrics() -> bytes:
    """The exposition text; the snapshot's rendering is cached until the next collection replaces it."""
    snapshot = _cached(
        snapshot_cache_key(version=dataset_version(dataset="metrics")), SnapshotCollector(), settings.CACHE_TTL
    )
    health = _cached(f"metrics:health:v{dataset_version(dataset='runs')}", HealthCollector(), HEALTH_CACHE_SECONDS)
    return generate_latest(live_registry()) + snapshot + health
