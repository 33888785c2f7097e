"""Response shapes of /api/budgets and /api/anomalies; account ids leave through `public_account_id`."""

from rest_framework import serializers

from api.serializers import MONEY, PublicAccountIdField
from collection.models import AnomalyRootCause, Budget, BudgetNotification, CostAnomaly
from costmonitor.masking import public_account_id

SEEN = {
    "first_seen": {"help_text": "When a collection first found it."},
    "last_seen": {"help_text": "When a collection last found it."},
}


class BudgetNotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetNotification
        fields = ["notification_type", "comparison_operator", "threshold", "threshold_type", "state"]
        extra_kwargs = {
            "notification_type": {"help_text": "ACTUAL (spent) or FORECASTED spend is compared."},
            "comparison_operator": {"help_text": "GREATER_THAN, LESS_THAN or EQUAL_TO the threshold."},
            "threshold": {"help_text": "Percent of the limit, or an amount in the budget's unit (threshold_type)."},
            "threshold_type": {"help_text": "PERCENTAGE or ABSOLUTE_VALUE; empty when AWS left it out."},
            "state": {"help_text": "OK, or ALARM when the threshold is crossed; empty when AWS left it out."},
        }


class BudgetSerializer(serializers.ModelSerializer):
    account_id = PublicAccountIdField(help_text="The account the budget belongs to (the credentials' account).")
    linked_accounts = serializers.SerializerMethodField(
        help_text="The accounts its filters limit it to; empty: the whole organization."
    )
    notifications = BudgetNotificationSerializer(many=True, help_text="Its notification thresholds.")

    class Meta:
        model = Budget
        fields = [
            "account_id",
            "name",
            "budget_type",
            "time_unit",
            "limit",
            "actual",
            "forecast",
            "unit",
            "period_start",
            "period_end",
            "cost_filters",
            "linked_accounts",
            "notifications",
            "updated_in_aws",
            "first_seen",
            "last_seen",
            "active",
        ]
        extra_kwargs = {
            "name": {"help_text": "The budget's name in AWS (unique in its account)."},
            "budget_type": {"help_text": "COST, USAGE, RI_UTILIZATION, RI_COVERAGE, SAVINGS_PLANS_UTILIZATION, …"},
            "time_unit": {"help_text": "Its period: DAILY, MONTHLY, QUARTERLY, ANNUALLY or CUSTOM."},
            "limit": {"help_text": "The budgeted amount in `unit`; null for a budget without a fixed limit."},
            "actual": {"help_text": "Spent (or used) in the current period, in `unit`; null when AWS gave none."},
            "forecast": {"help_text": "AWS's forecast for the whole current period, in `unit`; null when it has none."},
            "unit": {"help_text": "Of limit, actual and forecast: USD, a usage unit (GB, Hrs), or PERCENTAGE."},
            "period_start": {"help_text": "Start of the budget's time period."},
            "period_end": {"help_text": "End of the budget's time period."},
            "cost_filters": {"help_text": "Its CostFilters or FilterExpression, as AWS gave them."},
            "updated_in_aws": {"help_text": "When AWS last updated it."},
            **SEEN,
            "active": {"help_text": "false: deleted in AWS since (the latest complete answer no longer had it)."},
        }

    def get_linked_accounts(self, obj) -> list[str]:
        return [public_account_id(a) for a in obj.linked_accounts]


class RootCauseSerializer(serializers.ModelSerializer):
    account_id = PublicAccountIdField(help_text="The linked account; empty when AWS named none.")

    class Meta:
        model = AnomalyRootCause
        fields = ["service", "region", "account_id", "account_name", "usage_type", "contribution"]
        extra_kwargs = {
            "service": {"help_text": "The service, as AWS names it; empty when AWS named none."},
            "region": {"help_text": "The region code; empty when AWS named none."},
            "account_name": {"help_text": "The linked account's name; empty when AWS named none."},
            "usage_type": {"help_text": "The usage type; empty when AWS named none."},
            "contribution": {"help_text": "Its share of the anomaly's impact, USD; null when AWS gave none."},
        }


class AnomalySerializer(serializers.ModelSerializer):
    account_id = PublicAccountIdField(help_text="The account of its largest root cause; empty when AWS named none.")
    impact = serializers.DecimalField(
        **MONEY,
        source="impact_usd",
        help_text="Its total impact in USD (the largest daily one when AWS gave no total).",
    )
    root_causes = RootCauseSerializer(many=True, help_text="What AWS found caused it, largest contribution first.")

    class Meta:
        model = CostAnomaly
        fields = [
            "anomaly_id",
            "monitor_arn",
            "monitor_name",
            "start_date",
            "end_date",
            "dimension_value",
            "account_id",
            "service",
            "impact",
            "max_impact",
            "total_impact",
            "total_actual_spend",
            "total_expected_spend",
            "total_impact_percentage",
            "max_score",
            "current_score",
            "feedback",
            "root_causes",
            "first_seen",
            "last_seen",
        ]
        extra_kwargs = {
            "anomaly_id": {"help_text": "AWS's id of the anomaly."},
            "monitor_arn": {"help_text": "The monitor that detected it."},
            "monitor_name": {"help_text": "That monitor's name; empty until the monitors are collected."},
            "start_date": {"help_text": "Its first day; null when AWS gave none."},
            "end_date": {"help_text": "Its last day so far; null when AWS gave none."},
            "dimension_value": {"help_text": "The value of the monitor's dimension (a service, an account, …)."},
            "service": {"help_text": "The service of its largest root cause; empty when AWS named none."},
            "max_impact": {"help_text": "Its largest daily impact, USD."},
            "total_impact": {"help_text": "Actual minus expected spend over its days, USD; null when AWS gave none."},
            "total_actual_spend": {"help_text": "What was spent over its days, USD; null when AWS gave none."},
            "total_expected_spend": {"help_text": "What was expected over its days, USD; null when AWS gave none."},
            "total_impact_percentage": {"help_text": "total_impact over expected spend, in percent; may be null."},
            "max_score": {"help_text": "Its highest anomaly score."},
            "current_score": {"help_text": "Its latest anomaly score."},
            "feedback": {"help_text": "YES, NO or PLANNED_ACTIVITY as given in AWS; empty: none yet."},
            **SEEN,
        }


class ImpactSummarySerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many anomalies match.")
    impact = serializers.DecimalField(**MONEY, help_text="Their impacts together, USD.")


class AnomaliesSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First last day of the anomalies listed.")
    end = serializers.DateField(help_text="Latest last day of the anomalies listed, inclusive.")
    summary = ImpactSummarySerializer(help_text="Over every matching anomaly, not only this page.")
    anomalies = AnomalySerializer(many=True, help_text="This page's anomalies, in `ordering`.")
