"""Fixtures of the overview page's tests: a cost history over the last days, and the page's embedded figures."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from collection.models import CollectionRun
from collection.months import next_month
from tests import factories

FIGURES = re.compile(r'<script id="overview-data" type="application/json">(.*?)</script>', re.S)


def seed_history() -> dict:
    """Five days of three services in two accounts (the payer's Lambda every other day), tags with an untagged
    part, this month's forecast, two recommendations and a costs run against AWS."""
    today = timezone.now().date()
    payer = factories.AwsAccountFactory(account_id="123456789012", name="payer", is_payer=True)
    member = factories.AwsAccountFactory(account_id="210987654321", name="member")
    for days_ago in range(5):
        day = today - dt.timedelta(days=days_ago)
        factories.CostDataFactory(account=payer, date=day, service="EC2", unblended_cost=Decimal("10.5") + days_ago)
        factories.CostDataFactory(account=member, date=day, service="S3", unblended_cost=Decimal("2.25"))
        if days_ago % 2 == 0:
            factories.CostDataFactory(account=payer, date=day, service="Lambda", unblended_cost=Decimal("0.125"))
        factories.TagCostFactory(date=day, tag_key="team", tag_value="platform", amount=Decimal("4"))
        factories.TagCostFactory(date=day, tag_key="team", tag_value="", amount=Decimal("1"))
    factories.CostForecastFactory(
        period_start=today, period_end=next_month(today), mean=Decimal("900"), lower_bound=Decimal("800")
    )
    factories.RecommendationFactory(account=payer, estimated_monthly_savings=Decimal("42.10"))
    factories.RecommendationFactory(
        account=member, type="savings_plans", category="COMPUTE_SP", estimated_monthly_savings=Decimal("7.5")
    )
    factories.CollectionRunFactory(kind=CollectionRun.Kind.COSTS, source="aws", ce_requests=3, ce_cost_usd="0.03")
    return {"today": today, "start": today - dt.timedelta(days=4), "payer": payer, "member": member}


@pytest.fixture
def overview_history(db) -> dict:
    return seed_history()


@pytest.fixture
def page_figures():
    """`page_figures(response)`: the figures the page hands its charts (json_script), parsed."""

    def parse(response) -> dict:
        found = FIGURES.search(response.content.decode())
        assert found, "the page carries no #overview-data"
        return json.loads(found.group(1))

    return parse
