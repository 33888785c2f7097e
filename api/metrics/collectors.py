"""Custom collectors over what collections persisted, so every process serves the same values."""

from collections import Counter
from collections.abc import Iterator
from itertools import groupby

from django.conf import settings
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from collection.data_source import SOURCES
from collection.kinds import gauge_families
from collection.models import CollectionRun
from collection.selectors import collection_health, metric_snapshot
from costmonitor.masking import public_account_id

# name: (help, labels), as each kind declares its gauges (collection.kinds); see README "Metrics and alerting".
SNAPSHOT_METRICS = gauge_families()


# Resource ids may be ARNs, which hold an account id (arn:aws:ec2:us-east-1:123456789012:…): masked alike.
MASKED_LABELS = ("account_id", "resource_id")


def _public(labels: dict) -> dict:
    return {name: public_account_id(value) if name in MASKED_LABELS else value for name, value in labels.items()}


# Month-to-date cost accumulates and restarts at zero each month: a counter that resets monthly,
# which is also what its _total name promises (promtool rejects a gauge named *_total).
SNAPSHOT_COUNTERS = {"aws_cost_total"}


def _family(name: str, documentation: str, labels: list[str], counters: set[str]) -> Metric:
    return (CounterMetricFamily if name in counters else GaugeMetricFamily)(name, documentation, labels=labels)


class SnapshotCollector(Collector):
    """The design's cost gauges, from the latest MetricData snapshot (one query)."""

    def describe(self) -> Iterator[Metric]:
        for name, (documentation, labels) in SNAPSHOT_METRICS.items():
            yield _family(name, documentation, labels, SNAPSHOT_COUNTERS)

    def collect(self) -> Iterator[Metric]:
        for name, rows in groupby(metric_snapshot(), key=lambda row: row[0]):
            if name not in SNAPSHOT_METRICS:
                continue  # a value of a retired gauge, left by an older version; never expose unknown names
            documentation, labels = SNAPSHOT_METRICS[name]
            family = _family(name, documentation, labels, SNAPSHOT_COUNTERS)
            for _, values, value in rows:
                values = _public(values)
                family.add_metric([str(values.get(label, "")) for label in labels], float(value))
            yield family


HEALTH_METRICS = {
    "costmonitor_collection_last_success_timestamp_seconds": (
        "Unix time of the last successful run (0: never)",
        ["kind"],
    ),
    "costmonitor_collection_last_duration_seconds": ("Duration of the latest finished run", ["kind"]),
    "costmonitor_collection_interval_seconds": (
        "Seconds between scheduled runs of the kind (beat's enabled periodic tasks; a crontab's longest gap)",
        ["kind"],
    ),
    "costmonitor_collection_runs": ("Finished collection runs by kind and status", ["kind", "status"]),
    "costmonitor_collection_errors": (
        "Finished runs that recorded an error, by kind and error code",
        ["kind", "error_code"],
    ),
    "costmonitor_ce_requests_this_month": ("Billed Cost Explorer requests this UTC month", []),
    "costmonitor_ce_cost_usd_this_month": ("USD spent on Cost Explorer requests this UTC month (0.01 each)", []),
    "costmonitor_athena_bytes_scanned_this_month": (
        "Bytes Athena billed this UTC month (each query rounded up to the MB, 10 MB at least)",
        [],
    ),
    "costmonitor_athena_cost_usd_this_month": ("USD spent on Athena scans this UTC month (5 per TB)", []),
    "costmonitor_aws_requests_this_month": ("AWS API requests by operation this UTC month", ["operation"]),
    "costmonitor_aws_retries_this_month": (
        "AWS answers retried (throttling, 5xx, network errors) by operation this UTC month",
        ["operation"],
    ),
    "costmonitor_monthly_budget_usd": ("The monthly budget (MONTHLY_BUDGET_USD) that ForecastOverBudget checks", []),
    "costmonitor_data_source": (
        "1 for the source of the cost data served (demo: a synthetic bill, not AWS's), 0 for the other",
        ["source"],
    ),
    "costmonitor_schedule_paused": (
        "1 while scheduled AWS collections wait for the first-run go-ahead (manage.py confirm_first_run), else 0",
        [],
    ),
}
HEALTH_COUNTERS = {"costmonitor_collection_runs", "costmonitor_collection_errors"}


def _health_samples(health: dict) -> Iterator[tuple[str, tuple[str, ...], float]]:
    for kind in CollectionRun.Kind.values:
        last = health["last_success"].get(kind)
        yield "costmonitor_collection_last_success_timestamp_seconds", (kind,), last.timestamp() if last else 0.0
    for kind, seconds in sorted(health["last_duration"].items()):
        yield "costmonitor_collection_last_duration_seconds", (kind,), seconds
    for kind, seconds in sorted(health["intervals"].items()):
        yield "costmonitor_collection_interval_seconds", (kind,), seconds
    runs: Counter[tuple[str, ...]] = Counter()
    errors: Counter[tuple[str, ...]] = Counter()
    for row in health["runs"]:
        runs[row["kind"], row["status"]] += row["runs"]
        if row["error_code"]:
            errors[row["kind"], row["error_code"]] += row["runs"]
    for labels, count in sorted(runs.items()):
        yield "costmonitor_collection_runs", labels, count
    for labels, count in sorted(errors.items()):
        yield "costmonitor_collection_errors", labels, count
    yield "costmonitor_ce_requests_this_month", (), health["ce_spend"]["requests"]
    yield "costmonitor_ce_cost_usd_this_month", (), float(health["ce_spend"]["usd"])
    yield "costmonitor_athena_bytes_scanned_this_month", (), health["athena_spend"]["bytes"]
    yield "costmonitor_athena_cost_usd_this_month", (), float(health["athena_spend"]["usd"])
    for operation, count in sorted(health["aws_requests"].items()):
        yield "costmonitor_aws_requests_this_month", (operation,), count
    for operation, count in sorted(health["aws_retries"].items()):
        yield "costmonitor_aws_retries_this_month", (operation,), count
    if settings.MONTHLY_BUDGET_USD:
        yield "costmonitor_monthly_budget_usd", (), float(settings.MONTHLY_BUDGET_USD)
    for source in SOURCES:  # both series, so a dashboard can filter on `costmonitor_data_source{source="aws"} == 1`
        yield "costmonitor_data_source", (source,), float(source == health["data_source"])
    yield "costmonitor_schedule_paused", (), float(health["schedule_paused"])


class HealthCollector(Collector):
    """The collector's own health from the run history, plus the configured budget."""

    def describe(self) -> Iterator[Metric]:
        return iter(self._families().values())

    def collect(self) -> Iterator[Metric]:
        families = self._families()
        for name, labels, value in _health_samples(collection_health()):
            families[name].add_metric(list(labels), value)
        return iter(families.values())

    @staticmethod
    def _families() -> dict[str, Metric]:
        return {name: _family(name, text, labels, HEALTH_COUNTERS) for name, (text, labels) in HEALTH_METRICS.items()}
