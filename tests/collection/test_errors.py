"""AWS errors end in a clear run status: restarts on RequestChanged, no retry on permanent errors, role assumption."""

import datetime as dt
from decimal import Decimal

import pytest
from moto import mock_aws

from collection.aws import build_session
from collection.models import CostData
from collection.services import run_collection
from tests.collection.helpers import day_result, no_charges, stub

pytestmark = pytest.mark.django_db

DAY = dt.date.today() - dt.timedelta(days=4)
ACCOUNT, EC2 = "111122223333", "Amazon Elastic Compute Cloud - Compute"
PAGE = {"ResultsByTime": [day_result(DAY, [(ACCOUNT, EC2, "4.20")])], "DimensionValueAttributes": []}


def collect_day():
    return run_collection(kind="costs", trigger="command", start=DAY, end=DAY + dt.timedelta(days=1))


def test_request_changed_restarts_the_pagination(aws_source, client_hooks):
    first = {**PAGE, "NextPageToken": "2"}
    stub(
        client_hooks,
        "ce",
        [
            ("get_cost_and_usage", first),
            ("get_cost_and_usage", "RequestChangedException"),
            ("get_cost_and_usage", PAGE),
            ("get_cost_and_usage", no_charges(DAY, DAY + dt.timedelta(days=1))),
        ],
    )
    run = collect_day()
    assert run.status == "succeeded", run.error_message
    assert (run.rows_written, run.ce_requests) == (1, 4)
    assert CostData.objects.get().unblended_cost == Decimal("4.20")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("DataUnavailableException", "no data for this window"),
        ("BillExpirationException", "beyond the bills"),
        ("AccessDeniedException", "lack the IAM permission"),
    ],
)
def test_permanent_errors_fail_the_run_at_once_with_a_clear_message(aws_source, client_hooks, code, words):
    stub(client_hooks, "ce", [("get_cost_and_usage", code)])  # a retry would find no stubbed answer
    run = collect_day()
    assert (run.status, run.error_code, run.ce_requests) == ("failed", code, 1)
    assert words in run.error_message


@pytest.mark.parametrize(("max_attempts", "rounds"), [(5, 2), (3, 3), (1, 10), (10, 1)])
def test_throttling_that_never_stops_fails_after_the_rounds_that_keep_attempts_within_ten(
    aws_source, client_hooks, max_attempts, rounds
):
    """A stubbed client answers once per call (botocore does not retry a stub): each call here is one round."""
    aws_source.AWS_MAX_ATTEMPTS = max_attempts
    stub(client_hooks, "ce", [("get_cost_and_usage", "LimitExceededException")] * rounds)
    run = collect_day()
    assert (run.status, run.error_code, run.ce_requests) == ("failed", "LimitExceededException", rounds)
    assert rounds * max_attempts <= 10


def test_role_is_assumed_when_configured(aws_source):
    aws_source.AWS_ROLE_ARN = "arn:aws:iam::123456789012:role/costmonitor"
    aws_source.AWS_EXTERNAL_ID = "ext-1"
    with mock_aws():
        credentials = build_session().get_credentials()
    assert credentials.access_key.startswith("ASIA")  # temporary credentials of the role, not the caller's
    assert credentials.token


def test_region_breakdown_and_per_account_forecast(demo_source):
    demo_source.COST_REGION_BREAKDOWN = True
    demo_source.FORECAST_PER_ACCOUNT = True
    run_collection(kind="costs", trigger="schedule")
    regional = CostData.objects.exclude(region="")
    assert set(regional.values_list("region", flat=True)) == {"us-east-1", "eu-west-1"}
    for row in CostData.objects.filter(region="")[:50]:
        parts = regional.filter(date=row.date, account=row.account, service=row.service)
        assert sum(p.unblended_cost for p in parts) == row.unblended_cost
    forecast = run_collection(kind="forecast", trigger="command")
    assert forecast.ce_calls == 1 + 5  # the organization, then each of the 5 demo accounts
