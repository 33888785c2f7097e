"""Scenarios 3 and 4: the database connection is cut, or the worker (or a command) is SIGKILLed, mid-collection.

The database "restart" terminates the collector's PostgreSQL backend (pg_terminate_backend) while it holds
the run's transaction open, as a server restart does to every connection; the shared PostgreSQL is not touched.
"""

import datetime as dt
import os
import sys
from decimal import Decimal

import pytest
from django.db import connection

from collection import services
from collection.aws import CE_REQUEST_USD
from collection.models import CollectionRun, CostData
from collection.selectors import ce_spend_this_month
from collection.services.closing import close_abandoned_runs
from tests import processes
from tests.integration.workers import NEEDS_SERVICES, collect_now, finished, kill_and_redeliver, wait_for
from tests.reliability.emulator import EmulatorServer
from tests.reliability.truth import assert_complete, first_run_window

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(NEEDS_SERVICES["condition"], reason=NEEDS_SERVICES["reason"]),
]


def hold_mid_collection(gate) -> CollectionRun:
    """Queue a collection and return once it has written its first page inside its transaction (and waits)."""
    (gate / "hold").touch()
    run = services.enqueue_collection(kind="costs", trigger="api")
    wait_for(lambda: any(gate.glob("entered-*")), what="the collection to start writing")
    return run


def terminate_collector_backends() -> int:
    """Cut every connection that holds an open transaction, as a PostgreSQL restart would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle in transaction'"
        )
        return cursor.fetchone()[0]


def test_database_connection_lost_mid_collection_fails_the_run_and_the_next_completes(
    emulated_worker, emulator, gate, figures
):
    worker = emulated_worker()
    run = hold_mid_collection(gate)
    terminated = terminate_collector_backends()
    (gate / "hold").unlink()

    failed = wait_for(lambda: finished(run.pk), what="the cut run to be recorded")
    assert (failed.status, failed.error_code) == (CollectionRun.Status.FAILED, "DatabaseUnavailable")
    assert not CostData.objects.exists(), "the cut transaction left rows behind"
    assert worker.poll() is None, "the worker died"

    again = collect_now(what="the next run")
    assert again.status == CollectionRun.Status.SUCCEEDED, again.error_message
    start, end = first_run_window(emulator)
    figures.update(assert_complete(emulator, start=start, end=end))
    figures.update(connections_cut=terminated, cut_run=f"{failed.status} ({failed.error_code})", next_run=again.status)


def test_worker_killed_mid_collection_is_redelivered_and_completes(emulated_worker, emulator, gate, figures):
    first = emulated_worker()
    run = hold_mid_collection(gate)
    sent = sum(emulator.calls.values())  # the run waits in its writes: it sends nothing more
    assert ce_spend_this_month()["requests"] == sent > 0  # still open, already in the month's spend
    redelivered = kill_and_redeliver(worker=first, run=run, gate=gate, start_worker=emulated_worker)
    # The killed run's requests outlived its process and rolled-back transaction.
    assert (run.ce_requests, run.ce_cost_usd) == (sent, sent * CE_REQUEST_USD)
    assert ce_spend_this_month()["requests"] == sent + redelivered.ce_requests == sum(emulator.calls.values())
    start, end = first_run_window(emulator)
    figures.update(assert_complete(emulator, start=start, end=end))

    # A clean run afterwards (change probe over the month and the recent days) still sees every line once.
    again = collect_now(what="a clean run")
    assert again.status == CollectionRun.Status.SUCCEEDED, again.error_message
    assert_complete(emulator, start=min(start, emulator.today.replace(day=1)), end=end)
    figures.update(
        killed_run=f"{run.status} ({run.error_code}), {run.ce_requests} CE requests counted",
        redelivered_run=redelivered.status,
    )


def test_a_killed_collect_command_is_closed_abandoned_with_every_request_counted(emulator, settings, tmp_path, figures):
    """`manage.py collect` SIGKILLed while a request is in flight: no task, no redelivery, yet the run ends."""
    settings.COLLECTION_LOCK_TTL = 2
    emulator.hold_from = 2  # the second page is asked for, and never answered while the command lives
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "COST_SOURCE": "aws",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "COLLECTION_LOCK_TTL": "2",
    }
    start, end = emulator.today - dt.timedelta(days=3), emulator.today
    try:
        with EmulatorServer(emulator) as server:
            command = processes.start(
                [sys.executable, "manage.py", "collect", "--kind", "costs", "--start", str(start), "--end", str(end)],
                env={**env, "AWS_ENDPOINT_URL": server.url},
                log=tmp_path / "collect.log",
            )
            wait_for(lambda: emulator.calls.get("GetCostAndUsage", 0) == 2, what="the second page to be asked for")
            command.kill()
            command.wait(timeout=10)
    finally:
        emulator.release.set()
    run = CollectionRun.objects.get()
    assert run.status == CollectionRun.Status.RUNNING
    assert ce_spend_this_month()["requests"] == 2  # the request in flight counts: AWS may have answered it

    # Its lease expires within COLLECTION_LOCK_TTL; the next run (or one of any kind) closes it.
    wait_for(close_abandoned_runs, timeout=15, what="the killed run to be closed")
    run.refresh_from_db()
    assert (run.status, run.error_code) == (CollectionRun.Status.FAILED, "Abandoned")
    assert (run.ce_requests, run.ce_cost_usd, run.aws_requests) == (2, Decimal("0.02"), {"ce:GetCostAndUsage": 2})
    assert not CostData.objects.exists()
    assert ce_spend_this_month()["requests"] == 2
    figures.update(killed_run=f"{run.status} ({run.error_code})", ce_requests_counted=run.ce_requests)
