"""The MetricData snapshot that a finished collection writes for /metrics to serve from any process."""

from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from collection.cache_versions import bump_dataset_versions, dataset_version
from collection.models import MetricData
from collection.selectors.gauges import GAUGES_BY_KIND
from collection.selectors.metrics import snapshot_cache_key

BATCH_SIZE = 5000


def write_metric_snapshot(*, kind: str, now: datetime | None = None) -> int:
    """Replace the snapshot values that a collection of `kind` feeds; return how many values were written.

    The old values of the kind are deleted and the new ones inserted in one transaction, so a scrape
    sees either snapshot, never a mix; the metrics cache version moves on once the data is committed.
    """
    if kind not in GAUGES_BY_KIND:
        raise ValueError(f"unknown collection kind {kind!r}")
    names, compute = GAUGES_BY_KIND[kind]
    if compute is None:
        return 0
    now = now or timezone.now()
    rows = [
        MetricData(name=name, labels=labels, value=value, timestamp=now)
        for name, labels, value in compute(today=now.date())
    ]
    with transaction.atomic():
        MetricData.objects.filter(name__in=names).delete()
        MetricData.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        transaction.on_commit(_publish)
    return len(rows)


def _publish() -> None:
    """Serve the new snapshot from the next scrape on, and free the rendering of the old one."""
    previous = dataset_version(dataset="metrics")
    bump_dataset_versions(datasets=["metrics"])
    cache.delete(snapshot_cache_key(version=previous))
