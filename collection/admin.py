"""Admin for the cost history; collected data is read-only because the next collection would overwrite edits."""

from django.contrib import admin

from .models import (
    AwsAccount,
    CollectionRun,
    CostData,
    CostForecast,
    MetricData,
    OptimizationRecommendation,
    TagCost,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never edited by hand: the data comes from AWS."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AwsAccount)
class AwsAccountAdmin(ReadOnlyAdmin):
    list_display = ["account_id", "name", "email", "status", "is_payer", "last_seen"]
    list_filter = ["status", "is_payer"]
    search_fields = ["account_id", "name", "email"]


@admin.register(CostData)
class CostDataAdmin(ReadOnlyAdmin):
    list_display = ["date", "account", "service", "region", "unblended_cost", "amortized_cost", "currency", "estimated"]
    list_filter = ["estimated", "currency", "service"]
    search_fields = ["account__account_id", "account__name", "service", "region"]
    date_hierarchy = "date"
    list_select_related = ["account"]


@admin.register(CostForecast)
class CostForecastAdmin(ReadOnlyAdmin):
    list_display = [
        "scope",
        "period_start",
        "period_end",
        "mean",
        "lower_bound",
        "upper_bound",
        "currency",
        "generated_at",
    ]
    list_filter = ["granularity", "metric"]
    search_fields = ["scope"]
    date_hierarchy = "period_start"


@admin.register(TagCost)
class TagCostAdmin(ReadOnlyAdmin):
    list_display = ["date", "tag_key", "tag_value", "service", "amount", "currency", "estimated"]
    list_filter = ["tag_key", "estimated"]
    search_fields = ["tag_key", "tag_value", "service"]
    date_hierarchy = "date"


@admin.register(OptimizationRecommendation)
class OptimizationRecommendationAdmin(ReadOnlyAdmin):
    list_display = ["type", "category", "account", "resource_id", "estimated_monthly_savings", "currency", "active"]
    list_filter = ["type", "category", "active"]
    search_fields = ["resource_id", "account__account_id", "account__name"]
    date_hierarchy = "last_seen"


@admin.register(MetricData)
class MetricDataAdmin(ReadOnlyAdmin):
    list_display = ["name", "labels", "value", "timestamp"]
    list_filter = ["name"]
    search_fields = ["name"]
    date_hierarchy = "timestamp"


@admin.register(CollectionRun)
class CollectionRunAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at",
        "kind",
        "trigger",
        "status",
        "source",
        "rows_written",
        "ce_requests",
        "ce_cost_usd",
        "error_code",
    ]
    list_filter = ["kind", "status", "trigger", "source"]
    search_fields = ["error_code", "error_message", "task_id"]
    date_hierarchy = "started_at"
