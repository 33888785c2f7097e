"""Read-side functions over the cost history; views, /metrics and services read through these."""

from .costs import GRANULARITIES, GROUP_FIELDS, METRIC_FIELDS, cost_breakdown, cost_queryset, cost_total
from .runs import ce_spend, ce_spend_this_month, last_success_by_kind, month_start

__all__ = [
    "GRANULARITIES",
    "GROUP_FIELDS",
    "METRIC_FIELDS",
    "ce_spend",
    "ce_spend_this_month",
    "cost_breakdown",
    "cost_queryset",
    "cost_total",
    "last_success_by_kind",
    "month_start",
]
