"""GET /metrics: the persisted gauges and health, token protection, caching, API request metrics."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.cache import cache
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from api.metrics.collectors import SnapshotCollector
from api.metrics.snapshot_text import render_snapshot
from collection.services.snapshot import write_metric_snapshot
from collection.task_names import COLLECT_TASK
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def scrape(client, **headers) -> list:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return [sample for family in text_string_to_metric_families(response.content.decode()) for sample in family.samples]


def samples(scraped: list, name: str) -> dict[tuple, float]:
    found = {tuple(sorted(s.labels.items())): s.value for s in scraped if s.name == name}
    assert found, f"{name} is missing"
    return found


def test_metrics_show_every_gauge_from_the_snapshot(client, metrics_history, settings):
    settings.MONTHLY_BUDGET_USD = 1000
    families = scrape(client)

    totals = samples(families, "aws_cost_total")
    today = metrics_history["today"]
    assert totals[(("account_id", "123456789012"), ("currency", "USD"), ("service", "EC2"))] == 10.5 * min(today.day, 9)
    assert len(samples(families, "aws_cost_daily")) == 2 * 7
    # Net cost per account where every day knows it: the member's S3 rows have none, so it has no series.
    days_this_month = min(today.day, 9)
    assert samples(families, "aws_cost_net") == {
        (("account_id", "123456789012"), ("currency", "USD"), ("metric", "net_unblended")): 10 * days_this_month
    }
    assert samples(families, "aws_cost_by_charge_type") == {
        (("account_id", "123456789012"), ("charge_type", "Credit"), ("currency", "USD")): -1.5 * days_this_month
    }
    # The month-end projection: the cost of this month's days before the forecast's start (today), plus its mean.
    # On the 1st no day precedes today, so the projection is the mean alone.
    days_before_today = min(today.day - 1, 8)
    assert (
        samples(families, "aws_cost_forecast")[(("account_id", "all"), ("currency", "USD"))]
        == 900 + 12.75 * days_before_today
    )
    assert (
        samples(families, "aws_cost_by_tag")[
            (("currency", "USD"), ("service", "Amazon Simple Storage Service"), ("tag_key", "team"), ("tag_value", ""))
        ]
        == 1
    )
    assert samples(families, "aws_optimization_savings") == {
        (("category", "MODIFY"), ("currency", "USD"), ("type", "rightsizing")): 42.1
    }
    assert samples(families, "costmonitor_collection_runs_total") == {
        (("kind", "costs"), ("status", "succeeded")): 1,
        (("kind", "tags"), ("status", "failed")): 1,
    }
    assert samples(families, "costmonitor_collection_errors_total") == {
        (("error_code", "ThrottlingException"), ("kind", "tags")): 1
    }
    assert samples(families, "costmonitor_collection_last_duration_seconds")[(("kind", "costs"),)] == pytest.approx(180)
    assert samples(families, "costmonitor_collection_last_success_timestamp_seconds")[(("kind", "forecast"),)] == 0
    assert samples(families, "costmonitor_aws_requests_this_month") == {(("operation", "ce:GetCostAndUsage"),): 4}
    assert samples(families, "costmonitor_monthly_budget_usd") == {(): 1000}


def test_athena_spend_this_month_is_exposed_like_cost_explorers(client, db):
    factories.CollectionRunFactory(bytes_scanned={"athena": 3 * 2**40})
    families = scrape(client)
    assert samples(families, "costmonitor_athena_bytes_scanned_this_month") == {(): 3 * 2**40}
    assert samples(families, "costmonitor_athena_cost_usd_this_month") == {(): 15.0}


def test_account_ids_are_masked_when_configured(client, metrics_history, settings):
    settings.MASK_ACCOUNT_IDS = True
    accounts = {dict(k)["account_id"] for k in samples(scrape(client), "aws_cost_total")}
    assert accounts == {"1234****9012", "2109****4321"}


def test_the_snapshot_is_rendered_once_per_collection(client, metrics_history, django_assert_num_queries):
    scrape(client)
    with django_assert_num_queries(0):
        client.get("/metrics")  # health and snapshot both cached
    factories.CostDataFactory(account=metrics_history["payer"], date=metrics_history["today"], service="Lambda")
    assert "Lambda" not in str(samples(scrape(client), "aws_cost_total"))  # no collection yet: same snapshot
    write_metric_snapshot(kind="costs")
    assert "Lambda" in str(samples(scrape(client), "aws_cost_total"))


def test_token_is_required_when_set(client, db, settings):
    settings.METRICS_TOKEN = "s3cret"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    denied = client.get("/metrics", HTTP_AUTHORIZATION="Basic s3cret")
    assert denied.status_code == 401
    assert denied["WWW-Authenticate"].startswith("Bearer")
    assert any(s.name.startswith("python_") for s in scrape(client, HTTP_AUTHORIZATION="Bearer s3cret"))


def test_main_port_can_leave_metrics_to_the_metrics_port(client, db, settings):
    settings.METRICS_ON_MAIN_PORT = False
    assert client.get("/metrics").status_code == 404


def test_api_requests_are_counted_by_route_not_path(client, db):
    def count(scraped, name, **labels):
        return sum(s.value for s in scraped if s.name == name and labels.items() <= s.labels.items())

    before = scrape(client)
    client.get("/api/no-such-thing/42")
    client.get("/api/no-such-thing/43")
    client.post("/admin/login/")  # outside /api/: not counted
    after = scrape(client)

    unmatched = {"method": "GET", "endpoint": "unmatched"}
    assert count(after, "api_requests_total", **unmatched) - count(before, "api_requests_total", **unmatched) == 2
    assert count(after, "api_errors_total", status="404") - count(before, "api_errors_total", status="404") == 2
    assert count(after, "api_requests_total", method="POST") == count(before, "api_requests_total", method="POST")
    assert not any("42" in str(s.labels) for s in after if s.name == "api_requests_total")


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool (Debian package prometheus) is not installed")
def test_promtool_finds_no_problem_in_the_exposition(client, metrics_history):
    client.get("/api/anything")
    body = client.get("/metrics").content
    result = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True, check=False)  # noqa: S607
    assert (result.returncode, result.stdout + result.stderr) == (0, b"")


def test_the_collecting_process_renders_the_snapshot_so_no_scrape_does(client, metrics_history, monkeypatch):
    factories.CostDataFactory(account=metrics_history["payer"], date=metrics_history["today"], service="Lambda")
    write_metric_snapshot(kind="costs")  # committed (transactional test), so it is published and rendered

    def no_rendering():
        raise AssertionError("a scrape rendered the snapshot from the database")

    monkeypatch.setattr("api.metrics.exposition.render_snapshot", no_rendering)
    assert "Lambda" in str(samples(scrape(client), "aws_cost_total"))


def test_the_snapshot_text_is_what_prometheus_client_renders(metrics_history, settings):
    factories.MetricDataFactory(name="aws_cost_total", labels={"service": 'a"b\\c\nd', "account_id": "123456789012"})
    factories.MetricDataFactory(name="aws_optimization_savings", labels={"type": "x"}, value=Decimal("0.00001"))
    settings.MASK_ACCOUNT_IDS = True
    assert render_snapshot() == generate_latest(SnapshotCollector())
    assert b'service="a\\"b\\\\c\\nd"' in render_snapshot()


def test_collection_intervals_follow_the_schedule_in_the_database(client, db):
    """CollectionStale's intervals: each kind's enabled schedule, as beat reads it and the admin edits it."""
    PeriodicTask.objects.all().delete()
    half_hour = IntervalSchedule.objects.create(every=30, period=IntervalSchedule.MINUTES)
    costs = PeriodicTask.objects.create(name="costs", task=COLLECT_TASK, kwargs='{"kind": "costs"}', interval=half_hour)
    six_hourly = CrontabSchedule.objects.create(minute="0", hour="*/6")
    PeriodicTask.objects.create(name="tags", task=COLLECT_TASK, kwargs='{"kind": "tags"}', crontab=six_hourly)
    forecast = '{"kind": "forecast"}'
    PeriodicTask.objects.create(name="forecast", task=COLLECT_TASK, kwargs=forecast, interval=half_hour, enabled=False)
    PeriodicTask.objects.create(name="no kind", task=COLLECT_TASK, kwargs='{"trigger": "schedule"}', interval=half_hour)
    assert samples(scrape(client), "costmonitor_collection_interval_seconds") == {
        (("kind", "costs"),): 1800.0,
        (("kind", "tags"),): 21600.0,
    }

    costs.interval = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.HOURS)
    costs.save()
    cache.clear()  # health metrics are cached for HEALTH_CACHE_SECONDS
    assert samples(scrape(client), "costmonitor_collection_interval_seconds")[(("kind", "costs"),)] == 7200.0
