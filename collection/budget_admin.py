"""Admin of AWS budgets and cost anomalies: read-only, money to the cent in lists, thresholds and root causes inline."""

from django.contrib import admin

from .admin import MoneyListAdmin, ReadOnlyAdmin
from .models import AnomalyMonitor, AnomalyRootCause, Budget, BudgetNotification, CostAnomaly


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class BudgetNotificationInline(ReadOnlyInline):
    model = BudgetNotification
    verbose_name_plural = "thresholds"


class AnomalyRootCauseInline(ReadOnlyInline):
    model = AnomalyRootCause
    verbose_name_plural = "root causes"


@admin.register(Budget)
class BudgetAdmin(MoneyListAdmin, ReadOnlyAdmin):
    list_display = ["name", "budget_type", "time_unit", "limit", "actual", "forecast", "unit", "active", "last_seen"]
    list_filter = ["active", "budget_type", "time_unit", "unit"]
    search_fields = ["name", "account_id"]
    inlines = [BudgetNotificationInline]


@admin.register(CostAnomaly)
class CostAnomalyAdmin(MoneyListAdmin, ReadOnlyAdmin):
    list_display = [
        "start_date",
        "end_date",
        "service",
        "account_id",
        "total_impact",
        "max_impact",
        "feedback",
        "monitor_name",
    ]
    list_filter = ["feedback", "monitor_name"]
    search_fields = ["anomaly_id", "service", "account_id", "dimension_value"]
    date_hierarchy = "start_date"
    inlines = [AnomalyRootCauseInline]


@admin.register(AnomalyMonitor)
class AnomalyMonitorAdmin(ReadOnlyAdmin):
    list_display = ["name", "monitor_type", "dimension", "last_evaluated", "last_seen"]
    list_filter = ["monitor_type", "dimension"]
    search_fields = ["name", "arn"]
