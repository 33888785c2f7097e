"""Signals of the collection domain, so outer layers react to a collection without it importing them."""

from django.dispatch import Signal

# Sent (version=…) once a new MetricData snapshot is committed and its cache version moved on;
# api.metrics renders the snapshot's exposition text for that version right then.
metric_snapshot_published = Signal()
