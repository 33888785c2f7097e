"""The MetricData snapshot that a finished collection writes for /metrics to serve from any process."""

from datetime import datetime


def write_metric_snapshot(*, kind: str, now: datetime | None = None) -> int:
    """Replace the snapshot values that a collection of `kind` feeds; return how many values were written."""
    return 0
