"""A real Prometheus scrapes separately started costmonitor processes; the values and the dashboard hold."""

import datetime as dt
import json
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from collection.models import Commitment
from collection.months import month_start
from collection.selectors import cost_breakdown
from costmonitor.masking import public_account_id
from tests.metrics.promql import ALERTS, alert_rules, dashboard_queries
from tests.metrics.servers import get, manage, process, prometheus_query, server_env, status
from tests.processes import ROOT, free_port, wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(connection.vendor == "sqlite", reason="other processes cannot share an in-memory test database"),
]

TOKEN = "e2e-metrics-token"
PROMETHEUS_CONFIG = """
global: {{scrape_interval: 1s, evaluation_interval: 1s}}
rule_files: ["{rules}"]
scrape_configs:
  - job_name: cost-collector
    authorization: {{credentials: {token}}}
    static_configs: [{{targets: ["127.0.0.1:{port}"]}}]
"""


def database_totals(today) -> dict[tuple[str, str], float]:
    end = today + dt.timedelta(days=1)
    rows = cost_breakdown(start=month_start(today=today), end=end, granularity=None, group_by=("service", "account"))
    return {(public_account_id(r["account_id"]), r["service"]): float(r["amount"]) for r in rows}


@pytest.fixture
def costmonitor(metrics_history, tmp_path):
    """The web app and the separate metrics port (serve_metrics), sharing one multiprocess directory."""
    multiproc = tmp_path / "multiproc"
    multiproc.mkdir()
    env = server_env(PROMETHEUS_MULTIPROC_DIR=str(multiproc), METRICS_TOKEN=TOKEN, MONTHLY_BUDGET_USD="1000")
    web_port, metrics_port = free_port(), free_port()
    web = manage("runserver", "--noreload", f"127.0.0.1:{web_port}")
    metrics = manage("serve_metrics", "--addr", "127.0.0.1", "--port", str(metrics_port))
    with (
        process(web, env, f"http://127.0.0.1:{web_port}/admin/login/"),
        process(metrics, env, f"http://127.0.0.1:{metrics_port}/"),
    ):
        yield {"web": f"http://127.0.0.1:{web_port}", "metrics": f"http://127.0.0.1:{metrics_port}"}


def test_metrics_port_serves_only_metrics_with_the_workers_api_counts(costmonitor):
    for _ in range(3):  # 404s, counted by the web process
        assert status(f"{costmonitor['web']}/api/costs-does-not-exist") == 404
    body = get(f"{costmonitor['metrics']}/metrics", TOKEN).decode()
    assert 'api_requests_total{endpoint="unmatched",method="GET"} 3.0' in body
    assert "aws_cost_total{" in body
    assert status(f"{costmonitor['metrics']}/metrics") == 401
    assert status(f"{costmonitor['metrics']}/admin/login/", TOKEN) == 404


@pytest.mark.skipif(shutil.which("prometheus") is None, reason="prometheus (Debian package) is not installed")
def test_real_prometheus_scrapes_db_values_and_every_dashboard_query_returns_data(
    costmonitor, metrics_history, default_schedule
):
    for _ in range(3):
        assert status(f"{costmonitor['web']}/api/costs-does-not-exist") == 404
    port = free_port()
    metrics_port = costmonitor["metrics"].rsplit(":", 1)[1]
    with tempfile.TemporaryDirectory() as work:
        config = Path(work) / "prometheus.yml"
        config.write_text(PROMETHEUS_CONFIG.format(rules=ALERTS, token=TOKEN, port=metrics_port))
        args = [shutil.which("prometheus"), f"--config.file={config}", f"--storage.tsdb.path={work}/data",
                f"--web.listen-address=127.0.0.1:{port}"]  # fmt: skip
        with process(args, {}, f"http://127.0.0.1:{port}/-/ready"):
            base = f"http://127.0.0.1:{port}"
            scraped = wait_until(lambda: prometheus_query(base, 'aws_cost_total{job="cost-collector"}'))
            got = {(r["metric"]["account_id"], r["metric"]["service"]): float(r["value"][1]) for r in scraped}
            assert got == pytest.approx(database_totals(metrics_history["today"]))
            assert got[("123456789012", "EC2")] == float(Decimal("10.5") * min(metrics_history["today"].day, 9))
            for query in dashboard_queries():
                wait_until(lambda q=query: prometheus_query(base, q), timeout=20)
            # The AWS budget and the anomaly of the history, as their panels and alerts read them.
            budget = prometheus_query(base, "aws_budget_forecast_usd - on(budget) aws_budget_limit_usd")
            assert [(r["metric"]["budget"], float(r["value"][1])) for r in budget] == [("Production", 250.0)]
            anomaly = prometheus_query(base, "aws_cost_anomaly_impact_usd")
            assert [(r["metric"]["anomaly_id"], float(r["value"][1])) for r in anomaly] == [("a-1", 312.75)]
            by_category = prometheus_query(base, 'aws_cost_by_category{job="cost-collector", currency="USD"}')
            # Prometheus keeps no empty label: the uncategorized series has no `value` label at all.
            values = {
                (r["metric"]["category"], r["metric"].get("value", "")): float(r["value"][1]) for r in by_category
            }
            assert values == {
                ("Business Unit", "Retail"): 6.0,
                ("Business Unit", ""): 1.0,
            }
            rules = json.loads(get(f"{base}/api/v1/rules"))["data"]["groups"][0]["rules"]
            assert {rule["name"] for rule in rules} == {rule["alert"] for rule in alert_rules()}
            # CollectionStale's intervals come from the schedule in the database, as beat reads it.
            interval = wait_until(lambda: prometheus_query(base, "costmonitor_collection_interval_seconds"))
            assert {r["metric"]["kind"]: float(r["value"][1]) for r in interval} == {
                "costs": 3600.0, "forecast": 7200.0, "tags": 1800.0, "optimization": 14400.0, "accounts": 86400.0,
                "reconciliation": 86400.0, "budgets": 14400.0, "anomalies": 28800.0, "commitments": 86400.0,
                "cost_categories": 28800.0,
            }  # fmt: skip
            # The commitment's end, as stored: the expiry panel and CommitmentExpiringSoon read it.
            ends = wait_until(lambda: prometheus_query(base, "aws_commitment_expiry_timestamp_seconds"))
            assert [float(r["value"][1]) for r in ends] == [
                float(int(c.ends_at.timestamp())) for c in Commitment.objects.all()
            ]


def test_a_collection_by_command_in_one_process_shows_on_metrics_of_another(transactional_db):
    port = free_port()
    env = server_env(COST_SOURCE="demo")
    serve = manage("serve_metrics", "--addr", "127.0.0.1", "--port", str(port))  # the metrics port: DEBUG is off
    with process(serve, env, f"http://127.0.0.1:{port}/metrics"):
        assert "aws_cost_total{" not in get(f"http://127.0.0.1:{port}/metrics").decode()
        subprocess.run(manage("collect_costs", "--kind", "costs"), cwd=ROOT, env=env, check=True, timeout=120)  # noqa: S603
        body = get(f"http://127.0.0.1:{port}/metrics").decode()
    scraped = {
        (s.labels["account_id"], s.labels["service"]): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
        if s.name == "aws_cost_total"
    }
    expected = database_totals(timezone.now().date())
    assert expected
    assert scraped == pytest.approx(expected)
