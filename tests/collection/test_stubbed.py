"""Forecast, tags, rightsizing, Savings Plans and Compute Optimizer through botocore's Stubber."""

import datetime as dt
from decimal import Decimal

import pytest

from collection.models import CostForecast, OptimizationRecommendation, TagCost
from collection.services import run_collection
from tests.collection.helpers import ACCOUNT, instance_recommendation, stub
from tests.factories import RecommendationFactory

pytestmark = pytest.mark.django_db

EC2 = "Amazon Elastic Compute Cloud - Compute"


def test_forecast_stores_both_months_with_interval(aws_source, client_hooks):
    today = dt.date.today()
    first_next = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    after = (first_next.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    results = [
        {
            "TimePeriod": {"Start": str(today), "End": str(first_next)},
            "MeanValue": "120.5",
            "PredictionIntervalLowerBound": "100",
            "PredictionIntervalUpperBound": "140.25",
        },
        {
            "TimePeriod": {"Start": str(first_next), "End": str(after)},
            "MeanValue": "900.0000000001",
            "PredictionIntervalLowerBound": "800",
            "PredictionIntervalUpperBound": "1000",
        },
    ]
    stub(
        client_hooks,
        "ce",
        [("get_cost_forecast", {"Total": {"Amount": "1020.5", "Unit": "USD"}, "ForecastResultsByTime": results})],
    )
    run = run_collection(kind="forecast", trigger="command")
    assert run.status == "succeeded", run.error_message
    assert run.ce_requests == 1
    rows = list(
        CostForecast.objects.order_by("period_start").values_list("period_start", "period_end", "mean", "upper_bound")
    )
    assert rows == [
        (today, first_next, Decimal("120.5"), Decimal("140.25")),
        (first_next, after, Decimal("900.0000000001"), Decimal("1000")),
    ]


def test_tags_discovered_with_get_tags_and_untagged_is_empty_value(aws_source, client_hooks):
    day = dt.date.today() - dt.timedelta(days=3)
    page = {
        "ResultsByTime": [
            {
                "TimePeriod": {"Start": str(day), "End": str(day + dt.timedelta(days=1))},
                "Total": {},
                "Groups": [
                    {"Keys": ["team$platform", EC2], "Metrics": {"UnblendedCost": {"Amount": "3.50", "Unit": "USD"}}},
                    {"Keys": ["team$", EC2], "Metrics": {"UnblendedCost": {"Amount": "1.25", "Unit": "USD"}}},
                ],
                "Estimated": True,
            }
        ],
        "GroupDefinitions": [{"Type": "TAG", "Key": "team"}, {"Type": "DIMENSION", "Key": "SERVICE"}],
    }
    stub(
        client_hooks,
        "ce",
        [
            ("get_tags", {"Tags": ["team"], "ReturnSize": 1, "TotalSize": 1}),
            ("get_cost_and_usage", page),
        ],
    )
    run = run_collection(kind="tags", trigger="command", start=day, end=day + dt.timedelta(days=1))
    assert run.status == "succeeded", run.error_message
    assert run.aws_requests == {"ce:GetCostAndUsage": 1, "ce:GetTags": 1}
    assert dict(TagCost.objects.values_list("tag_value", "amount")) == {
        "platform": Decimal("3.50"),
        "": Decimal("1.25"),
    }


def test_recommendations_all_pages_and_vanished_ones_inactive(optimization_stubs):
    gone = RecommendationFactory(resource_id="i-gone")
    stub(
        optimization_stubs,
        "compute-optimizer",
        [
            (
                "get_ec2_instance_recommendations",
                {"instanceRecommendations": [instance_recommendation("i-aaa", 55.25)]},
            )
        ],
    )
    run = run_collection(kind="optimization", trigger="command")
    assert run.status == "succeeded", run.error_message
    active = OptimizationRecommendation.objects.filter(active=True)
    assert sorted(active.values_list("type", "resource_id", "estimated_monthly_savings")) == [
        ("compute_optimizer", f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-aaa", Decimal("55.25")),
        ("rightsizing", "i-aaa", Decimal("40.5")),
        ("rightsizing", "i-bbb", Decimal("10")),
        ("savings_plans", "COMPUTE_SP/ONE_YEAR/NO_UPFRONT", Decimal("300.10")),
    ]
    gone.refresh_from_db()
    assert gone.active is False
    assert run.ce_requests == 3


def test_compute_optimizer_not_enabled_is_partial(optimization_stubs):
    stub(optimization_stubs, "compute-optimizer", [("get_ec2_instance_recommendations", "OptInRequiredException")])
    run = run_collection(kind="optimization", trigger="command")
    assert run.status == "partial"
    assert run.error_code == "OptInRequiredException"
    assert "not enabled" in run.error_message
    assert OptimizationRecommendation.objects.filter(type="rightsizing").count() == 2
