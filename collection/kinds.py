"""The registry of collection kinds: each kind's collector, datasets, gauges, cost estimate and default schedule.

Adding a kind is one `Kind` member and one `KindSpec` entry here, plus its collector module. Everything that
used to switch on a kind (runs, estimates, gauges, command choices, cache versions, the task, the default
schedule, the API's choices) reads this module. It imports nothing of the app: collectors, gauges and estimates
are named by dotted path and imported when first used, so models, settings checks and migrations can read it.
"""

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import models
from django.utils.module_loading import import_string


class Kind(models.TextChoices):
    """Declared in dependency order, the order `manage.py collect --kind all` runs them in: accounts first
    (names), forecast after costs (it follows the costs run's changes), reconciliation last (it checks them)."""

    ACCOUNTS = "accounts"
    COSTS = "costs"
    TAGS = "tags"
    COST_CATEGORIES = "cost_categories"
    FORECAST = "forecast"
    OPTIMIZATION = "optimization"
    RECONCILIATION = "reconciliation"
    BUDGETS = "budgets"
    ANOMALIES = "anomalies"
    COMMITMENTS = "commitments"


class Dataset(models.TextChoices):
    """What a finished collection invalidates: each has a cache version (`collection.cache_versions`)."""

    COSTS = "costs"
    RESOURCES = "resources"
    FORECAST = "forecast"
    TAGS = "tags"
    COST_CATEGORIES = "cost_categories"
    OPTIMIZATION = "optimization"
    ACCOUNTS = "accounts"
    RUNS = "runs"
    METRICS = "metrics"
    BUDGETS = "budgets"
    ANOMALIES = "anomalies"
    COMMITMENTS = "commitments"


class GaugeFamily(NamedTuple):
    """A snapshot metric as /metrics exposes it. Every amount is in the currency its `currency` label names (ISO
    4217): currencies are never added together."""

    help: str
    labels: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class KindSpec:
    """One collection kind. Dotted paths name keyword-only functions:

    - `collector(*, ctx: CollectionContext) -> Outcome`; `ctx.window` and `ctx.force` carry the run's request;
    - `gauges(*, today) -> Iterator[(name, labels, value)]`, the snapshot values of the `gauge_families` it
      declares (name → HELP text and labels, as /metrics exposes them);
    - `estimate(*, start, end) -> int`, the billed Cost Explorer requests of a run (None: it makes none, so the
      monthly request budget never refuses it);
    - `default_window(*, today, source) -> (start, end) | None`, the window a run given none fetches, where it is
      known before the run (a first run's history, the last closed month); None: only the days that changed.
    """

    kind: Kind
    collector: str
    datasets: tuple[Dataset, ...]
    every: tuple[int, str]  # the default schedule: (every, django-celery-beat IntervalSchedule period)
    estimate: str | None = None
    gauge_families: dict[str, GaugeFamily] = field(default_factory=dict)
    gauges: str | None = None
    windowed: bool = False  # takes an explicit [start, end) window (commands, backfills, periodic task kwargs)
    default_window: str | None = None

    @property
    def gauge_names(self) -> tuple[str, ...]:
        return tuple(self.gauge_families)

    @property
    def spends_ce(self) -> bool:
        return self.estimate is not None

    def collect(self, **kwargs: Any):
        return import_string(self.collector)(**kwargs)

    def estimated_requests(self, **kwargs: Any) -> int:
        return 0 if self.estimate is None else import_string(self.estimate)(**kwargs)

    def window_without_arguments(self, **kwargs: Any):
        return None if self.default_window is None else import_string(self.default_window)(**kwargs)

    def gauge_values(self, **kwargs: Any):
        return iter(()) if self.gauges is None else import_string(self.gauges)(**kwargs)


_SERVICES, _GAUGES, _ESTIMATES = "collection.services", "collection.selectors.gauges", "collection.services.estimates"

KINDS: dict[Kind, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            kind=Kind.ACCOUNTS,
            collector=f"{_SERVICES}.accounts.collect_accounts",
            datasets=(Dataset.ACCOUNTS,),  # Organizations is not Cost Explorer: no estimate, no gauges
            every=(1, "days"),
        ),
        KindSpec(
            kind=Kind.COSTS,
            # Its run also stores the same days by charge type (services/charge_types.py): one window, one probe.
            # Cost Explorer's or the Data Export's (services/cost_sources.py, DATA_EXPORTS_DATASETS).
            collector=f"{_SERVICES}.cost_sources.collect_costs",
            # Data Exports' runs store the costliest resources too (ResourceCost, services/data_exports.py).
            datasets=(Dataset.COSTS, Dataset.RESOURCES, Dataset.ACCOUNTS),
            every=(1, "hours"),
            estimate=f"{_ESTIMATES}.estimate_costs",
            gauge_families={
                "aws_cost_total": GaugeFamily(
                    "Month-to-date unblended cost (UTC month, today included) in the currency of the label",
                    ("service", "account_id", "currency"),
                ),
                "aws_cost_daily": GaugeFamily(
                    "Unblended cost per UTC day, last METRICS_DAILY_DAYS days, in the currency of the label",
                    ("service", "account_id", "date", "currency"),
                ),
                "aws_cost_yesterday": GaugeFamily(
                    "Unblended cost of yesterday (UTC) in the currency of the label",
                    ("service", "account_id", "currency"),
                ),
                "aws_cost_daily_average_7d": GaugeFamily(
                    "Average daily cost over the 7 days before yesterday in the currency of the label",
                    ("service", "account_id", "currency"),
                ),
                "aws_cost_net": GaugeFamily(
                    "Month-to-date net cost (after discounts) per account, net_unblended or net_amortized, "
                    "in the currency of the label",
                    ("account_id", "metric", "currency"),
                ),
                "aws_cost_by_charge_type": GaugeFamily(
                    "Month-to-date unblended cost per account and charge type (RECORD_TYPE: Usage, Credit, Tax, ...) "
                    "in the currency of the label",
                    ("account_id", "charge_type", "currency"),
                ),
                "aws_resource_cost": GaugeFamily(
                    "Unblended cost of yesterday (UTC) of the METRICS_TOP_RESOURCES costliest resources per currency "
                    "(Data Exports only) in the currency of the label",
                    ("service", "account_id", "resource_id", "currency"),
                ),
            },
            gauges=f"{_GAUGES}.cost_gauges",
            windowed=True,
            default_window=f"{_ESTIMATES}.costs_window",
        ),
        KindSpec(
            kind=Kind.TAGS,
            collector=f"{_SERVICES}.cost_sources.collect_tags",
            datasets=(Dataset.TAGS,),
            every=(30, "minutes"),
            estimate=f"{_ESTIMATES}.estimate_tags",
            gauge_families={
                "aws_cost_by_tag": GaugeFamily(
                    'Month-to-date cost by tag value ("" is untagged) and service in the currency of the label',
                    ("tag_key", "tag_value", "service", "currency"),
                ),
            },
            gauges=f"{_GAUGES}.tag_gauges",
            windowed=True,
            default_window=f"{_ESTIMATES}.tags_window",
        ),
        KindSpec(
            kind=Kind.COST_CATEGORIES,
            collector=f"{_SERVICES}.cost_categories.collect_cost_categories",
            datasets=(Dataset.COST_CATEGORIES,),
            # Cost Explorer refreshes up to three times a day: one run after each refresh, at most.
            every=(8, "hours"),
            estimate=f"{_ESTIMATES}.estimate_cost_categories",
            gauge_families={
                "aws_cost_by_category": GaugeFamily(
                    'Month-to-date unblended cost by cost category value ("" is uncategorized) '
                    "in the currency of the label",
                    ("category", "value", "currency"),
                ),
            },
            gauges="collection.selectors.cost_categories.category_gauges",
            windowed=True,
        ),
        KindSpec(
            kind=Kind.FORECAST,
            collector=f"{_SERVICES}.forecast.get_cost_forecast",
            datasets=(Dataset.FORECAST,),
            every=(2, "hours"),
            estimate=f"{_ESTIMATES}.estimate_forecast",
            gauge_families={
                "aws_cost_forecast": GaugeFamily(
                    "Forecast cost of the current month: cost so far plus the CE forecast, "
                    "in the currency of the label",
                    ("account_id", "currency"),
                ),
                "aws_cost_forecast_lower_bound": GaugeFamily(
                    "Lower bound of aws_cost_forecast (CE prediction interval)", ("account_id", "currency")
                ),
                "aws_cost_forecast_upper_bound": GaugeFamily(
                    "Upper bound of aws_cost_forecast (CE prediction interval)", ("account_id", "currency")
                ),
            },
            gauges=f"{_GAUGES}.forecast_gauges",
        ),
        KindSpec(
            kind=Kind.OPTIMIZATION,
            collector=f"{_SERVICES}.optimization.collect_optimization_recommendations",
            datasets=(Dataset.OPTIMIZATION, Dataset.ACCOUNTS),
            every=(4, "hours"),
            estimate=f"{_ESTIMATES}.estimate_optimization",
            gauge_families={
                "aws_optimization_savings": GaugeFamily(
                    "Estimated monthly savings of active recommendations in the currency of the label, each resource "
                    "counted once",
                    ("type", "category", "currency"),
                ),
            },
            gauges=f"{_GAUGES}.optimization_gauges",
        ),
        KindSpec(
            kind=Kind.RECONCILIATION,
            collector=f"{_SERVICES}.reconciliation.reconcile_costs",
            datasets=(),  # its checks are read by /metrics and the command only (runs and metrics always move)
            every=(1, "days"),
            estimate=f"{_SERVICES}.reconciliation.estimate_reconciliation",
            gauge_families={
                # No currency label: it exports USD checks only, as its name says.
                "costmonitor_reconciliation_difference_usd": GaugeFamily(
                    "Cost Explorer's MONTHLY total minus the stored total in USD, last closed UTC month (latest check)",
                    ("account_id", "metric"),
                ),
            },
            gauges="collection.selectors.reconciliation.reconciliation_gauges",
            windowed=True,
            default_window=f"{_ESTIMATES}.reconciliation_window",
        ),
        KindSpec(
            kind=Kind.BUDGETS,
            collector=f"{_SERVICES}.budgets.collect_budgets",
            datasets=(Dataset.BUDGETS,),
            # AWS updates a budget's spend several times a day; the Budgets API is not Cost Explorer and is free
            # (https://aws.amazon.com/aws-cost-management/aws-budgets/pricing/): no estimate, never refused.
            every=(4, "hours"),
            gauge_families={
                # USD only, as the names say: budgets in another unit (usage, percentages) are in /api/budgets.
                "aws_budget_limit_usd": GaugeFamily("Limit of an active AWS budget in USD", ("budget",)),
                "aws_budget_actual_usd": GaugeFamily(
                    "Actual spend of an active AWS budget's current period in USD", ("budget",)
                ),
                "aws_budget_forecast_usd": GaugeFamily(
                    "Forecast spend of an active AWS budget's current period in USD", ("budget",)
                ),
            },
            gauges="collection.selectors.budgets.budget_gauges",
        ),
        KindSpec(
            kind=Kind.ANOMALIES,
            collector=f"{_SERVICES}.anomalies.collect_anomalies",
            datasets=(Dataset.ANOMALIES,),
            # Cost Anomaly Detection evaluates about three times a day, after Cost Explorer's data refreshes.
            every=(8, "hours"),
            estimate=f"{_SERVICES}.anomalies.estimate_anomalies",
            gauge_families={
                "aws_cost_anomaly_impact_usd": GaugeFamily(
                    "Total impact in USD of an open cost anomaly (ending in the last ANOMALY_DAYS days, not dismissed "
                    "by feedback), with its largest root cause's service and account",
                    ("anomaly_id", "service", "account_id"),
                ),
            },
            gauges="collection.selectors.anomalies.anomaly_gauges",
        ),
        KindSpec(
            kind=Kind.COMMITMENTS,
            collector=f"{_SERVICES}.commitments.collect_commitments",
            datasets=(Dataset.COMMITMENTS,),
            every=(1, "days"),  # Cost Explorer settles a day's utilization and coverage about a day later
            estimate=f"{_SERVICES}.commitments.estimate_commitments",
            gauge_families={
                "aws_savings_plans_utilization_ratio": GaugeFamily(
                    "Savings Plans utilization of the latest collected UTC day, 0 to 1", ("account_id",)
                ),
                "aws_savings_plans_coverage_ratio": GaugeFamily(
                    "Share of eligible spend covered by Savings Plans, latest collected UTC day, 0 to 1",
                    ("account_id",),
                ),
                "aws_reservation_utilization_ratio": GaugeFamily(
                    "Reservation utilization (hours) of the latest collected UTC day, 0 to 1", ("account_id",)
                ),
                "aws_reservation_coverage_ratio": GaugeFamily(
                    "Share of running hours covered by reservations, latest collected UTC day, 0 to 1",
                    ("account_id",),
                ),
                "aws_commitment_expiry_timestamp_seconds": GaugeFamily(
                    "Unix time at which an active Savings Plan or reservation ends", ("type", "id")
                ),
            },
            gauges="collection.selectors.commitments.commitment_gauges",
        ),
    )
}


def gauge_families() -> dict[str, GaugeFamily]:
    """Every kind's snapshot metrics, as /metrics declares them."""
    return {name: family for spec in KINDS.values() for name, family in spec.gauge_families.items()}


def kind_spec(kind: str) -> KindSpec:
    """The registered spec of `kind`, or ValueError naming the kinds there are."""
    try:
        return KINDS[Kind(kind)]
    except ValueError:
        raise ValueError(f"unknown collection kind {kind!r}; choose one of {', '.join(Kind.values)}") from None


def kind_choices() -> list[tuple[str, str]]:
    """`CollectionRun.kind`'s choices. A callable, so a new kind changes no migration."""
    return Kind.choices
