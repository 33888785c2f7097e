"""AWS Budgets and Cost Anomaly Detection as collected: budgets with their notification thresholds, anomalies with
their root causes, and the anomaly monitors that found them."""

from django.db import models
from django.utils import timezone

from collection.models import MONEY, account_id_validator

# The documented values of each enum stored (botocore's `budgets` and `ce` service models; a test holds these to
# them). https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Budget.html
TIME_UNITS = ("DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY", "CUSTOM")
BUDGET_TYPES = (
    "USAGE",
    "COST",
    "RI_UTILIZATION",
    "RI_COVERAGE",
    "SAVINGS_PLANS_UTILIZATION",
    "SAVINGS_PLANS_COVERAGE",
)
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Notification.html
NOTIFICATION_TYPES = ("ACTUAL", "FORECASTED")
COMPARISON_OPERATORS = ("GREATER_THAN", "LESS_THAN", "EQUAL_TO")
THRESHOLD_TYPES = ("PERCENTAGE", "ABSOLUTE_VALUE")
NOTIFICATION_STATES = ("OK", "ALARM")
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_Anomaly.html
FEEDBACK = ("YES", "NO", "PLANNED_ACTIVITY")
# Feedback saying it is no anomaly to act on: such an anomaly is no longer open (no gauge, no alert).
DISMISSED = ("NO", "PLANNED_ACTIVITY")
MONITOR_TYPES = ("DIMENSIONAL", "CUSTOM")


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(value, value.replace("_", " ").capitalize()) for value in values]


class Budget(models.Model):
    """One budget of the account costmonitor's credentials act in, as its latest DescribeBudgets answer had it.

    Amounts are in `unit`: USD for cost budgets, a usage unit (GB, Hrs) for usage budgets, PERCENTAGE for
    utilization and coverage budgets. A budget gone from a complete answer (deleted in AWS) is kept, inactive.
    """

    account_id = models.CharField("account ID", max_length=12, validators=[account_id_validator])
    name = models.CharField(max_length=100)
    budget_type = models.CharField(max_length=32, choices=_choices(BUDGET_TYPES))
    time_unit = models.CharField(max_length=16, choices=_choices(TIME_UNITS))
    limit = models.DecimalField(**MONEY, null=True, blank=True, help_text="null: no fixed limit (auto-adjusted).")
    actual = models.DecimalField("actual spend", **MONEY, null=True, blank=True)
    forecast = models.DecimalField(
        "forecast spend", **MONEY, null=True, blank=True, help_text="null: AWS has no forecast for it (yet)."
    )
    unit = models.CharField(max_length=32, help_text="Of every amount: USD, or a usage unit, or PERCENTAGE.")
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    cost_filters = models.JSONField(
        default=dict, blank=True, help_text="CostFilters, or FilterExpression (under its name), as AWS gave them."
    )
    linked_accounts = models.JSONField(
        default=list, blank=True, help_text="The accounts its filters limit it to; empty: the whole organization."
    )
    updated_in_aws = models.DateTimeField("last updated in AWS", null=True, blank=True)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField()
    active = models.BooleanField(default=True, help_text="False: the latest complete answer no longer had it.")

    class Meta:
        ordering = ["name", "account_id"]
        constraints = [models.UniqueConstraint(fields=["account_id", "name"], name="uniq_budget")]

    def __str__(self) -> str:
        return self.name


class BudgetNotification(models.Model):
    """A threshold of a budget (DescribeNotificationsForBudget); a budget's are replaced by each collection."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="notifications")
    notification_type = models.CharField(max_length=16, choices=_choices(NOTIFICATION_TYPES))
    comparison_operator = models.CharField(max_length=16, choices=_choices(COMPARISON_OPERATORS))
    threshold = models.DecimalField(**MONEY)
    threshold_type = models.CharField(
        max_length=16, choices=_choices(THRESHOLD_TYPES), blank=True, help_text="Empty: AWS's answer left it out."
    )
    state = models.CharField(
        max_length=8, choices=_choices(NOTIFICATION_STATES), blank=True, help_text="Empty: AWS's answer left it out."
    )

    class Meta:
        ordering = ["budget", "notification_type", "threshold"]
        verbose_name = "budget threshold"

    def __str__(self) -> str:
        return f"{self.budget} {self.notification_type} {self.comparison_operator} {self.threshold}"


class AnomalyMonitor(models.Model):
    """A Cost Anomaly Detection monitor (GetAnomalyMonitors): what names an anomaly's monitor."""

    arn = models.CharField("ARN", max_length=1024, unique=True)
    name = models.CharField(max_length=1024)
    monitor_type = models.CharField(max_length=16, choices=_choices(MONITOR_TYPES))
    dimension = models.CharField(max_length=32, blank=True, help_text="SERVICE, LINKED_ACCOUNT, …; empty if custom.")
    last_evaluated = models.DateField(null=True, blank=True)
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        verbose_name = "anomaly monitor"

    def __str__(self) -> str:
        return self.name


class CostAnomaly(models.Model):
    """An anomaly Cost Anomaly Detection reported (GetAnomalies), its latest impact and feedback.

    `account_id` and `service` are those of its largest root cause ("" when AWS named none); amounts are USD, the
    currency Cost Anomaly Detection reports in.
    """

    anomaly_id = models.CharField("anomaly ID", max_length=1024, unique=True)
    monitor_arn = models.CharField("monitor ARN", max_length=1024)
    monitor_name = models.CharField(max_length=1024, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True, help_text="null: AWS gave no end date.")
    dimension_value = models.CharField(max_length=1024, blank=True)
    account_id = models.CharField("account ID", max_length=12, blank=True)
    service = models.CharField(max_length=1024, blank=True)
    max_impact = models.DecimalField(**MONEY)
    total_impact = models.DecimalField(**MONEY, null=True, blank=True)
    total_actual_spend = models.DecimalField(**MONEY, null=True, blank=True)
    total_expected_spend = models.DecimalField(**MONEY, null=True, blank=True)
    total_impact_percentage = models.DecimalField(**MONEY, null=True, blank=True)
    max_score = models.FloatField()
    current_score = models.FloatField()
    feedback = models.CharField(
        max_length=16, choices=_choices(FEEDBACK), blank=True, help_text="Empty: nobody gave feedback yet."
    )
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-start_date", "anomaly_id"]
        verbose_name = "cost anomaly"
        verbose_name_plural = "cost anomalies"
        indexes = [models.Index(fields=["start_date"], name="anomaly_start")]

    def __str__(self) -> str:
        return f"{self.start_date} {self.service or self.dimension_value or self.anomaly_id}"


class AnomalyRootCause(models.Model):
    """One root cause of an anomaly; an anomaly's are replaced by each collection that reports it."""

    anomaly = models.ForeignKey(CostAnomaly, on_delete=models.CASCADE, related_name="root_causes")
    service = models.CharField(max_length=1024, blank=True)
    region = models.CharField(max_length=1024, blank=True)
    account_id = models.CharField("account ID", max_length=12, blank=True)
    account_name = models.CharField(max_length=1024, blank=True)
    usage_type = models.CharField(max_length=1024, blank=True)
    contribution = models.DecimalField(**MONEY, null=True, blank=True, help_text="Its share of the impact, USD.")

    class Meta:
        ordering = ["anomaly", "-contribution"]
        verbose_name = "anomaly root cause"

    def __str__(self) -> str:
        return f"{self.anomaly} {self.service} {self.account_id}"
