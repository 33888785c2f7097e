"""The /metrics body: this process's (or all workers') live metrics plus the cached persisted ones."""

import os
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from collection.cache_versions import dataset_version
from collection.selectors import snapshot_cache_key

from .collectors import HealthCollector
from .snapshot_text import render_snapshot

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


def _cached(key: str, render: Callable[[], bytes], timeout: int) -> bytes:
    text = cache.get(key)
    if text is None:
        text = render()
        cache.set(key, text, timeout)
    return text


def cache_snapshot(*, version: int, **kwargs) -> None:
    """Receiver of `metric_snapshot_published`: render snapshot `version` once, in the collecting process."""
    cache.set(
        snapshot_cache_key(version=version, masked=settings.MASK_ACCOUNT_IDS), render_snapshot(), settings.CACHE_TTL
    )


def render_metrics() -> bytes:
    """The exposition text; the snapshot's rendering is cached until the next collection replaces it."""
    snapshot = _cached(
        snapshot_cache_key(version=dataset_version(dataset="metrics"), masked=settings.MASK_ACCOUNT_IDS),
        render_snapshot,
        settings.CACHE_TTL,
    )
    health = _cached(
        f"metrics:health:v{dataset_version(dataset='runs')}",
        lambda: generate_latest(HealthCollector()),
        HEALTH_CACHE_SECONDS,
    )
    return generate_latest(live_registry()) + snapshot + health
