"""Real Celery workers (subprocesses) on Redis run collections end to end, single flight, and survive SIGKILL.

They run the real collection engine on the demo source, against the test database; the tests commit
(transactional_db) so the workers see their rows.
"""

import pytest

from collection import services
from collection.models import CollectionRun, CostData
from tests.integration.workers import NEEDS_SERVICES, collect_now, finished, kill_and_redeliver, wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(NEEDS_SERVICES["condition"], reason=NEEDS_SERVICES["reason"]),
]


def test_worker_runs_a_queued_collection_end_to_end(start_worker):
    start_worker()
    run = services.enqueue_collection(kind="costs", trigger="api")
    done = wait_for(lambda: finished(run.pk), what="the run to finish")
    assert done.status == CollectionRun.Status.SUCCEEDED, done.error_message
    assert (done.source, done.trigger, done.task_id) == ("demo", "api", run.task_id)
    assert done.finished_at is not None
    assert CostData.objects.exists()


def test_two_collections_of_one_kind_at_once_run_once(start_worker, gate):
    start_worker(concurrency=2)
    (gate / "hold").touch()
    runs = [services.enqueue_collection(kind="costs", trigger="api") for _ in range(2)]
    wait_for(lambda: any(gate.glob("entered-*")), what="a collection to start writing")
    skipped = wait_for(
        lambda: CollectionRun.objects.filter(pk__in=[r.pk for r in runs], status="skipped").first(),
        what="the overlapping run to be skipped",
    )
    (gate / "hold").unlink()
    other = next(r for r in runs if r.pk != skipped.pk)
    assert wait_for(lambda: finished(other.pk), what="the first run to finish").status == "succeeded"
    assert CollectionRun.objects.filter(kind="costs").count() == 2


def test_worker_killed_mid_collection_the_task_is_delivered_again(start_worker, gate):
    first = start_worker()
    (gate / "hold").touch()
    run = services.enqueue_collection(kind="costs", trigger="api")
    wait_for(lambda: any(gate.glob("entered-*")), what="the collection to start writing")
    kill_and_redeliver(worker=first, run=run, gate=gate, start_worker=start_worker)

    # Complete and without duplicates: a clean collection afterwards finds nothing missing to add.
    rows = CostData.objects.count()
    assert collect_now(what="a clean run").status == "succeeded"
    assert CostData.objects.count() == rows > 0
