"""Reads behind a /metrics scrape: the whole MetricData snapshot in one query."""

from collections.abc import Iterator
from decimal import Decimal

from collection.models import MetricData

SNAPSHOT_CACHE_PREFIX = "metrics:snapshot"


def snapshot_cache_key(*, version: int) -> str:
    """Where the rendering of snapshot `version` (the metrics dataset version) is cached."""
    return f"{SNAPSHOT_CACHE_PREFIX}:v{version}"


def metric_snapshot() -> Iterator[tuple[str, dict, Decimal]]:
    """Every snapshot value as (name, labels, value), grouped by name, from one streamed query."""
    rows = MetricData.objects.order_by("name", "id").values_list("name", "labels", "value")
    yield from rows.iterator(chunk_size=10_000)
