"""Runs always end: a run whose process stopped is closed `failed` with what it spent, never left `running`."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F

from collection import services
from collection.models import CollectionRun, CostData
from collection.selectors import ce_spend_this_month
from collection.services.closing import close_abandoned_runs
from collection.services.locks import single_flight
from tests.collection.helpers import day_result, stub
from tests.factories import CollectionRunFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("spend_confirmed")]  # scheduled AWS runs

DAY = dt.date.today() - dt.timedelta(days=4)
PAGE = {
    "ResultsByTime": [day_result(DAY, [("111122223333", "Amazon Simple Storage Service", "1.50")])],
    "DimensionValueAttributes": [],
    "NextPageToken": "2",
}
SPENT = {"ce_requests": 1, "ce_cost_usd": Decimal("0.01"), "aws_requests": {"ce:GetCostAndUsage": 1}}


@pytest.fixture
def interrupted(aws_source, client_hooks):
    """Cost Explorer answers one page, then the process is interrupted (Ctrl-C) before it asks for the next."""
    stub(client_hooks, "ce", [("get_cost_and_usage", PAGE)])

    def interrupt(**kwargs):
        raise KeyboardInterrupt

    client_hooks.append(lambda service, client: client.meta.events.register("after-call.*.*", interrupt))
    return aws_source


def older_than_a_lease(run: CollectionRun) -> None:
    CollectionRun.objects.filter(pk=run.pk).update(started_at=F("started_at") - dt.timedelta(minutes=5))


def spent(run: CollectionRun) -> dict:
    run.refresh_from_db()
    return {name: getattr(run, name) for name in SPENT}


def test_an_interrupted_command_is_closed_abandoned_by_the_next_run_with_its_requests_counted(interrupted):
    with pytest.raises(KeyboardInterrupt):
        call_command("collect", "--kind", "costs", "--start", str(DAY), "--end", str(DAY + dt.timedelta(days=1)))
    run = CollectionRun.objects.get()
    assert run.status == CollectionRun.Status.RUNNING
    assert not CostData.objects.exists()
    # Still open, yet its request is in the month's spend (and so in what the budget leaves).
    assert ce_spend_this_month() == {"requests": 1, "usd": Decimal("0.01")}

    older_than_a_lease(run)
    interrupted.COST_SOURCE = "demo"
    assert services.run_collection(kind="costs", trigger="command").status == CollectionRun.Status.SUCCEEDED
    run.refresh_from_db()
    assert (run.status, run.error_code) == (CollectionRun.Status.FAILED, "Abandoned")
    assert run.finished_at is not None
    assert spent(run) == SPENT
    assert ce_spend_this_month() == {"requests": 1, "usd": Decimal("0.01")}  # counted once, now from the row


def test_a_timed_out_task_run_records_what_it_spent(interrupted):
    """The hard time limit kills the process mid-run; the task's failure handler closes the run."""
    with pytest.raises(KeyboardInterrupt):
        services.run_collection(
            kind="costs", trigger="schedule", task_id="task-1", start=DAY, end=DAY + dt.timedelta(days=1)
        )
    services.record_task_failure(
        kind="costs", trigger="schedule", task_id="task-1", error_code="TimeLimitExceeded", error_message="killed"
    )
    run = CollectionRun.objects.get()
    assert (run.status, run.error_code) == (CollectionRun.Status.FAILED, "TimeLimitExceeded")
    assert spent(run) == SPENT


def test_a_worker_lost_run_records_what_it_spent(interrupted):
    with pytest.raises(KeyboardInterrupt):
        services.run_collection(
            kind="costs", trigger="schedule", task_id="task-1", start=DAY, end=DAY + dt.timedelta(days=1)
        )
    assert services.take_over_delivery(task_id="task-1", run_id=None) is None
    run = CollectionRun.objects.get()
    assert (run.status, run.error_code) == (CollectionRun.Status.FAILED, "WorkerLost")
    assert spent(run) == SPENT


def test_a_run_whose_lease_is_held_or_younger_than_a_lease_is_left_running():
    stale = CollectionRunFactory(status=CollectionRun.Status.RUNNING, finished_at=None)
    older_than_a_lease(stale)
    fresh = CollectionRunFactory(kind="tags", status=CollectionRun.Status.RUNNING, finished_at=None)
    with single_flight(kind="costs", ttl=60) as held:
        assert held
        assert close_abandoned_runs() == 0  # its holder is alive: it closes such runs when its own run starts
    assert close_abandoned_runs() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, stale.error_code) == (CollectionRun.Status.FAILED, "Abandoned")
    assert fresh.status == CollectionRun.Status.RUNNING  # just claimed: it takes its lease in a moment
