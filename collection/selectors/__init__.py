"""Read-side functions over the cost history; views, /metrics and services read through these."""

from .costs import GRANULARITIES, GROUP_FIELDS, METRIC_FIELDS, cost_breakdown, cost_queryset, cost_total
from .gauges import GAUGES_BY_KIND
from .metrics import metric_snapshot, snapshot_cache_key
from .run_health import collection_health
from .runs import ce_spend, ce_spend_this_month, last_success_by_kind, month_start

__all__ = [
    "GAUGES_BY_KIND",
    "GRANULARITIES",
    "GROUP_FIELDS",
    "METRIC_FIELDS",
    "ce_spend",
    "ce_spend_this_month",
    "collection_health",
    "cost_breakdown",
    "cost_queryset",
    "cost_total",
    "last_success_by_kind",
    "metric_snapshot",
    "month_start",
    "snapshot_cache_key",
]
