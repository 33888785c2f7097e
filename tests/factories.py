"""factory_boy factories for the cost history models."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from collection import models


class AwsAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AwsAccount
        django_get_or_create = ("account_id",)

    account_id = factory.Sequence(lambda n: f"{100000000000 + n:012d}")
    name = factory.Sequence(lambda n: f"account-{n}")
    email = factory.LazyAttribute(lambda o: f"{o.name}@example.com")
    status = models.AwsAccount.Status.ACTIVE


class CostDataFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CostData

    date = factory.LazyFunction(lambda: timezone.now().date())
    account = factory.SubFactory(AwsAccountFactory)
    service = "Amazon Elastic Compute Cloud - Compute"
    region = ""
    unblended_cost = Decimal("12.34")
    amortized_cost = Decimal("11.00")


class ChargeTypeCostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ChargeTypeCost

    date = factory.LazyFunction(lambda: timezone.now().date())
    account = factory.SubFactory(AwsAccountFactory)
    charge_type = "Usage"
    unblended_cost = Decimal("12.34")
    amortized_cost = Decimal("11.00")
    net_unblended_cost = Decimal("11.72")
    net_amortized_cost = Decimal("10.45")


class CostForecastFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CostForecast

    period_start = factory.LazyFunction(lambda: timezone.now().date())
    period_end = factory.LazyAttribute(lambda o: o.period_start + dt.timedelta(days=30))
    mean = Decimal("1000.50")
    lower_bound = Decimal("900.00")
    upper_bound = Decimal("1100.00")
    generated_on = factory.LazyFunction(lambda: timezone.now().date())
    generated_at = factory.LazyFunction(timezone.now)


class TagCostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TagCost

    date = factory.LazyFunction(lambda: timezone.now().date())
    tag_key = "team"
    tag_value = "platform"
    service = "Amazon Simple Storage Service"
    amount = Decimal("5.25")


class CategoryCostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CategoryCost

    date = factory.LazyFunction(lambda: timezone.now().date())
    category = "Business Unit"
    value = "Retail"
    amount = Decimal("5.25")


class ResourceCostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ResourceCost

    date = factory.LazyFunction(lambda: timezone.now().date())
    account = factory.SubFactory(AwsAccountFactory)
    service = "Amazon Elastic Compute Cloud"
    resource_id = factory.Sequence(lambda n: f"i-{n:017x}")
    amount = Decimal("3.5")


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OptimizationRecommendation

    type = models.OptimizationRecommendation.Type.RIGHTSIZING
    category = "MODIFY"
    account = factory.SubFactory(AwsAccountFactory)
    resource_id = factory.Sequence(lambda n: f"i-{n:017x}")
    details = factory.LazyFunction(lambda: {"current": "m5.2xlarge", "target": "m5.xlarge"})
    estimated_monthly_savings = Decimal("42.10")
    last_seen = factory.LazyFunction(timezone.now)


class MetricDataFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MetricData

    name = "aws_cost_total"
    value = Decimal("12.34")
    labels = factory.LazyFunction(lambda: {"service": "AWS Lambda", "account_id": "123456789012"})
    timestamp = factory.LazyFunction(timezone.now)


class CollectionRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CollectionRun

    kind = models.CollectionRun.Kind.COSTS
    trigger = models.CollectionRun.Trigger.SCHEDULE
    status = models.CollectionRun.Status.SUCCEEDED
    finished_at = factory.LazyFunction(timezone.now)
    rows_written = 10
    ce_requests = 2
    ce_cost_usd = Decimal("0.02")


class ReconciliationFactory(factory.django.DjangoModelFactory):
    """A check of the last closed month that found Cost Explorer 1.50 above the stored total."""

    class Meta:
        model = models.Reconciliation

    period_end = factory.LazyFunction(lambda: timezone.now().date().replace(day=1))
    period_start = factory.LazyAttribute(lambda o: (o.period_end - dt.timedelta(days=1)).replace(day=1))
    account_id = "123456789012"
    metric = "unblended"
    stored = Decimal("100.00")
    reported = Decimal("101.50")
    difference = factory.LazyAttribute(lambda o: o.reported - o.stored)
    checked_at = factory.LazyFunction(timezone.now)


class ExportIngestionFactory(factory.django.DjangoModelFactory):
    """Last month of a CUR 2.0 export, ingested for costs from two files, not final yet."""

    class Meta:
        model = models.ExportIngestion

    billing_period = factory.LazyFunction(
        lambda: (timezone.now().date().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    )
    kind = "costs"
    export_format = "cur2"
    engine = "duckdb"
    manifest_key = "cur/org-export/metadata/BILLING_PERIOD=2026-11/org-export-Manifest.json"
    manifest_id = "5c3e1d0a-0000-4000-8000-000000000001:9b2cf535f27731c974343645a3985328"
    files = factory.LazyFunction(
        lambda: [
            f"s3://cur-exports/cur/org-export/data/BILLING_PERIOD=2026-11/x/org-export-0000{n}.parquet" for n in (1, 2)
        ]
    )
    line_items = 12345
    rows_written = 310
    ingested_at = factory.LazyFunction(timezone.now)
    run = None


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Budget

    account_id = "111122223333"
    name = factory.Sequence(lambda n: f"budget-{n}")
    budget_type = "COST"
    time_unit = "MONTHLY"
    limit = Decimal("1000")
    actual = Decimal("400")
    forecast = Decimal("900")
    unit = "USD"
    last_seen = factory.LazyFunction(timezone.now)


class CostAnomalyFactory(factory.django.DjangoModelFactory):
    """An anomaly ending yesterday; `root_causes__account_id` gives it a root cause in that account."""

    class Meta:
        model = models.CostAnomaly
        skip_postgeneration_save = True  # root_causes saves the anomaly itself when it gives it an account

    anomaly_id = factory.Sequence(lambda n: f"anomaly-{n:04d}")
    monitor_arn = "arn:aws:ce::111122223333:anomalymonitor/services"
    start_date = factory.LazyFunction(lambda: timezone.now().date() - dt.timedelta(days=2))
    end_date = factory.LazyFunction(lambda: timezone.now().date() - dt.timedelta(days=1))
    service = "Amazon Elastic Compute Cloud - Compute"
    max_impact = Decimal("50")
    total_impact = Decimal("120")
    max_score = 0.6
    current_score = 0.4
    last_seen = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def root_causes(self, create, extracted, **kwargs):
        if create and kwargs:
            self.account_id = kwargs.get("account_id", "")
            self.save()
            models.AnomalyRootCause.objects.create(anomaly=self, service=self.service, **kwargs)


class AnomalyMonitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AnomalyMonitor

    arn = factory.Sequence(lambda n: f"arn:aws:ce::111122223333:anomalymonitor/{n:04d}")
    name = factory.Sequence(lambda n: f"monitor-{n}")
    monitor_type = "DIMENSIONAL"
    dimension = "SERVICE"
    last_seen = factory.LazyFunction(timezone.now)


class CommitmentRatioFactory(factory.django.DjangoModelFactory):
    """Yesterday's Savings Plans utilization of the organization: 87.5 %."""

    class Meta:
        model = models.CommitmentRatio

    date = factory.LazyFunction(lambda: timezone.now().date() - dt.timedelta(days=1))
    commitment_type = models.CommitmentType.SAVINGS_PLANS
    measure = models.CommitmentRatio.Measure.UTILIZATION
    ratio = Decimal("0.875")


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A reservation ending in 20 days, used at 95 %."""

    class Meta:
        model = models.Commitment

    commitment_type = models.CommitmentType.RESERVATIONS
    commitment_id = factory.Sequence(lambda n: f"40000{n:04d}")
    account_id = "123456789012"
    description = "m5.xlarge"
    ends_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))
    utilization = Decimal("0.95")
    last_seen = factory.LazyFunction(timezone.now)
