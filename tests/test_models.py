"""The database itself enforces the history's unique keys and keeps money exact."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from collection.models import AwsAccount, CostData, TagCost
from tests.factories import AwsAccountFactory, CostDataFactory, TagCostFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 10, 1)


@pytest.mark.parametrize("region", ["", "us-east-1"])
def test_duplicate_cost_day_is_refused_by_the_database(region):
    account = AwsAccountFactory()
    CostDataFactory(date=DAY, account=account, service="AWS Lambda", region=region)
    with pytest.raises(IntegrityError), transaction.atomic():
        CostData.objects.bulk_create(
            [
                CostData(
                    date=DAY, account=account, service="AWS Lambda", region=region, unblended_cost=1, amortized_cost=1
                )
            ]
        )
    assert CostData.objects.filter(date=DAY, region=region).count() == 1


@pytest.mark.parametrize("tag_value", ["", "platform"])
def test_duplicate_tag_cost_day_is_refused_by_the_database(tag_value):
    TagCostFactory(date=DAY, tag_key="team", tag_value=tag_value, service="Amazon S3")
    with pytest.raises(IntegrityError), transaction.atomic():
        TagCost.objects.bulk_create(
            [TagCost(date=DAY, tag_key="team", tag_value=tag_value, service="Amazon S3", amount=1)]
        )
    assert TagCost.objects.filter(date=DAY, tag_value=tag_value).count() == 1


def test_region_rows_and_all_regions_row_coexist():
    account = AwsAccountFactory()
    CostDataFactory(date=DAY, account=account, service="AWS Lambda", region="")
    CostDataFactory(date=DAY, account=account, service="AWS Lambda", region="eu-west-1")
    assert CostData.objects.filter(date=DAY).count() == 2


@pytest.mark.parametrize("amount", ["0.0000001234", "123456789.123456", "-3.5000000001"])
def test_decimal_amounts_round_trip_exactly(amount):
    row = CostDataFactory(unblended_cost=Decimal(amount), amortized_cost=Decimal(amount))
    stored = CostData.objects.get(pk=row.pk)
    assert stored.unblended_cost == Decimal(amount)
    assert isinstance(stored.amortized_cost, Decimal)


@pytest.mark.parametrize("bad", ["12345678901", "1234567890123", "12345678901a"])
def test_account_id_must_be_twelve_digits(bad):
    with pytest.raises(ValidationError):
        AwsAccount(account_id=bad, name="x").full_clean()
