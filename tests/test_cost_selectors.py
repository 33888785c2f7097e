"""Cost aggregation in the database: windows, groups, granularity, region handling."""

import datetime as dt
from decimal import Decimal

import pytest

from collection.selectors import cost_breakdown, cost_breakdown_page, cost_totals
from tests.factories import AwsAccountFactory, CostDataFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def costs():
    a, b = AwsAccountFactory(account_id="111111111111"), AwsAccountFactory(account_id="222222222222")
    for day, acct, service, region, amount in [
        (dt.date(2026, 9, 30), a, "EC2", "", "1.10"),
        (dt.date(2026, 10, 1), a, "EC2", "", "2.25"),
        (dt.date(2026, 10, 1), a, "EC2", "us-east-1", "2.00"),
        (dt.date(2026, 10, 1), a, "EC2", "eu-west-1", "0.25"),
        (dt.date(2026, 10, 2), a, "S3", "", "0.0000001234"),
        (dt.date(2026, 10, 2), b, "EC2", "", "10.00"),
        (dt.date(2026, 11, 1), b, "EC2", "", "99.00"),
    ]:
        CostDataFactory(
            date=day,
            account=acct,
            service=service,
            region=region,
            unblended_cost=Decimal(amount),
            amortized_cost=Decimal(amount) / 2,
        )


def test_window_end_is_exclusive_and_all_region_rows_are_not_double_counted(costs):
    totals = cost_totals(start=dt.date(2026, 10, 1), end=dt.date(2026, 11, 1))
    assert totals == {"USD": Decimal("12.2500001234")}


def test_monthly_by_service(costs):
    rows = list(
        cost_breakdown(start=dt.date(2026, 9, 1), end=dt.date(2026, 12, 1), granularity="monthly", group_by=["service"])
    )
    october = {r["service"]: r["amount"] for r in rows if r["period"] == dt.date(2026, 10, 1)}
    assert october == {"EC2": Decimal("12.25"), "S3": Decimal("0.0000001234")}


def test_group_by_region_reads_region_rows(costs):
    rows = list(
        cost_breakdown(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 2), granularity=None, group_by=["region"])
    )
    assert {r["region"]: r["amount"] for r in rows} == {"us-east-1": Decimal("2.00"), "eu-west-1": Decimal("0.25")}


def test_amortized_metric_and_account_filter(costs):
    totals = cost_totals(
        start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 1), metric="amortized", account_id="222222222222"
    )
    assert totals == {"USD": Decimal("54.50")}


def test_unknown_group_is_rejected(costs):
    with pytest.raises(ValueError, match="group_by"):
        cost_breakdown(start=dt.date(2026, 10, 1), end=dt.date(2026, 11, 1), group_by=["colour"])


def test_a_page_comes_with_its_count_and_the_window_total_in_one_query(costs, django_assert_num_queries):
    window = {"start": dt.date(2026, 9, 1), "end": dt.date(2026, 12, 1), "granularity": "monthly"}
    with django_assert_num_queries(1):
        page = cost_breakdown_page(**window, group_by=["service"], ordering=["period", "service"], offset=1, limit=2)
    october = dt.date(2026, 10, 1)
    assert [(r["period"], r["service"]) for r in page.rows] == [(october, "EC2"), (october, "S3")]
    assert (page.count, page.totals) == (4, cost_totals(start=window["start"], end=window["end"]))
    assert page.total == Decimal("112.3500001234")
