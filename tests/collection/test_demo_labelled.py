"""The demo source is labelled wherever its data goes (runs, /metrics, CSV) and its bill is plausible."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from prometheus_client.parser import text_string_to_metric_families

from collection.models import CollectionRun, CostForecast, OptimizationRecommendation
from collection.selectors import ce_spend_this_month, cost_totals, savings_by_type
from collection.services import run_collection

pytestmark = pytest.mark.django_db

# The 1st of a 31-day month before another 31-day month: the rest of December and January are as long.
DEC_1_0703 = dt.datetime(2026, 12, 1, 7, 3, tzinfo=dt.UTC)


@pytest.fixture
def at():
    """`at(instant)`: travel there (time stands still) for the rest of the test."""
    travellers = []

    def travel(instant: dt.datetime) -> None:
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(instant, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield travel
    for traveller in travellers:
        traveller.stop()


def test_a_queued_run_answers_the_source_it_then_runs_as(staff_api_client, demo_source, settings):
    response = staff_api_client.post("/api/runs", {"kind": "forecast"}, format="json")
    assert response.status_code == 202
    queued = response.json()["data"]
    assert (queued["status"], queued["source"]) == ("queued", "demo")
    settings.COST_SOURCE = "aws"  # resolved once, at queue time: the run reads what its answer said
    run = run_collection(kind="forecast", trigger="api", run_id=queued["id"])
    assert (run.status, run.source) == ("succeeded", "demo")
    assert CostForecast.objects.exists()


def test_demo_requests_are_unbilled_in_the_run_as_in_the_months_spend(demo_source):
    run = run_collection(kind="costs", trigger="schedule")
    # Costs and charge types, and the resources of the demo's Data Export (its listing, two manifests): the calls
    # are still accounted.
    assert run.aws_requests == {"ce:GetCostAndUsage": 4, "s3:GetObject": 2, "s3:ListObjectsV2": 1}
    assert (run.ce_requests, run.ce_cost_usd) == (0, Decimal("0.00"))
    assert ce_spend_this_month()["requests"] == run.ce_requests == 0
    assert "0 CE requests (USD 0.00), source demo" in run.summary()


def test_forecasts_differ_by_month_even_when_the_months_are_as_long(demo_source, at):
    at(DEC_1_0703)
    assert run_collection(kind="forecast", trigger="schedule").status == "succeeded"
    forecasts = {f.period_start: f for f in CostForecast.objects.filter(scope="")}
    december, january = forecasts[dt.date(2026, 12, 1)], forecasts[dt.date(2027, 1, 1)]
    assert (december.period_end - december.period_start) == (january.period_end - january.period_start)
    assert january.mean > december.mean  # the demo organization grows
    assert january.lower_bound < january.mean < january.upper_bound


def test_todays_partial_day_is_in_proportion_to_the_hour(demo_source, at):
    today = DEC_1_0703.date()
    at(DEC_1_0703)
    run_collection(kind="costs", trigger="schedule")
    partial = cost_totals(start=today, end=today + dt.timedelta(days=1))["USD"]
    at(DEC_1_0703 + dt.timedelta(days=1))  # same hour of the next day: no refresh factor between the two
    run_collection(kind="costs", trigger="schedule")
    whole = cost_totals(start=today, end=today + dt.timedelta(days=1))["USD"]
    assert whole > 0
    assert abs(partial / whole - Decimal(7) / Decimal(24)) < Decimal("0.000001")


def test_recommendations_name_distinct_instances_each_counted_once(demo_source):
    assert run_collection(kind="optimization", trigger="schedule").status == "succeeded"
    recs = OptimizationRecommendation.objects.filter(active=True)
    rightsized = set(recs.filter(type="rightsizing").values_list("resource_id", flat=True))
    optimizer_arns = recs.filter(type="compute_optimizer").values_list("resource_id", flat=True)
    optimized = {arn.rsplit("/", 1)[-1] for arn in optimizer_arns}
    assert rightsized
    assert optimized
    assert not rightsized & optimized  # no instance is in both lists
    summary = {row["type"]: row for row in savings_by_type()}
    instances = summary["rightsizing"]["count"] + summary["compute_optimizer"]["count"]
    assert instances == len(rightsized | optimized)
    total = sum(summary[kind]["estimated_monthly_savings"] for kind in ("rightsizing", "compute_optimizer"))
    ec2 = recs.filter(type__in=["rightsizing", "compute_optimizer"])
    assert total == sum(r.estimated_monthly_savings for r in ec2)


def test_a_recommendation_is_never_first_seen_after_it_was_last_seen(demo_source, at):
    at(DEC_1_0703)
    run_collection(kind="optimization", trigger="schedule")
    first = dict(OptimizationRecommendation.objects.values_list("resource_id", "first_seen"))
    assert all(r.first_seen == r.last_seen for r in OptimizationRecommendation.objects.all())
    at(DEC_1_0703 + dt.timedelta(hours=13))
    run_collection(kind="optimization", trigger="schedule")
    for rec in OptimizationRecommendation.objects.all():
        assert rec.first_seen == first[rec.resource_id] < rec.last_seen


def data_source_gauge(client) -> dict[str, float]:
    text = client.get("/metrics").content.decode()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    return {s.labels["source"]: s.value for s in families["costmonitor_data_source"].samples}


def test_metrics_label_the_data_source(client, demo_source, metrics_on_api_port, settings):
    settings.COST_SOURCE = "aws"  # before any run: the configured source
    assert data_source_gauge(client) == {"aws": 1.0, "demo": 0.0}
    settings.COST_SOURCE = "demo"
    run_collection(kind="accounts", trigger="schedule")
    cache.clear()  # the health gauges are cached for a few seconds
    assert data_source_gauge(client) == {"aws": 0.0, "demo": 1.0}


def test_csv_of_demo_data_is_marked_in_its_name_and_header(api_client, demo_source):
    run_collection(kind="costs", trigger="schedule")
    response = api_client.get("/api/costs?group_by=service&format=csv")
    assert response["Content-Disposition"].endswith('_DEMO.csv"')
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "period,service,amount,currency,data_source"
    assert len(lines) > 1
    assert all(line.endswith(",demo") for line in lines[1:])


def test_csv_of_aws_data_is_unmarked(api_client, history):
    CollectionRun.objects.update(source="aws", status="succeeded")
    response = api_client.get("/api/optimization?format=csv")
    assert "DEMO" not in response["Content-Disposition"]
    assert "data_source" not in b"".join(response.streaming_content).decode().splitlines()[0]
