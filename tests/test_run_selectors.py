"""Collection history reads: CE spend this month and last success per kind."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from collection.models import CollectionRun
from collection.selectors import ce_spend_this_month, last_success_by_kind
from collection.selectors.run_health import aws_requests_this_month
from collection.selectors.runs import athena_spend_this_month
from collection.spend_tally import save_tally
from tests.factories import CollectionRunFactory

pytestmark = pytest.mark.django_db


def test_ce_spend_counts_this_months_aws_requests_only():
    CollectionRunFactory(ce_requests=3, ce_cost_usd=Decimal("0.03"))
    CollectionRunFactory(ce_requests=2, ce_cost_usd=Decimal("0.02"), status=CollectionRun.Status.FAILED)
    old = CollectionRunFactory(ce_requests=50, ce_cost_usd=Decimal("0.50"))
    CollectionRun.objects.filter(pk=old.pk).update(started_at=timezone.now() - dt.timedelta(days=40))
    CollectionRunFactory(ce_requests=7, ce_cost_usd=Decimal("0"), source="demo")
    assert ce_spend_this_month() == {"requests": 5, "usd": Decimal("0.05")}


def test_runs_still_open_count_what_they_sent_so_far():
    """A running run's requests are in its tally (the cache) until its row takes them over."""
    CollectionRunFactory(ce_requests=3, ce_cost_usd=Decimal("0.03"), aws_requests={"ce:GetCostAndUsage": 3})
    unfinished = {"status": CollectionRun.Status.RUNNING, "finished_at": None, "ce_requests": 0, "ce_cost_usd": 0}
    for run in (CollectionRunFactory(**unfinished), CollectionRunFactory(**unfinished, source="demo")):
        save_tally(run_id=run.pk, tally={"ce_requests": 4, "aws_requests": {"ce:GetCostAndUsage": 4}})
    cache.clear()  # the answer cache evicting every key loses no tally: they are in the state cache
    assert ce_spend_this_month() == {"requests": 7, "usd": Decimal("0.07")}  # demo requests are not billed
    assert aws_requests_this_month() == {"ce:GetCostAndUsage": 11}  # but they are AWS-shaped calls all the same


def test_athena_spend_is_this_months_billed_bytes_at_5_usd_per_tb():
    tb = 2**40
    CollectionRunFactory(bytes_scanned={"athena": tb // 4})
    CollectionRunFactory(bytes_scanned={"athena": tb // 4}, status=CollectionRun.Status.FAILED)  # paid all the same
    CollectionRunFactory(bytes_scanned={"athena": tb}, source="demo")  # nothing real was scanned
    old = CollectionRunFactory(bytes_scanned={"athena": tb})
    CollectionRun.objects.filter(pk=old.pk).update(started_at=timezone.now() - dt.timedelta(days=40))
    running = CollectionRunFactory(status=CollectionRun.Status.RUNNING, finished_at=None)
    save_tally(run_id=running.pk, tally={"bytes_scanned": {"athena": tb // 2}})

    assert athena_spend_this_month() == {"bytes": tb, "usd": Decimal(5)}


def test_last_success_ignores_failures_and_running():
    done = timezone.now() - dt.timedelta(hours=2)
    CollectionRunFactory(kind="costs", finished_at=done)
    CollectionRunFactory(kind="costs", status=CollectionRun.Status.FAILED)
    CollectionRunFactory(kind="tags", status=CollectionRun.Status.RUNNING, finished_at=None)
    assert last_success_by_kind() == {"costs": done}
