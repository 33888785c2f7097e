"""Admin for the cost history; collected data is read-only because the next collection would overwrite edits."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from . import services
from .models import (
    AwsAccount,
    ChargeTypeCost,
    CollectionRun,
    CostData,
    CostForecast,
    MetricData,
    OptimizationRecommendation,
    Reconciliation,
    TagCost,
)
from .task_names import periodic_task_kind


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never edited by hand: the data comes from AWS."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RunNowMixin:
    """The "run now" admin action: queue collections for a worker, recorded with trigger `admin`."""

    def has_run_permission(self, request) -> bool:
        # Each collection spends Cost Explorer requests, so it takes the right to create runs, not just to view.
        return request.user.has_perm("collection.add_collectionrun")

    def run_now(self, request, kinds: list[str]) -> None:
        for kind in dict.fromkeys(kinds):
            queued = services.queue_collection(kind=kind, trigger=CollectionRun.Trigger.ADMIN)
            run = queued.run
            if not queued.created:
                self.message_user(
                    request, f"{kind}: run {run.pk} is already {run.status}; not queued again", messages.WARNING
                )
                continue
            level = messages.ERROR if run.status == CollectionRun.Status.FAILED else messages.SUCCESS
            self.message_user(request, f"{kind}: run {run.pk} {run.status}", level)


@admin.register(AwsAccount)
class AwsAccountAdmin(ReadOnlyAdmin):
    list_display = ["account_id", "name", "email", "status", "is_payer", "last_seen"]
    list_filter = ["status", "is_payer"]
    search_fields = ["account_id", "name", "email"]


@admin.register(CostData)
class CostDataAdmin(ReadOnlyAdmin):
    list_display = [
        "date",
        "account",
        "service",
        "region",
        "unblended_cost",
        "amortized_cost",
        "net_unblended_cost",
        "currency",
        "estimated",
    ]
    list_filter = ["estimated", "currency", "service"]
    search_fields = ["account__account_id", "account__name", "service", "region"]
    date_hierarchy = "date"
    list_select_related = ["account"]


@admin.register(ChargeTypeCost)
class ChargeTypeCostAdmin(ReadOnlyAdmin):
    list_display = ["date", "account", "charge_type", "unblended_cost", "net_unblended_cost", "currency", "estimated"]
    list_filter = ["charge_type", "estimated", "currency"]
    search_fields = ["account__account_id", "account__name", "charge_type"]
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


@admin.register(Reconciliation)
class ReconciliationAdmin(ReadOnlyAdmin):
    list_display = [
        "period_start",
        "period_end",
        "account_id",
        "metric",
        "stored",
        "reported",
        "difference",
        "currency",
    ]
    list_filter = ["metric", "currency"]
    search_fields = ["account_id"]
    date_hierarchy = "period_start"


@admin.register(MetricData)
class MetricDataAdmin(ReadOnlyAdmin):
    list_display = ["name", "labels", "value", "timestamp"]
    list_filter = ["name"]
    search_fields = ["name"]
    date_hierarchy = "timestamp"


@admin.register(CollectionRun)
class CollectionRunAdmin(RunNowMixin, ReadOnlyAdmin):
    list_display = [
        "started_at",
        "kind",
        "trigger",
        "status",
        "source",
        "rows_written",
        "skipped_entries",
        "ce_requests",
        "ce_cost_usd",
        "error_code",
    ]
    list_filter = ["kind", "status", "trigger", "source"]
    search_fields = ["error_code", "error_message", "task_id"]
    date_hierarchy = "started_at"
    actions = ["run_again"]

    @admin.action(description="Run now: collect the selected runs' kinds again", permissions=["run"])
    def run_again(self, request, queryset: QuerySet[CollectionRun]) -> None:
        self.run_now(request, list(queryset.values_list("kind", flat=True)))


# django-celery-beat's admin with a "run now" that records its run like any other collection.
admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class CollectionPeriodicTaskAdmin(RunNowMixin, PeriodicTaskAdmin):
    actions = [*PeriodicTaskAdmin.actions, "run_collection_now"]
    # django-celery-beat's form runs an inline script, which the Content-Security-Policy refuses: ours loads it.
    change_form_template = "admin/collection/periodictask_change_form.html"

    @admin.action(description="Run now: queue the selected collections", permissions=["run"])
    def run_collection_now(self, request, queryset: QuerySet[PeriodicTask]) -> None:
        kinds = {task.name: periodic_task_kind(task=task.task, kwargs=task.kwargs) for task in queryset}
        others = [name for name, kind in kinds.items() if kind is None]
        if others:
            self.message_user(
                request, f"Not collections, skipped: {', '.join(others)} (see 'Run selected tasks')", messages.WARNING
            )
        self.run_now(request, [kind for kind in kinds.values() if kind is not None])
