"""Admin for the cost history; collected data is read-only because the next collection would overwrite edits."""

from collections.abc import Callable
from decimal import Decimal

from django.contrib import admin, messages
from django.db.models import DecimalField, Model, QuerySet
from django.utils import timezone
from django_celery_beat.admin import PeriodicTaskAdmin, PeriodicTaskForm
from django_celery_beat.models import PeriodicTask

from . import services
from .models import (
    MONEY,
    AwsAccount,
    CategoryCost,
    ChargeTypeCost,
    CollectionRun,
    Commitment,
    CommitmentRatio,
    CostData,
    CostForecast,
    ExportIngestion,
    MetricData,
    OptimizationRecommendation,
    Reconciliation,
    ResourceCost,
    SpendConfirmation,
    TagCost,
)
from .selectors import latest_run_by_kind
from .task_arguments import periodic_kwargs_error
from .task_names import COLLECT_TASK, periodic_task_kind

# The admin's own header and titles; templates/admin/base_site.html adds the demo banner under the header.
admin.site.site_header = "costmonitor"
admin.site.site_title = "costmonitor admin"
admin.site.index_title = "Cost history, schedules and collection runs"


def money_column(model: type[Model], name: str) -> Callable[[Model], str | None]:
    """A list column showing money field `name` to the cent (1,234.57); the detail page keeps all 10 decimals."""
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(obj: Model) -> str | None:
        value: Decimal | None = getattr(obj, name)
        return None if value is None else f"{value:,.2f}"

    column.__name__ = name
    return column


def _is_money(model: type[Model], name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except Exception:  # a method or an admin callable: not a model field
        return False
    return isinstance(field, DecimalField) and field.decimal_places == MONEY["decimal_places"]


class MoneyListAdmin(admin.ModelAdmin):
    """Money fields of `list_display` shown to two decimals in the list."""

    def get_list_display(self, request):
        return [
            money_column(self.model, name) if isinstance(name, str) and _is_money(self.model, name) else name
            for name in super().get_list_display(request)
        ]


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
class CostDataAdmin(MoneyListAdmin, ReadOnlyAdmin):
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
class ChargeTypeCostAdmin(MoneyListAdmin, ReadOnlyAdmin):
    list_display = ["date", "account", "charge_type", "unblended_cost", "net_unblended_cost", "currency", "estimated"]
    list_filter = ["charge_type", "estimated", "currency"]
    search_fields = ["account__account_id", "account__name", "charge_type"]
    date_hierarchy = "date"
    list_select_related = ["account"]


@admin.register(CostForecast)
class CostForecastAdmin(MoneyListAdmin, ReadOnlyAdmin):
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
class TagCostAdmin(MoneyListAdmin, ReadOnlyAdmin):
    list_display = ["date", "tag_key", "tag_value", "service", "amount", "currency", "estimated"]
    list_filter = ["tag_key", "estimated"]
    search_fields = ["tag_key", "tag_value", "service"]
    date_hierarchy = "date"


@admin.register(CategoryCost)
class CategoryCostAdmin(MoneyListAdmin, ReadOnlyAdmin):
    list_display = ["date", "category", "value", "uncategorized", "amount", "currency", "estimated"]
    list_filter = ["category", "uncategorized", "estimated"]
    search_fields = ["category", "value"]
    date_hierarchy = "date"


@admin.register(ResourceCost)
class ResourceCostAdmin(MoneyListAdmin, ReadOnlyAdmin):
    list_display = ["date", "service", "account", "resource_id", "amount", "currency", "estimated"]
    list_filter = ["estimated", "currency"]
    search_fields = ["resource_id", "service", "account__account_id"]
    date_hierarchy = "date"


@admin.register(OptimizationRecommendation)
class OptimizationRecommendationAdmin(MoneyListAdmin, ReadOnlyAdmin):
    list_display = ["type", "category", "account", "resource_id", "estimated_monthly_savings", "currency", "active"]
    list_filter = ["type", "category", "active"]
    search_fields = ["resource_id", "account__account_id", "account__name"]
    date_hierarchy = "last_seen"


@admin.register(Reconciliation)
class ReconciliationAdmin(MoneyListAdmin, ReadOnlyAdmin):
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


@admin.register(SpendConfirmation)
class SpendConfirmationAdmin(ReadOnlyAdmin):
    """Given by `manage.py confirm_first_run`, which prints the estimate first; deleting it pauses the schedules'
    Cost Explorer collections again on an installation reading AWS."""

    list_display = ["confirmed_at", "confirmed_by", "estimated_requests"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("collection.delete_spendconfirmation")


@admin.register(ExportIngestion)
class ExportIngestionAdmin(ReadOnlyAdmin):
    list_display = [
        "billing_period",
        "kind",
        "export_format",
        "engine",
        "file_count",
        "line_items",
        "rows_written",
        "final",
        "invoice_ids",
        "manifest_id",
        "ingested_at",
        "run",
    ]
    list_filter = ["kind", "final", "export_format", "engine"]
    search_fields = ["manifest_id", "manifest_key"]
    date_hierarchy = "billing_period"


class ExportIngestionInline(admin.TabularInline):
    """The Data Exports billing periods a run ingested, on the run's page."""

    model = ExportIngestion
    fields = ["billing_period", "manifest_id", "file_count", "line_items", "rows_written", "final", "invoice_ids"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CollectionRun)
class CollectionRunAdmin(RunNowMixin, ReadOnlyAdmin):
    inlines = [ExportIngestionInline]
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


class CollectionPeriodicTaskForm(PeriodicTaskForm):
    """django-celery-beat's form with the task's name selected in "Task (registered)" when it is registered, and a
    collection's keyword arguments checked as the task reads them (`end` the last day, included)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        regtask = self.fields["regtask"]
        if self.instance.task in dict(regtask.widget.choices):
            regtask.initial = self.instance.task

    def clean(self):
        """A collection's keyword arguments that would fail the task when beat sends it are refused now."""
        data = super().clean()
        if data.get("task") == COLLECT_TASK and "kwargs" in data and (error := periodic_kwargs_error(data["kwargs"])):
            self.add_error("kwargs", error)
        return data


@admin.register(PeriodicTask)
class CollectionPeriodicTaskAdmin(RunNowMixin, PeriodicTaskAdmin):
    form = CollectionPeriodicTaskForm
    actions = [*PeriodicTaskAdmin.actions, "run_collection_now"]
    # django-celery-beat's form runs an inline script, which the Content-Security-Policy refuses: ours loads it.
    change_form_template = "admin/collection/periodictask_change_form.html"

    def get_list_display(self, request):
        latest = latest_run_by_kind()  # one query for the whole list, read per request

        @admin.display(description="last collection")
        def last_collection(task: PeriodicTask) -> str | None:
            """The latest run of the kind this task collects, from the run history (whoever started it): beat's
            `last_run_at` says when it last sent this task, this says what came of it."""
            run = latest.get(periodic_task_kind(task=task.task, kwargs=task.kwargs))
            return None if run is None else f"{timezone.localtime(run.started_at):%Y-%m-%d %H:%M}, {run.status}"

        return [*super().get_list_display(request), last_collection]

    @admin.action(description="Run now: queue the selected collections", permissions=["run"])
    def run_collection_now(self, request, queryset: QuerySet[PeriodicTask]) -> None:
        kinds = {task.name: periodic_task_kind(task=task.task, kwargs=task.kwargs) for task in queryset}
        others = [name for name, kind in kinds.items() if kind is None]
        if others:
            self.message_user(
                request, f"Not collections, skipped: {', '.join(others)} (see 'Run selected tasks')", messages.WARNING
            )
        self.run_now(request, [kind for kind in kinds.values() if kind is not None])


def percent_column(name: str, description: str) -> Callable[[Model], str | None]:
    """A list column showing ratio field `name` (0 to 1) as a percentage to one decimal (87.5 %)."""

    @admin.display(description=description, ordering=name)
    def column(obj: Model) -> str | None:
        value: Decimal | None = getattr(obj, name)
        return None if value is None else f"{value * 100:.1f} %"

    column.__name__ = name
    return column


@admin.register(CommitmentRatio)
class CommitmentRatioAdmin(ReadOnlyAdmin):
    list_display = ["date", "commitment_type", "measure", "account_id", percent_column("ratio", "ratio")]
    list_filter = ["commitment_type", "measure"]
    search_fields = ["account_id"]
    date_hierarchy = "date"


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = [
        "commitment_type",
        "commitment_id",
        "account_id",
        "description",
        "ends_at",
        percent_column("utilization", "utilization"),
        "active",
    ]
    list_filter = ["commitment_type", "active"]
    search_fields = ["commitment_id", "account_id", "description"]
    date_hierarchy = "ends_at"


from . import budget_admin  # noqa: E402, F401  (registers the budgets' and anomalies' admin)
