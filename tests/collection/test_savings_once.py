"""Savings totals count a resource once: a rightsizing and a Compute Optimizer recommendation on one instance (as
real AWS answers have them, through botocore's Stubber) are alternatives, in /api/optimization, the overview and
/metrics alike."""

import re
from decimal import Decimal

import pytest

from collection.models import OptimizationRecommendation
from collection.selectors import savings_by_type
from collection.services import run_collection
from tests.collection.helpers import ACCOUNT, instance_recommendation, stub
from tests.factories import AwsAccountFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

# Rightsizing (optimization_stubs): i-aaa 40.5, i-bbb 10; Savings Plans 300.10. Compute Optimizer: i-aaa 55.25,
# i-ccc 7. i-aaa counts once, with Compute Optimizer's larger saving.
TOTAL = Decimal("55.25") + Decimal("7") + Decimal("10") + Decimal("300.10")


@pytest.fixture
def collected(optimization_stubs):
    """https://docs.aws.amazon.com/compute-optimizer/latest/APIReference/API_GetEC2InstanceRecommendations.html"""
    answer = {"instanceRecommendations": [instance_recommendation("i-aaa", 55.25), instance_recommendation("i-ccc", 7)]}
    stub(optimization_stubs, "compute-optimizer", [("get_ec2_instance_recommendations", answer)])
    run = run_collection(kind="optimization", trigger="command")
    assert run.status == "succeeded", run.error_message
    assert OptimizationRecommendation.objects.filter(active=True).count() == 5


def test_the_api_summary_counts_an_instance_once_and_lists_every_recommendation(collected, api_client):
    data = api_client.get("/api/optimization").json()["data"]
    summary = {row["type"]: row for row in data["summary"]}
    assert summary["compute_optimizer"] | {"estimated_monthly_savings": None} == {
        "type": "compute_optimizer",
        "currency": "USD",
        "count": 2,
        "estimated_monthly_savings": None,
        "overlapping": 0,
    }
    assert Decimal(summary["compute_optimizer"]["estimated_monthly_savings"]) == Decimal("62.25")
    assert (summary["rightsizing"]["count"], summary["rightsizing"]["overlapping"]) == (1, 1)
    assert Decimal(summary["rightsizing"]["estimated_monthly_savings"]) == Decimal("10")
    assert sum(Decimal(row["estimated_monthly_savings"]) for row in data["summary"]) == TOTAL
    assert len(data["recommendations"]) == 5, "nothing is hidden from the list"


def test_a_filter_on_one_type_counts_its_own_recommendations(collected, api_client):
    data = api_client.get("/api/optimization?type=rightsizing").json()["data"]
    assert [
        (row["count"], row["overlapping"], Decimal(row["estimated_monthly_savings"])) for row in data["summary"]
    ] == [(2, 0, Decimal("50.5"))]


def test_the_overview_total_counts_an_instance_once(collected, staff_client):
    page = staff_client.get("/").content.decode()
    total = re.search(r'data-figure="savings-total" data-currency="USD">([^<]+)<', page).group(1)
    assert Decimal(total.replace(",", "")) == TOTAL


def test_metrics_savings_add_up_to_each_instance_once(collected, client, metrics_on_api_port):
    lines = [line for line in client.get("/metrics").content.decode().splitlines() if line.startswith("aws_optim")]
    assert sum(Decimal(line.rsplit(" ", 1)[1]) for line in lines) == TOTAL
    assert any('type="rightsizing"' in line and line.endswith(" 10.0") for line in lines), lines


def test_a_tie_counts_one_recommendation_and_currencies_are_apart():
    account = AwsAccountFactory(account_id=ACCOUNT)
    arn = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-tie"
    for type_, resource, currency in [
        ("rightsizing", "i-tie", "USD"),
        ("compute_optimizer", arn, "USD"),
        ("compute_optimizer", f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-eur", "EUR"),
        ("rightsizing", "i-eur", "USD"),  # another currency: never weighed against the EUR one
    ]:
        RecommendationFactory(
            type=type_, account=account, resource_id=resource, currency=currency, estimated_monthly_savings=5
        )
    summary = {(row["type"], row["currency"]): (row["count"], row["overlapping"]) for row in savings_by_type()}
    assert summary == {
        ("compute_optimizer", "EUR"): (1, 0),
        ("compute_optimizer", "USD"): (1, 0),
        ("rightsizing", "USD"): (1, 1),
    }
