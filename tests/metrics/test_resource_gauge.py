"""aws_resource_cost: yesterday's costliest resources on /metrics, at most METRICS_TOP_RESOURCES per currency."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from collection.services.snapshot import write_metric_snapshot
from tests import factories
from tests.metrics.test_endpoint import samples, scrape

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNT = "123456789012"
EC2, S3 = "Amazon Elastic Compute Cloud", "Amazon Simple Storage Service"


@pytest.fixture
def yesterday_resources():
    """Twelve EC2 instances of yesterday (one tied with another), a bucket ARN, a EUR resource and an older day."""
    account = factories.AwsAccountFactory(account_id=ACCOUNT)
    yesterday = timezone.now().date() - dt.timedelta(days=1)
    for number in range(12):
        factories.ResourceCostFactory(
            account=account, date=yesterday, resource_id=f"i-{number:02d}", amount=Decimal(number)
        )
    factories.ResourceCostFactory(account=account, date=yesterday, resource_id="i-tie", amount=Decimal(10))
    arn = f"arn:aws:s3:us-east-1:{ACCOUNT}:bucket-logs"
    factories.ResourceCostFactory(account=account, date=yesterday, service=S3, resource_id=arn, amount=Decimal(50))
    factories.ResourceCostFactory(
        account=account, date=yesterday, resource_id="vm-eu", amount=Decimal("0.5"), currency="EUR"
    )
    factories.ResourceCostFactory(account=account, date=yesterday - dt.timedelta(days=1), amount=Decimal(999))
    return arn


def resource_series(client) -> dict[tuple, float]:
    write_metric_snapshot(kind="costs")
    found = samples(scrape(client), "aws_resource_cost")
    return {(dict(k)["currency"], dict(k)["service"], dict(k)["resource_id"]): value for k, value in found.items()}


def test_at_most_the_setting_per_currency_costliest_first_ties_by_resource_id(client, settings, yesterday_resources):
    settings.METRICS_TOP_RESOURCES = 3

    assert resource_series(client) == {
        ("USD", S3, yesterday_resources): 50.0,
        ("USD", EC2, "i-11"): 11.0,
        ("USD", EC2, "i-10"): 10.0,  # i-tie costs as much: i-10 comes first
        ("EUR", EC2, "vm-eu"): 0.5,
    }


def test_the_account_id_in_an_arn_is_masked_with_the_account_ids(client, settings, yesterday_resources):
    settings.METRICS_TOP_RESOURCES, settings.MASK_ACCOUNT_IDS = 1, True
    series = resource_series(client)
    assert ("USD", S3, "arn:aws:s3:us-east-1:1234****9012:bucket-logs") in series
    assert ACCOUNT not in str(series)


def test_zero_exposes_no_resource(client, settings, yesterday_resources):
    settings.METRICS_TOP_RESOURCES = 0
    write_metric_snapshot(kind="costs")
    assert not [s for s in scrape(client) if s.name == "aws_resource_cost"]
