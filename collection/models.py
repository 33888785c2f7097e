"""The AWS cost history: accounts, daily costs by service, charge type and resource, forecasts, tags, recommendations,
runs."""

from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from collection.kinds import Kind, kind_choices
from collection.window_ends import shown_window

# Cost Explorer returns amounts as strings with up to 10 decimals; 14 integer digits is far above any bill.
MONEY = {"max_digits": 24, "decimal_places": 10}

account_id_validator = RegexValidator(r"^[0-9]{12}\Z", "An AWS account id is exactly 12 digits.")
NET_HELP = "After discounts; null: unknown (collected before net cost was, or absent from Cost Explorer's answer)."


class AwsAccount(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "ACTIVE"
        SUSPENDED = "SUSPENDED"
        PENDING_CLOSURE = "PENDING_CLOSURE"
        UNKNOWN = "UNKNOWN"

    account_id = models.CharField("account ID", max_length=12, primary_key=True, validators=[account_id_validator])
    name = models.CharField(max_length=255, blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNKNOWN)
    is_payer = models.BooleanField("payer account", default=False)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account_id"]
        verbose_name = "AWS account"

    def __str__(self) -> str:
        return f"{self.account_id} {self.name}".strip()


class DailyCost(models.Model):
    """The amounts of one day of cost in every stored metric (`collection.cost_metrics`), and how they were known."""

    unblended_cost = models.DecimalField(**MONEY)
    amortized_cost = models.DecimalField(**MONEY)
    net_unblended_cost = models.DecimalField(**MONEY, null=True, blank=True, help_text=NET_HELP)
    net_amortized_cost = models.DecimalField(**MONEY, null=True, blank=True, help_text=NET_HELP)
    currency = models.CharField(max_length=3, default="USD")
    estimated = models.BooleanField(default=False)
    collected_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class CostData(DailyCost):
    """One day of one service's cost in one account; region "" is the all-regions row."""

    date = models.DateField()
    account = models.ForeignKey(AwsAccount, on_delete=models.PROTECT, related_name="costs")
    service = models.CharField(max_length=255)
    region = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-date", "account_id", "service", "region"]
        verbose_name = "daily cost"
        verbose_name_plural = "daily costs"
        constraints = [
            models.UniqueConstraint(fields=["date", "account", "service", "region"], name="uniq_cost_day"),
        ]
        indexes = [
            # Covering on PostgreSQL, where migration 0018 adds INCLUDE (the amounts and currency: `collection.
            # rollups.COVERING_INDEX`; SQLite has no INCLUDE, and Django warns of one in Meta): one account's history
            # by service (a year: 73,000 rows in a 200-service account) is an index-only scan, never a heap read per
            # row. It replaces the (account, date) index, so ingest maintains as many indexes as before (a monthly
            # account x service rollup would write a row per detail row of each day's batch).
            # https://www.postgresql.org/docs/current/indexes-index-only-scans.html
            models.Index(fields=["account", "date", "service", "region"], name="cost_account_date_cover"),
            models.Index(fields=["service", "date"], name="cost_service_date"),
            models.Index(fields=["estimated", "date"], name="cost_estimated_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.account_id} {self.service} {self.region or 'all regions'}"


class ChargeTypeCost(DailyCost):
    """One day of one account's cost of one charge type: Cost Explorer's RECORD_TYPE (Usage, Credit, Tax, …)."""

    date = models.DateField()
    account = models.ForeignKey(AwsAccount, on_delete=models.PROTECT, related_name="charge_costs")
    charge_type = models.CharField(
        max_length=64, help_text="As AWS spells it (Usage, Credit, SavingsPlanRecurringFee, …); compared in any case."
    )

    class Meta:
        ordering = ["-date", "account_id", "charge_type"]
        verbose_name = "daily cost by charge type"
        verbose_name_plural = "daily costs by charge type"
        constraints = [
            models.UniqueConstraint(fields=["date", "account", "charge_type"], name="uniq_charge_type_day"),
        ]
        indexes = [models.Index(fields=["account", "date"], name="charge_account_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.account_id} {self.charge_type}"


class CostForecast(models.Model):
    """A Cost Explorer forecast for one period; scope "" is the whole organization, else an account id."""

    ORGANIZATION = ""

    scope = models.CharField(max_length=12, blank=True, default=ORGANIZATION)
    period_start = models.DateField()
    period_end = models.DateField(help_text="Exclusive, as in Cost Explorer.")
    granularity = models.CharField(max_length=10, default="MONTHLY")
    metric = models.CharField(max_length=32, default="UNBLENDED_COST")
    mean = models.DecimalField("forecast (mean)", **MONEY)
    lower_bound = models.DecimalField(**MONEY, null=True, blank=True)
    upper_bound = models.DecimalField(**MONEY, null=True, blank=True)
    prediction_interval = models.PositiveSmallIntegerField(default=80)
    currency = models.CharField(max_length=3, default="USD")
    generated_on = models.DateField(help_text="Day of the forecast; one per scope, period and day.")
    generated_at = models.DateTimeField()

    class Meta:
        ordering = ["-generated_at", "scope", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "period_start", "period_end", "granularity", "metric", "generated_on"],
                name="uniq_forecast_day",
            ),
        ]
        indexes = [models.Index(fields=["scope", "period_start", "-generated_at"], name="forecast_latest")]

    def __str__(self) -> str:
        return f"{self.scope or 'organization'} {self.period_start}..{self.period_end}"


class TagCost(models.Model):
    """One day of one service's cost for one tag value; tag value "" is the untagged cost."""

    date = models.DateField()
    tag_key = models.CharField(max_length=128)
    tag_value = models.CharField(max_length=256, blank=True, default="")
    service = models.CharField(max_length=255)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="USD")
    estimated = models.BooleanField(default=False)
    collected_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "tag_key", "tag_value", "service"]
        verbose_name = "cost by tag"
        verbose_name_plural = "costs by tag"
        constraints = [
            models.UniqueConstraint(fields=["date", "tag_key", "tag_value", "service"], name="uniq_tag_cost_day"),
        ]
        indexes = [models.Index(fields=["tag_key", "tag_value", "date"], name="tag_key_value_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.tag_key}={self.tag_value or '(untagged)'} {self.service}"


class ResourceCost(models.Model):
    """One day of one resource's unblended cost, among the DATA_EXPORTS_TOP_RESOURCES costliest of its service that
    day: from a Data Export's resource ids only (Cost Explorer keeps none past 14 days)."""

    date = models.DateField()
    account = models.ForeignKey(AwsAccount, on_delete=models.PROTECT, related_name="resource_costs")
    service = models.CharField(max_length=255)
    resource_id = models.CharField(
        "resource ID", max_length=1024, help_text="As the export names it: an instance id, a bucket, an ARN, …"
    )
    amount = models.DecimalField("unblended cost", **MONEY)
    currency = models.CharField(max_length=3, default="USD")
    estimated = models.BooleanField(default=False, help_text="Its month is not invoiced yet.")
    collected_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "service", "-amount", "resource_id"]
        verbose_name = "daily cost by resource"
        verbose_name_plural = "daily costs by resource"
        constraints = [
            models.UniqueConstraint(
                fields=["date", "account", "service", "resource_id"], name="uniq_resource_cost_day"
            ),
        ]
        indexes = [models.Index(fields=["date", "service"], name="resource_cost_day_service")]

    def __str__(self) -> str:
        return f"{self.date} {self.service} {self.resource_id}"


class OptimizationRecommendation(models.Model):
    class Type(models.TextChoices):
        RIGHTSIZING = "rightsizing"
        SAVINGS_PLANS = "savings_plans"
        RESERVED_INSTANCES = "reserved_instances"
        COMPUTE_OPTIMIZER = "compute_optimizer"

    type = models.CharField(max_length=32, choices=Type.choices)
    category = models.CharField(
        max_length=64, help_text="The AWS enum as documented: MODIFY, TERMINATE, COMPUTE_SP, Overprovisioned, …"
    )
    account = models.ForeignKey(AwsAccount, on_delete=models.PROTECT, related_name="recommendations")
    resource_id = models.CharField(max_length=512)
    details = models.JSONField(default=dict, blank=True)
    estimated_monthly_savings = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="USD")
    # Set by the collection to the same instant as `last_seen`, so a new recommendation is never first seen
    # after it was last seen (auto_now_add would stamp it later, when the row is inserted).
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-estimated_monthly_savings"]
        constraints = [
            models.UniqueConstraint(fields=["type", "account", "resource_id"], name="uniq_recommendation"),
        ]
        indexes = [models.Index(fields=["type", "active"], name="recommendation_type_active")]

    def __str__(self) -> str:
        return f"{self.type} {self.category} {self.resource_id}"


class MetricData(models.Model):
    """A gauge value as of a collection, for /metrics to serve from any process."""

    name = models.CharField(max_length=128)
    value = models.DecimalField(**MONEY)
    labels = models.JSONField(default=dict, blank=True)
    timestamp = models.DateTimeField()

    class Meta:
        ordering = ["name", "-timestamp"]
        verbose_name = "metric snapshot value"
        indexes = [models.Index(fields=["name", "-timestamp"], name="metric_name_time")]

    def __str__(self) -> str:
        return f"{self.name}{self.labels} = {self.value}"


class CollectionRun(models.Model):
    Kind = Kind  # the registry's (collection.kinds), beside the run's other choices

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule"
        COMMAND = "command"
        BACKFILL = "backfill"
        API = "api"
        ADMIN = "admin"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        PARTIAL = "partial"
        FAILED = "failed"
        SKIPPED = "skipped"

    kind = models.CharField(max_length=16, choices=kind_choices)
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    source = models.CharField(max_length=16, default="aws", help_text="aws, or demo for synthetic data.")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    window_start = models.DateField(null=True, blank=True)
    window_end = models.DateField(null=True, blank=True, help_text="Exclusive, as in Cost Explorer.")
    rows_written = models.PositiveIntegerField(default=0)
    skipped_entries = models.PositiveIntegerField(
        default=0, help_text="Entries of recommendation lists skipped: an unknown value or a malformed shape."
    )
    ce_requests = models.PositiveIntegerField(
        "CE requests", default=0, help_text="Billed Cost Explorer requests (0 for the demo source)."
    )
    ce_cost_usd = models.DecimalField("CE cost (USD)", max_digits=12, decimal_places=2, default=0)
    aws_requests = models.JSONField("AWS requests", default=dict, blank=True, help_text="AWS requests by operation.")
    aws_retries = models.JSONField(
        "AWS retries",
        default=dict,
        blank=True,
        help_text="AWS answers retried (throttling, 5xx, network errors) by operation.",
    )
    bytes_scanned = models.JSONField(
        default=dict,
        blank=True,
        help_text="Bytes billed by services priced per byte scanned (athena), by service (0 for the demo source).",
    )
    task_id = models.CharField("Celery task ID", max_length=255, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True, help_text="What went wrong, safe for every reader of the API.")
    notes = models.TextField(blank=True, help_text="For the operator, e.g. a deprecated argument the run was given.")
    error_detail = models.TextField(
        blank=True, help_text="The exception's own text (internal hosts, SQL): shown to staff only, in the admin."
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["kind", "status", "-started_at"], name="run_kind_status"),
            models.Index(fields=["started_at"], name="run_started"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def ce_calls(self) -> int:
        """Cost Explorer API calls the run made, billed or not (the demo source's are answered locally, unbilled)."""
        return sum(n for operation, n in self.aws_requests.items() if operation.startswith("ce:"))

    @property
    def fell_short(self) -> bool:
        """Failed or skipped: what a command's exit status reports."""
        return self.status in (self.Status.FAILED, self.Status.SKIPPED)

    def summary(self) -> str:
        """One line for an operator: window, status, rows, Cost Explorer spend, source and any error."""
        window = f" {shown_window(self.window_start, self.window_end)}" if self.window_start else ""
        line = (
            f"{self.kind}{window}: {self.status}, {self.rows_written} rows, "
            f"{f'{self.skipped_entries} entries skipped, ' if self.skipped_entries else ''}"
            f"{self.ce_requests} CE requests (USD {self.ce_cost_usd}), source {self.source}"
        )
        line = f"{line} — {self.error_code}: {self.error_message}" if self.error_code else line
        return f"{line} (note: {self.notes})" if self.notes else line


class SeededSchedule(models.Model):
    """A kind (or a maintenance task's key) whose default periodic task was created once (`seed_default_schedule`):
    never again, so that an operator who deleted or renamed it keeps it that way."""

    kind = models.CharField(max_length=16, primary_key=True)
    seeded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.kind


class Reconciliation(models.Model):
    """The latest check of one period's stored total (daily all-regions rows summed) of one account, metric and
    currency against Cost Explorer's MONTHLY answer; `difference` is reported minus stored.

    `account_id` is no foreign key: Cost Explorer may report an account whose costs were never stored, which is
    what a reconciliation is there to find. A check replaces the rows of the periods it covers.
    """

    period_start = models.DateField()
    period_end = models.DateField(help_text="Exclusive, as in Cost Explorer.")
    account_id = models.CharField("account ID", max_length=12, validators=[account_id_validator])
    metric = models.CharField(max_length=32, help_text="unblended, amortized, … (the stored cost fields).")
    currency = models.CharField(max_length=3, default="USD")
    stored = models.DecimalField("stored total", **MONEY)
    reported = models.DecimalField("Cost Explorer total", **MONEY, help_text="Cost Explorer's MONTHLY answer.")
    difference = models.DecimalField(**MONEY, help_text="Reported minus stored.")
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["-period_start", "account_id", "metric", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end", "account_id", "metric", "currency"], name="uniq_reconciliation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start}..{self.period_end} {self.account_id} {self.metric}"

    def line(self) -> str:
        """One line for an operator: the period, account, metric, both totals and their difference in cents."""
        cents = self.difference.quantize(Decimal("0.01")) + 0  # + 0: a difference of -0.000…1 prints as +0.00
        return (
            f"{shown_window(self.period_start, self.period_end)} {self.account_id} {self.metric}: "
            f"stored {self.stored:.2f}, "
            f"Cost Explorer {self.reported:.2f}, difference {cents:+.2f} {self.currency}"
        )


class SpendConfirmation(models.Model):
    """The operator's go-ahead for real-AWS collections to spend (README "Connect your AWS account"). Until one is
    recorded, scheduled runs of the kinds that make Cost Explorer requests are skipped (`SpendNotConfirmed`), however
    the worker and beat were started; an installation that had collected from AWS got one with its migration."""

    confirmed_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.CharField(max_length=150, help_text="The user who confirmed, or 'upgrade'.")
    estimated_requests = models.PositiveIntegerField(
        default=0, help_text="Cost Explorer requests the first collections were estimated to take when confirmed."
    )

    class Meta:
        ordering = ["-confirmed_at"]
        verbose_name = "Cost Explorer spend confirmation"

    def __str__(self) -> str:
        return f"confirmed by {self.confirmed_by} at {self.confirmed_at:%Y-%m-%d %H:%M}"


class ExportIngestion(models.Model):
    """One billing period of the AWS Data Export as last ingested into one kind's datasets (costs or tags).

    `manifest_id` (the manifest's executionId and ETag) is the change probe: a period whose manifest has another
    is ingested again, whole. A period is `final` once every line item carries an invoice id.
    """

    billing_period = models.DateField(help_text="The first day of the month (BILLING_PERIOD=YYYY-MM).")
    kind = models.CharField(max_length=16, help_text="The collection kind it feeds: costs or tags.")
    export_format = models.CharField(max_length=16, help_text="cur2 or focus1.2.")
    engine = models.CharField(max_length=16, help_text="The engine that read it: duckdb, athena.")
    manifest_key = models.CharField(max_length=1024)
    manifest_id = models.CharField("manifest identity", max_length=512, help_text="executionId:ETag.")
    files = models.JSONField(default=list, blank=True, help_text="The data files the manifest listed: all read.")
    line_items = models.PositiveBigIntegerField(default=0, help_text="Line items read from those files.")
    rows_written = models.PositiveIntegerField(default=0)
    final = models.BooleanField(default=False, help_text="Every line item carries an invoice id.")
    invoice_ids = models.JSONField(default=list, blank=True)
    ingested_at = models.DateTimeField()
    run = models.ForeignKey(
        CollectionRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="export_ingestions"
    )

    class Meta:
        ordering = ["-billing_period", "kind"]
        verbose_name = "Data Exports billing period"
        constraints = [models.UniqueConstraint(fields=["billing_period", "kind"], name="uniq_export_period_kind")]

    def __str__(self) -> str:
        return f"{self.billing_period:%Y-%m} {self.kind} {'final' if self.final else 'open'}"

    @property
    def file_count(self) -> int:
        return len(self.files)

    @property
    def etag(self) -> str:
        """The manifest object's ETag, the part of its identity one ListObjectsV2 shows."""
        return self.manifest_id.rpartition(":")[2]


class CommitmentType(models.TextChoices):
    SAVINGS_PLANS = "savings_plans", "Savings Plans"
    RESERVATIONS = "reservations", "Reservations"


class CommitmentRatio(models.Model):
    """One UTC day's utilization or coverage of the Savings Plans or the reservations, 0 to 1 (Cost Explorer's
    percentage / 100), of the whole organization (account "") or of one account."""

    class Measure(models.TextChoices):
        UTILIZATION = "utilization"
        COVERAGE = "coverage"

    ORGANIZATION = ""

    date = models.DateField()
    commitment_type = models.CharField("commitment type", max_length=16, choices=CommitmentType.choices)
    measure = models.CharField(max_length=16, choices=Measure.choices)
    account_id = models.CharField(
        "account ID", max_length=12, blank=True, default=ORGANIZATION, help_text='"" is the whole organization.'
    )
    ratio = models.DecimalField(max_digits=7, decimal_places=6, help_text="0 to 1.")
    collected_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "commitment_type", "measure", "account_id"]
        verbose_name = "commitment utilization or coverage"
        verbose_name_plural = "commitment utilization and coverage"
        constraints = [
            models.UniqueConstraint(
                fields=["date", "commitment_type", "measure", "account_id"], name="uniq_commitment_ratio_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.commitment_type} {self.measure} {self.account_id or 'organization'}"


class Commitment(models.Model):
    """A Savings Plan (DescribeSavingsPlans) or a reservation (GetReservationUtilization by SUBSCRIPTION_ID), its
    term and its utilization over the last collected window. `active`: the latest answer still listed it."""

    commitment_type = models.CharField("commitment type", max_length=16, choices=CommitmentType.choices)
    commitment_id = models.CharField(
        "commitment ID", max_length=256, help_text="The Savings Plan's id, or the reservation's subscription id."
    )
    account_id = models.CharField("account ID", max_length=12, blank=True, help_text='"" when AWS does not say.')
    description = models.CharField(max_length=255, blank=True, help_text="Its type or instance type, as AWS says.")
    starts_at = models.DateTimeField("start", null=True, blank=True)
    ends_at = models.DateTimeField("end", null=True, blank=True, help_text="When the term ends; null when unknown.")
    utilization = models.DecimalField(
        max_digits=7, decimal_places=6, null=True, blank=True, help_text="0 to 1, over the last collected window."
    )
    details = models.JSONField(default=dict, blank=True, help_text="AWS's own fields about it, as collected.")
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["ends_at", "commitment_type", "commitment_id"]
        constraints = [
            models.UniqueConstraint(fields=["commitment_type", "commitment_id"], name="uniq_commitment"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_type} {self.commitment_id}"


class CategoryCost(models.Model):
    """One day of the organization's cost in one value of one cost category; value "" is the cost no rule matched
    (Cost Explorer's empty value), and `uncategorized` also marks the category's default value, which AWS gives that
    cost instead when the category has one."""

    date = models.DateField()
    category = models.CharField("cost category", max_length=50, help_text="The cost category's name, as AWS lists it.")
    value = models.CharField(max_length=50, blank=True, default="", help_text='"" is the cost no rule matched.')
    uncategorized = models.BooleanField(
        default=False, help_text="The cost no rule matched: the empty value, or the category's default value."
    )
    amount = models.DecimalField("unblended cost", **MONEY)
    currency = models.CharField(max_length=3, default="USD")
    estimated = models.BooleanField(default=False)
    collected_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "category", "value"]
        verbose_name = "cost by cost category"
        verbose_name_plural = "costs by cost category"
        constraints = [
            models.UniqueConstraint(fields=["date", "category", "value"], name="uniq_category_cost_day"),
        ]
        indexes = [models.Index(fields=["category", "value", "date"], name="category_value_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.category}={self.value or '(uncategorized)'}"


# Budgets and anomalies live in their own module; imported here so Django registers them with this app.
from collection.budget_models import (  # noqa: E402, F401
    AnomalyMonitor,
    AnomalyRootCause,
    Budget,
    BudgetNotification,
    CostAnomaly,
)

# The cost rollups likewise (kept by database triggers, collection/rollups.py).
from collection.rollup_models import (  # noqa: E402, F401
    CostDayByAccount,
    CostDayByService,
    CostMonthByAccount,
    CostMonthByService,
)
