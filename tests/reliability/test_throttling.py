"""Scenario 1: Cost Explorer throttles 30 % of calls; every collection completes, to the cent, retries counted."""

import datetime as dt

import pytest
from prometheus_client.parser import text_string_to_metric_families

from collection import services
from collection.models import CollectionRun
from tests.reliability.truth import assert_complete

pytestmark = [pytest.mark.reliability, pytest.mark.django_db, pytest.mark.usefixtures("spend_confirmed")]

OPERATION = "ce:GetCostAndUsage"


def retries_on_metrics(client) -> float:
    text = client.get("/metrics").content.decode()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "costmonitor_aws_retries_this_month" and sample.labels == {"operation": OPERATION}:
                return sample.value
    return 0.0


def test_throttled_collections_complete_to_the_cent_with_retries_counted(
    emulated_aws, emulator, client, figures, metrics_on_api_port
):
    emulator.throttle_rate = 0.3
    start = emulator.today - dt.timedelta(days=28)
    weeks = [(start + dt.timedelta(days=7 * i), start + dt.timedelta(days=7 * (i + 1))) for i in range(4)]

    runs = [services.run_collection(kind="costs", trigger="command", start=s, end=e) for s, e in weeks]
    # Then a scheduled run: its change probe is throttled too, and finds nothing left to fetch.
    runs.append(services.run_collection(kind="costs", trigger="schedule"))

    assert [run.status for run in runs] == [CollectionRun.Status.SUCCEEDED] * len(runs), [
        (run.error_code, run.error_message) for run in runs
    ]
    figures.update(assert_complete(emulator, start=start, end=emulator.today))
    retried = sum(run.aws_retries.get(OPERATION, 0) for run in runs)
    # Every throttled answer was retried and counted, once; none went unnoticed.
    assert retried == emulator.throttled > 0
    assert retries_on_metrics(client) == retried
    calls = emulator.calls["GetCostAndUsage"]
    assert sum(run.aws_requests[OPERATION] for run in runs) + retried >= calls
    figures.update(
        collections=len(runs),
        ce_calls=calls,
        throttled=emulator.throttled,
        throttled_share=round(emulator.throttled / calls, 3),
        retries_counted=retried,
    )


def test_throttling_every_call_bounds_the_http_attempts_per_call_and_fails_the_run(emulated_aws, emulator, settings):
    """botocore's AWS_MAX_ATTEMPTS, in the rounds of `aws_call`, then the run gives up: never more than ten."""
    emulator.throttle_rate = 1.0
    run = services.run_collection(
        kind="costs", trigger="command", start=emulator.today - dt.timedelta(days=3), end=emulator.today
    )
    assert (run.status, run.error_code) == (CollectionRun.Status.FAILED, "LimitExceededException")
    attempts = emulator.calls["GetCostAndUsage"]
    assert attempts == settings.AWS_MAX_ATTEMPTS * 2 == 10  # one call (the first page): 2 rounds of 5 attempts
    assert run.aws_requests == {OPERATION: 2}  # each round is one call botocore retries
    assert run.aws_retries == {OPERATION: attempts}
