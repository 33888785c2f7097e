"""Scheduling: the default beat schedule, the DatabaseScheduler reading admin edits, enqueue_collection, tasks."""

import datetime as dt

import pytest
from celery.signals import before_task_publish
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler
from kombu.exceptions import OperationalError

from collection import services, tasks
from collection.models import CollectionRun
from costmonitor.celery import app
from tests import factories

DESIGN_SCHEDULE = {
    "collection.collect_costs": dt.timedelta(hours=1),
    "collection.collect_forecast": dt.timedelta(hours=2),
    "collection.collect_tags": dt.timedelta(minutes=30),
    "collection.collect_optimization": dt.timedelta(hours=4),
    "collection.collect_accounts": dt.timedelta(days=1),
}


@pytest.fixture
def published():
    """Messages sent to the broker during the test, as (task name, task id, kwargs)."""
    sent = []

    def capture(sender, headers, body, **kwargs):
        sent.append((sender, headers["id"], body[1]))

    before_task_publish.connect(capture, weak=False)
    yield sent
    before_task_publish.disconnect(capture)
    app.control.purge()


@pytest.fixture
def fake_run_collection(monkeypatch):
    """Replaces the collection engine in-process; records calls and returns runs with the given outcome."""
    calls = []
    outcome = {"status": CollectionRun.Status.SUCCEEDED, "error_code": ""}

    def run_collection(**kwargs):
        calls.append(kwargs)
        return factories.CollectionRunFactory(
            kind=kwargs["kind"], trigger=kwargs["trigger"], task_id=kwargs["task_id"], **outcome
        )

    monkeypatch.setattr(services, "run_collection", run_collection)
    return calls, outcome


# The scheduler closes connections it finds inside a transaction, as a test's atomic block is; so these tests commit.
scheduler_db = pytest.mark.usefixtures("transactional_db", "default_schedule")


def scheduler_entries() -> dict:
    scheduler = DatabaseScheduler(app=app, lazy=True)
    return {entry.task: entry for entry in scheduler.schedule.values() if entry.task.startswith("collection.")}


@scheduler_db
def test_migrate_creates_the_design_schedule_and_runs_it_at_first_start():
    entries = scheduler_entries()
    assert {task: entry.schedule.run_every for task, entry in entries.items()} == DESIGN_SCHEDULE
    assert all(name in app.tasks for name in entries)
    assert all(entry.is_due().is_due for entry in entries.values())


@scheduler_db
def test_scheduler_follows_interval_enabled_and_argument_edits_in_the_database():
    assert scheduler_entries()["collection.collect_costs"].schedule.run_every == dt.timedelta(hours=1)
    task = PeriodicTask.objects.get(task="collection.collect_costs")
    task.interval = IntervalSchedule.objects.create(every=15, period=IntervalSchedule.MINUTES)
    task.kwargs = '{"trigger": "schedule", "start": "2025-01-01"}'
    task.save()
    PeriodicTask.objects.filter(task="collection.collect_tags").update(enabled=False)
    PeriodicTask.objects.get(task="collection.collect_forecast").save()  # queryset updates send no signal

    entries = scheduler_entries()
    assert entries["collection.collect_costs"].schedule.run_every == dt.timedelta(minutes=15)
    assert entries["collection.collect_costs"].kwargs == {"trigger": "schedule", "start": "2025-01-01"}
    assert "collection.collect_tags" not in entries


@scheduler_db
def test_a_running_scheduler_picks_up_an_edit_without_restart():
    scheduler = DatabaseScheduler(app=app, lazy=True)
    for _tick in range(2):  # beat reads the schedule on every tick; the first read also records the change stamp
        assert scheduler.schedule["collect forecast"].schedule.run_every == dt.timedelta(hours=2)
    interval = PeriodicTask.objects.get(name="collect forecast").interval
    interval.every = 3
    interval.save()
    assert scheduler.schedule["collect forecast"].schedule.run_every == dt.timedelta(hours=3)


@pytest.mark.django_db
def test_enqueue_collection_records_a_queued_run_and_sends_its_task(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.enqueue_collection(kind="forecast", trigger="api")
        assert published == [], "sent only once the run is committed"
    run.refresh_from_db()
    assert (run.kind, run.trigger, run.status) == ("forecast", "api", "queued")
    assert published == [("collection.collect_forecast", run.task_id, {"run_id": run.pk, "trigger": "api"})]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "trigger"), [("invoices", "api"), ("", "api"), ("costs", "cron")])
def test_enqueue_collection_refuses_unknown_kind_or_trigger(published, kind, trigger):
    with pytest.raises(ValueError, match="unknown"):
        services.enqueue_collection(kind=kind, trigger=trigger)
    assert not CollectionRun.objects.exists()
    assert published == []


@pytest.mark.django_db
def test_enqueue_collection_records_a_broker_outage_as_a_failed_run(monkeypatch, django_capture_on_commit_callbacks):
    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to broker")

    monkeypatch.setattr(app, "send_task", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.enqueue_collection(kind="costs", trigger="admin")
    assert (run.status, run.error_code) == ("failed", "BrokerUnavailable")
    assert CollectionRun.objects.get().status == "failed"


@pytest.mark.django_db
@pytest.mark.parametrize("task", [tasks.collect_costs, tasks.collect_accounts])
def test_task_carries_out_the_queued_run(fake_run_collection, task):
    calls, _ = fake_run_collection
    queued = factories.CollectionRunFactory(kind=task.kind, trigger="api", status="queued", task_id="t-1")
    result = task.apply(kwargs={"run_id": queued.pk, "trigger": "api", "start": "2025-03-01"}, task_id="t-1").get()
    assert calls == [
        {
            "kind": task.kind,
            "trigger": "api",
            "start": dt.date(2025, 3, 1),
            "end": None,
            "task_id": "t-1",
            "run_id": queued.pk,
        }
    ]
    assert result["status"] == "succeeded"


@pytest.mark.django_db
def test_redelivered_task_closes_the_run_its_dead_worker_left_and_collects_anew(fake_run_collection):
    calls, _ = fake_run_collection
    abandoned = factories.CollectionRunFactory(status="running", task_id="t-2", finished_at=None)
    tasks.collect_costs.apply(kwargs={"run_id": abandoned.pk, "trigger": "api"}, task_id="t-2").get()
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.error_code) == ("failed", "WorkerLost")
    assert abandoned.finished_at is not None
    assert calls[0]["run_id"] is None


@pytest.mark.django_db
def test_throttled_collection_is_retried_then_given_up(fake_run_collection):
    calls, outcome = fake_run_collection
    outcome.update(status="failed", error_code="LimitExceededException")
    result = tasks.collect_tags.apply(kwargs={"trigger": "schedule"}).get()
    assert len(calls) == 1 + tasks.collect_tags.max_retries
    assert result["status"] == "failed"
    assert CollectionRun.objects.filter(error_code="LimitExceededException").count() == len(calls)


@pytest.mark.django_db
def test_other_failures_are_not_retried(fake_run_collection):
    calls, outcome = fake_run_collection
    outcome.update(status="failed", error_code="AccessDeniedException")
    tasks.collect_costs.apply(kwargs={"trigger": "schedule"}).get()
    assert len(calls) == 1


@pytest.mark.django_db
def test_a_task_failing_before_its_run_is_recorded_as_a_failed_run(fake_run_collection):
    calls, _ = fake_run_collection
    result = tasks.collect_costs.apply(kwargs={"trigger": "schedule", "start": "yesterday"}, task_id="t-3")
    assert result.failed()
    run = CollectionRun.objects.get(task_id="t-3")
    assert (run.kind, run.status, run.error_code) == ("costs", "failed", "ValueError")
    assert calls == []


@pytest.mark.django_db
def test_a_task_failing_mid_run_closes_its_run(monkeypatch):
    queued = factories.CollectionRunFactory(status="queued", task_id="t-4", finished_at=None)

    def crash(**kwargs):
        CollectionRun.objects.filter(pk=kwargs["run_id"]).update(status="running")
        raise MemoryError("out of memory")

    monkeypatch.setattr(services, "run_collection", crash)
    assert tasks.collect_costs.apply(kwargs={"run_id": queued.pk, "trigger": "api"}, task_id="t-4").failed()
    queued.refresh_from_db()
    assert (queued.status, queued.error_code, queued.error_message) == ("failed", "MemoryError", "out of memory")


@pytest.mark.django_db
@pytest.mark.parametrize(("after_worker_lost", "attempts"), [(False, 1), (True, 1 + tasks.collect_costs.max_retries)])
def test_a_skipped_delivery_waits_out_a_dead_workers_lock(fake_run_collection, after_worker_lost, attempts):
    calls, outcome = fake_run_collection
    outcome.update(status="skipped")
    tasks.collect_costs.apply(kwargs={"trigger": "schedule", "after_worker_lost": after_worker_lost}).get()
    assert len(calls) == attempts


def test_check_warns_when_a_healthy_task_could_be_delivered_twice(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
    settings.CELERY_TASK_TIME_LIMIT = 1200
    with pytest.raises(SystemCheckError, match=r"costmonitor\.W001"):
        call_command("check", fail_level="WARNING")
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    call_command("check", fail_level="WARNING")
