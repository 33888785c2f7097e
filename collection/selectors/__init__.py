"""Read-side functions over the cost history; views, /metrics and services read through these."""

from .accounts import account_queryset
from .costs import (
    CHARGE_TYPE_GROUPS,
    GRANULARITIES,
    GROUP_FIELDS,
    METRIC_FIELDS,
    cost_breakdown,
    cost_breakdown_page,
    cost_coverage,
    cost_queryset,
    cost_totals,
)
from .forecasts import MonthProjection, latest_forecasts, month_projections
from .metrics import metric_snapshot, snapshot_cache_key
from .optimization import counted_recommendations, recommendation_queryset, savings_by_type
from .resources import (
    RESOURCE_GRANULARITIES,
    costliest_resources,
    resource_cost_queryset,
    resource_costs,
    resource_coverage,
)
from .run_health import collection_health
from .runs import (
    ce_spend,
    ce_spend_this_month,
    current_data_source,
    last_success_by_kind,
    latest_data_source,
    latest_run_by_kind,
    run_queryset,
)
from .scope import Scope
from .tags import UNTAGGED, tag_cost_breakdown, tag_cost_queryset, tag_coverage, untagged_share

__all__ = [
    "CHARGE_TYPE_GROUPS",
    "GRANULARITIES",
    "GROUP_FIELDS",
    "METRIC_FIELDS",
    "RESOURCE_GRANULARITIES",
    "UNTAGGED",
    "MonthProjection",
    "Scope",
    "account_queryset",
    "ce_spend",
    "ce_spend_this_month",
    "collection_health",
    "cost_breakdown",
    "cost_breakdown_page",
    "cost_coverage",
    "cost_queryset",
    "cost_totals",
    "costliest_resources",
    "counted_recommendations",
    "current_data_source",
    "last_success_by_kind",
    "latest_data_source",
    "latest_forecasts",
    "latest_run_by_kind",
    "metric_snapshot",
    "month_projections",
    "recommendation_queryset",
    "resource_cost_queryset",
    "resource_costs",
    "resource_coverage",
    "run_queryset",
    "savings_by_type",
    "snapshot_cache_key",
    "tag_cost_breakdown",
    "tag_cost_queryset",
    "tag_coverage",
    "untagged_share",
]
