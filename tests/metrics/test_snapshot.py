"""write_metric_snapshot: the gauge values each kind writes, replaced atomically."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from collection.models import MetricData
from collection.services.snapshot import write_metric_snapshot
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 10, 15, 6, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def values(name: str) -> dict[tuple, Decimal]:
    return {tuple(sorted(m.labels.items())): m.value for m in MetricData.objects.filter(name=name)}


@pytest.fixture
def account():
    return factories.AwsAccountFactory(account_id="111111111111")


def cost(account, day, amount, service="EC2", region=""):
    factories.CostDataFactory(account=account, date=day, service=service, region=region, unblended_cost=Decimal(amount))


def test_costs_month_to_date_daily_window_and_spike_inputs(account, settings):
    settings.METRICS_DAILY_DAYS = 3
    cost(account, dt.date(2026, 9, 30), "100")  # last month: not month-to-date
    for day in range(1, 16):
        cost(account, dt.date(2026, 10, day), "10")
    cost(account, TODAY, "5", region="us-east-1")  # per-region rows never add to the totals
    cost(account, dt.date(2026, 10, 14), "30", service="S3")

    written = write_metric_snapshot(kind="costs", now=NOW)

    ec2 = (("account_id", "111111111111"), ("currency", "USD"), ("service", "EC2"))
    s3 = (("account_id", "111111111111"), ("currency", "USD"), ("service", "S3"))
    assert values("aws_cost_total") == {ec2: Decimal("150"), s3: Decimal("30")}
    daily = values("aws_cost_daily")
    assert sorted(dict(k)["date"] for k in daily) == ["2026-10-13", "2026-10-14", "2026-10-14", "2026-10-15"]
    assert values("aws_cost_yesterday") == {ec2: Decimal("10"), s3: Decimal("30")}
    assert values("aws_cost_daily_average_7d")[ec2] == Decimal("10")
    assert written == 2 + 4 + 2 + 1


def test_a_new_snapshot_replaces_the_kind_and_keeps_the_others(account):
    factories.TagCostFactory(date=TODAY, tag_key="team", tag_value="a", amount=Decimal("1"))
    cost(account, TODAY, "10")
    write_metric_snapshot(kind="costs", now=NOW)
    write_metric_snapshot(kind="tags", now=NOW)
    account.costs.update(service="Lambda")

    write_metric_snapshot(kind="costs", now=NOW)

    assert [dict(k)["service"] for k in values("aws_cost_total")] == ["Lambda"]
    assert values("aws_cost_by_tag") == {
        (("currency", "USD"), ("service", "Amazon Simple Storage Service"), ("tag_key", "team"), ("tag_value", "a")): 1
    }


def test_forecast_is_a_month_end_projection_with_bounds(account):
    cost(account, dt.date(2026, 10, 1), "200")
    old = dict(mean=Decimal("1"), generated_at=NOW - dt.timedelta(days=1), generated_on=TODAY - dt.timedelta(days=1))
    factories.CostForecastFactory(period_start=TODAY, period_end=dt.date(2026, 11, 1), **old)
    factories.CostForecastFactory(
        period_start=TODAY,
        period_end=dt.date(2026, 11, 1),
        mean=Decimal("300"),
        lower_bound=Decimal("250"),
        upper_bound=None,
        generated_on=TODAY,
        generated_at=NOW,
    )
    factories.CostForecastFactory(
        scope="111111111111",
        period_start=TODAY,
        period_end=dt.date(2026, 11, 1),
        mean=Decimal("50"),
        generated_on=TODAY,
        generated_at=NOW,
    )
    factories.CostForecastFactory(period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 12, 1), generated_at=NOW)

    write_metric_snapshot(kind="forecast", now=NOW)

    organization = (("account_id", "all"), ("currency", "USD"))
    assert values("aws_cost_forecast") == {
        organization: Decimal("500"),
        (("account_id", "111111111111"), ("currency", "USD")): Decimal("250"),
    }
    assert values("aws_cost_forecast_lower_bound")[organization] == Decimal("450")
    assert organization not in values("aws_cost_forecast_upper_bound")


def test_optimization_sums_active_recommendations(account):
    factories.RecommendationFactory(account=account, estimated_monthly_savings=Decimal("10"))
    factories.RecommendationFactory(account=account, estimated_monthly_savings=Decimal("5"))
    factories.RecommendationFactory(account=account, estimated_monthly_savings=Decimal("99"), active=False)

    write_metric_snapshot(kind="optimization", now=NOW)

    assert values("aws_optimization_savings") == {
        (("category", "MODIFY"), ("currency", "USD"), ("type", "rightsizing")): Decimal("15")
    }


def test_amounts_in_different_currencies_are_separate_series_never_added(account):
    """Issue 13, defect 5: gauges labelled USD summed any currency."""
    factories.CostDataFactory(account=account, date=TODAY, service="EC2", unblended_cost=Decimal("21.5"))
    factories.CostDataFactory(account=account, date=TODAY, service="S3", unblended_cost=Decimal("25.5"), currency="EUR")
    first = dt.date(2026, 10, 1)
    factories.CostDataFactory(account=account, date=first, service="EC2", unblended_cost=Decimal("1000"))
    factories.CostDataFactory(account=account, date=first, service="S3", unblended_cost=Decimal("7"), currency="EUR")
    factories.TagCostFactory(date=TODAY, tag_value="a", amount=Decimal("2"), currency="EUR")
    factories.TagCostFactory(date=TODAY, tag_value="a", service="EC2", amount=Decimal("3"))
    factories.RecommendationFactory(account=account, estimated_monthly_savings=Decimal("4"), currency="EUR")
    factories.RecommendationFactory(account=account, estimated_monthly_savings=Decimal("6"))
    factories.CostForecastFactory(
        period_start=TODAY, period_end=dt.date(2026, 11, 1), mean=Decimal("100"), currency="EUR", generated_at=NOW
    )
    for kind in ("costs", "tags", "optimization", "forecast"):
        write_metric_snapshot(kind=kind, now=NOW)

    def by_currency(name: str) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for labels, value in values(name).items():
            totals[dict(labels)["currency"]] = totals.get(dict(labels)["currency"], 0) + value
        return totals

    assert by_currency("aws_cost_total") == {"USD": Decimal("1021.5"), "EUR": Decimal("32.5")}
    assert by_currency("aws_cost_by_tag") == {"USD": Decimal("3"), "EUR": Decimal("2")}
    assert by_currency("aws_optimization_savings") == {"USD": Decimal("6"), "EUR": Decimal("4")}
    # A forecast in EUR adds the month's cost so far in EUR (before today, its start), never the USD.
    assert by_currency("aws_cost_forecast") == {"EUR": Decimal("107")}


def test_accounts_feed_no_gauge_and_unknown_kinds_are_refused():
    assert write_metric_snapshot(kind="accounts") == 0
    with pytest.raises(ValueError, match="unknown collection kind"):
        write_metric_snapshot(kind="bogus")


def test_default_now_is_the_current_utc_day(account):
    cost(account, timezone.now().date(), "7")
    write_metric_snapshot(kind="costs")
    assert sum(values("aws_cost_total").values()) == Decimal("7")
