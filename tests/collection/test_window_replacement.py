"""Every daily dataset replaces a window the same way: an empty answer is refused and deletes nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from collection.models import CostData, TagCost
from collection.services import run_collection
from tests import factories
from tests.collection.helpers import stub

pytestmark = pytest.mark.django_db

DAY = dt.date.today() - dt.timedelta(days=4)
EMPTY = {"ResultsByTime": [], "DimensionValueAttributes": []}


@pytest.fixture
def stored_history():
    account = factories.AwsAccountFactory(account_id="111122223333")
    factories.CostDataFactory(account=account, date=DAY, service="EC2", unblended_cost=Decimal("4.2"))
    factories.TagCostFactory(date=DAY, tag_key="team", tag_value="platform", amount=Decimal("3"))


@pytest.mark.parametrize(("kind", "model"), [("costs", CostData), ("tags", TagCost)])
def test_an_answer_without_days_fails_the_run_and_keeps_the_stored_window(
    aws_source, client_hooks, stored_history, kind, model
):
    aws_source.COST_TAG_KEYS = ["team"]
    stub(client_hooks, "ce", [("get_cost_and_usage", EMPTY)])
    run = run_collection(kind=kind, trigger="command", start=DAY, end=DAY + dt.timedelta(days=1))
    assert (run.status, run.error_code) == ("failed", "EmptyResponse")
    assert "the stored days are kept" in run.error_message
    assert model.objects.filter(date=DAY).count() == 1


def test_days_the_answer_no_longer_holds_are_removed(aws_source, client_hooks, stored_history):
    aws_source.COST_TAG_KEYS = ["team"]
    empty_day = {"TimePeriod": {"Start": str(DAY), "End": str(DAY + dt.timedelta(days=1))}, "Groups": []}
    stub(client_hooks, "ce", [("get_cost_and_usage", {"ResultsByTime": [empty_day]})])
    run = run_collection(kind="tags", trigger="command", start=DAY, end=DAY + dt.timedelta(days=1))
    assert run.status == "succeeded", run.error_message
    assert not TagCost.objects.exists()
