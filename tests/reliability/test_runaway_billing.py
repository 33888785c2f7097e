"""Runaway billing: a page token that repeats, a query of too many pages, a request that never reached AWS."""

import datetime as dt
from decimal import Decimal

import botocore.retries.standard
import pytest

from collection import services
from collection.models import CollectionRun, CostData
from collection.selectors import ce_spend_this_month
from tests.processes import free_port

pytestmark = [pytest.mark.reliability, pytest.mark.django_db]

OPERATION = "ce:GetCostAndUsage"


def collect_three_days(emulator) -> CollectionRun:
    """5 accounts x 7 lines x 3 days = 105 groups: five pages of 25."""
    return services.run_collection(
        kind="costs", trigger="command", start=emulator.today - dt.timedelta(days=3), end=emulator.today
    )


def test_a_repeated_page_token_fails_the_run_with_every_request_counted(emulated_aws, emulator, settings, figures):
    settings.CE_MONTHLY_REQUEST_BUDGET = 100  # without the loop guard only the budget would stop it
    emulator.stuck_token = True
    run = collect_three_days(emulator)
    assert (run.status, run.error_code) == (CollectionRun.Status.FAILED, "PaginationLoop"), run.error_message
    sent = emulator.calls["GetCostAndUsage"]
    assert sent == 2  # the first page, then the one whose token repeats: never a third
    assert (run.ce_requests, run.aws_requests, run.ce_cost_usd) == (sent, {OPERATION: sent}, Decimal("0.02"))
    assert ce_spend_this_month()["requests"] == sent
    assert not CostData.objects.exists()
    figures.update(requests=sent, run=f"{run.status} ({run.error_code})")


def test_more_pages_than_the_limit_fail_the_run_with_every_request_counted(emulated_aws, emulator, settings):
    settings.CE_MAX_PAGES_PER_QUERY = 3
    run = collect_three_days(emulator)
    assert (run.status, run.error_code) == (CollectionRun.Status.FAILED, "TooManyPages"), run.error_message
    assert "CE_MAX_PAGES_PER_QUERY" in run.error_message
    assert run.ce_requests == emulator.calls["GetCostAndUsage"] == 3
    assert not CostData.objects.exists()


def test_a_query_of_exactly_the_limit_succeeds(emulated_aws, emulator, settings):
    settings.CE_MAX_PAGES_PER_QUERY = 5
    run = collect_three_days(emulator)
    assert run.status == CollectionRun.Status.SUCCEEDED, run.error_message
    # Five pages by service, then two by charge type (5 accounts x Usage, Tax, Credit x 3 days = 45 groups).
    assert run.ce_requests == emulator.calls["GetCostAndUsage"] == 5 + 2


def test_every_answered_attempt_is_billed_a_throttled_one_too(emulated_aws, emulator):
    emulator.throttle_rate = 1.0
    run = collect_three_days(emulator)
    assert run.error_code == "LimitExceededException"
    # Two calls (aws_call's rounds), ten HTTP requests AWS answered: each is a billed request.
    assert run.aws_requests == {OPERATION: 2}
    assert run.ce_requests == run.aws_retries[OPERATION] == emulator.calls["GetCostAndUsage"] == 10


def test_the_budget_stops_botocore_retries_too(emulated_aws, emulator, settings):
    settings.CE_MONTHLY_REQUEST_BUDGET = 3
    emulator.throttle_rate = 1.0
    run = collect_three_days(emulator)
    assert (run.status, run.error_code) == (CollectionRun.Status.FAILED, "CEBudgetExceeded")
    assert run.ce_requests == emulator.calls["GetCostAndUsage"] == 3  # the fourth attempt was never sent


def test_a_request_that_never_reached_aws_is_not_billed(aws_source, monkeypatch):
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    aws_source.AWS_MAX_ATTEMPTS = 2
    today = dt.date.today()
    run = services.run_collection(kind="costs", trigger="command", start=today - dt.timedelta(days=3), end=today)
    assert (run.status, run.error_code) == (CollectionRun.Status.FAILED, "EndpointConnectionError")
    assert run.aws_requests == {OPERATION: 5}  # five rounds of two attempts: the calls were made...
    assert run.aws_retries == {OPERATION: 10}  # ...every attempt failed to connect...
    assert (run.ce_requests, run.ce_cost_usd) == (0, Decimal("0.00"))  # ...and none is billed
    assert ce_spend_this_month()["requests"] == 0
