"""The shipped dashboard and alert rules refer only to metrics that /metrics exposes."""

import json
import re
import shutil
import subprocess

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.metrics.promql import ALERTS, DASHBOARD, alert_rules, dashboard_queries, metric_names

SCRAPE_METRICS = {"up"}  # added by Prometheus to every target


@pytest.fixture
def exposed(client, metrics_history, default_schedule, settings) -> set[str]:
    settings.MONTHLY_BUDGET_USD = 1000
    client.get("/api/anything")
    text = client.get("/metrics").content.decode()
    return {sample.name for family in text_string_to_metric_families(text) for sample in family.samples}


def test_parser_finds_metric_names_not_functions_labels_or_numbers():
    expr = 'histogram_quantile(0.95, sum by (le) (rate(a_bucket{x="b c"}[5m]))) > on(kind) 2 * r:x or vector(1e3)'
    assert metric_names(expr) == {"a_bucket", "r:x"}


def test_dashboard_queries_use_only_exposed_metrics(exposed):
    queries = dashboard_queries()
    assert len(queries) >= 20
    unknown = {name for query in queries for name in metric_names(query)} - exposed - SCRAPE_METRICS
    assert unknown == set()


def test_alert_rules_use_only_exposed_metrics(exposed):
    rules = alert_rules()
    unknown = {name for rule in rules for name in metric_names(rule["expr"])} - exposed - SCRAPE_METRICS
    assert unknown == set()
    assert {rule["alert"] for rule in rules if "alert" in rule} == {
        "CostCollectorDown", "HighErrorRate", "CollectionStale", "CostExplorerThrottling", "DailyCostSpike",
        "ForecastOverBudget", "ReconciliationDifference", "AwsBudgetForecastOverLimit", "CostAnomalyDetected",
        "CommitmentUtilizationLow", "CommitmentCoverageDropping", "CommitmentExpiringSoon", "CostmonitorSchedulePaused",
    }  # fmt: skip


# Amounts with a `currency` label; a metric whose name says its currency (…_usd) has none.
AMOUNT_SELECTOR = re.compile(r"\b(aws_cost_(?!\w*_usd\b)\w+|aws_resource_cost|aws_optimization_savings)\b(\{[^}]*\})?")


def test_every_amount_the_dashboard_adds_up_is_in_one_currency():
    """Amounts carry a `currency` label and are never added across it (issue 13, defect 5)."""
    selectors = [m for query in dashboard_queries() for m in AMOUNT_SELECTOR.finditer(query)]
    assert len(selectors) >= 15
    assert [m.group(0) for m in selectors if 'currency="' not in (m.group(2) or "")] == []


def test_dashboard_is_valid_grafana_json():
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] == "costmonitor-aws-cost"
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool (Debian package prometheus) is not installed")
@pytest.mark.parametrize("command", [["check", "rules", ALERTS.name], ["test", "rules", "alerts_test.yml"]])
def test_promtool_accepts_the_rules_and_their_unit_tests(command):
    result = subprocess.run(["promtool", *command], cwd=ALERTS.parent, capture_output=True, text=True, check=False)  # noqa: S603, S607
    assert result.returncode == 0, result.stdout + result.stderr
