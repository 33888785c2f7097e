"""Scenarios 3 and 4: the database connection is cut, or the worker is SIGKILLed, in the middle of a collection.

The database "restart" terminates the collector's PostgreSQL backend (pg_terminate_backend) while it holds
the run's transaction open, as a server restart does to every connection; the shared PostgreSQL is not touched.
"""

import pytest
from django.db import connection

from collection import services
from collection.models import CollectionRun, CostData
from tests.integration.workers import NEEDS_SERVICES, collect_now, finished, kill_and_redeliver, wait_for
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
    redelivered = kill_and_redeliver(worker=first, run=run, gate=gate, start_worker=emulated_worker)
    start, end = first_run_window(emulator)
    figures.update(assert_complete(emulator, start=start, end=end))

    # A clean run afterwards (change probe over the month and the recent days) still sees every line once.
    again = collect_now(what="a clean run")
    assert again.status == CollectionRun.Status.SUCCEEDED, again.error_message
    assert_complete(emulator, start=min(start, emulator.today.replace(day=1)), end=end)
    figures.update(killed_run=f"{run.status} ({run.error_code})", redelivered_run=redelivered.status)
