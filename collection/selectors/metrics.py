"""Reads behind a /metrics scrape: the whole MetricData snapshot in one query."""

from collections.abc import Iterator

from django.db.models import FloatField
from django.db.models.functions import Cast

from collection.models import MetricData

SNAPSHOT_CACHE_PREFIX = "metrics:snapshot"


def snapshot_cache_key(*, version: int, masked: bool) -> str:
    """Where the rendering of snapshot `version` (the metrics dataset version) is cached.

    Masked and plain account ids are two renderings: a process never serves one rendered under the other setting.
    """
    return f"{SNAPSHOT_CACHE_PREFIX}:v{version}:{'masked' if masked else 'plain'}"


def metric_snapshot() -> Iterator[tuple[str, dict, float]]:
    """Every snapshot value as (name, labels, value), grouped by name, from one streamed query.

    Values come as floats, cast by the database: exposition needs floats, and 100,000 Decimals cost.
    """
    rows = MetricData.objects.order_by("name", "id").values_list("name", "labels", Cast("value", FloatField()))
    yield from rows.iterator(chunk_size=10_000)
