"""The MetricData snapshot that a finished collection writes for /metrics to serve from any process."""

import logging
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from collection.cache_versions import bump_dataset_versions, dataset_version
from collection.kinds import Dataset, kind_spec
from collection.models import MetricData
from collection.selectors.metrics import snapshot_cache_key
from collection.signals import metric_snapshot_published

BATCH_SIZE = 5000
logger = logging.getLogger(__name__)


def write_metric_snapshot(*, kind: str, now: datetime | None = None) -> int:
    """Replace the snapshot values that a collection of `kind` feeds; return how many values were written.

    The old values of the kind are deleted and the new ones inserted in one transaction, so a scrape
    sees either snapshot, never a mix; the metrics cache version moves on once the data is committed.
    """
    spec = kind_spec(kind)
    if not spec.gauge_names:
        return 0
    now = now or timezone.now()
    rows = [
        MetricData(name=name, labels=labels, value=value, timestamp=now)
        for name, labels, value in spec.gauge_values(today=now.date())
    ]
    with transaction.atomic():
        MetricData.objects.filter(name__in=spec.gauge_names).delete()
        MetricData.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        transaction.on_commit(_publish)
    return len(rows)


def _publish() -> None:
    """Serve the new snapshot from the next scrape on, and free the rendering of the old one.

    Receivers of `metric_snapshot_published` (api.metrics) render the new snapshot here, in the
    collecting process, so that no scrape has to render it from the database.
    """
    previous = dataset_version(dataset=Dataset.METRICS)
    bump_dataset_versions(datasets=[Dataset.METRICS])
    cache.delete_many([snapshot_cache_key(version=previous, masked=masked) for masked in (False, True)])
    published = metric_snapshot_published.send_robust(
        sender=MetricData, version=dataset_version(dataset=Dataset.METRICS)
    )
    for receiver, result in published:
        if isinstance(result, Exception):  # the data is committed; the next scrape renders it instead
            logger.warning("rendering the new metric snapshot failed in %s: %s", receiver.__qualname__, result)
