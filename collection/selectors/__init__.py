"""Read-side functions over the cost history; views, /metrics and services read through these."""

from .costs import GRANULARITIES, GROUP_FIELDS, METRIC_FIELDS, cost_breakdown, cost_queryset, cost_total

__all__ = ["GRANULARITIES", "GROUP_FIELDS", "METRIC_FIELDS", "cost_breakdown", "cost_queryset", "cost_total"]
