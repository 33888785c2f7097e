"""Scheduling: the default beat schedule, the DatabaseScheduler reading admin edits, enqueue_collection, tasks."""

import datetime as dt
import json
from importlib import import_module

import pytest
from celery.signals import before_task_publish
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler
from kombu.exceptions import OperationalError

from collection import services, tasks
from collection.models import CollectionRun, SeededSchedule
from collection.services.default_schedule import seed_default_schedule
from collection.task_names import COLLECT_TASK
from costmonitor.celery import app
from tests import factories

DESIGN_SCHEDULE = {
    "collect costs": dt.timedelta(hours=1),
    "collect forecast": dt.timedelta(hours=2),
    "collect tags": dt.timedelta(minutes=30),
    "collect cost_categories": dt.timedelta(hours=8),
    "collect optimization": dt.timedelta(hours=4),
    "collect accounts": dt.timedelta(days=1),
    "collect reconciliation": dt.timedelta(days=1),
    "collect budgets": dt.timedelta(hours=4),
    "collect anomalies": dt.timedelta(hours=8),
    "collect commitments": dt.timedelta(days=1),
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
    """Beat's collection entries by periodic task name."""
    scheduler = DatabaseScheduler(app=app, lazy=True)
    return {name: entry for name, entry in scheduler.schedule.items() if entry.task == COLLECT_TASK}


@scheduler_db
def test_migrate_creates_the_design_schedule_and_runs_it_at_first_start():
    entries = scheduler_entries()
    assert {name: entry.schedule.run_every for name, entry in entries.items()} == DESIGN_SCHEDULE
    assert COLLECT_TASK in app.tasks
    assert {name: entry.kwargs for name, entry in entries.items()} == {
        f"collect {kind}": {"kind": kind, "trigger": "schedule"} for kind in CollectionRun.Kind.values
    }
    assert all(entry.is_due().is_due for entry in entries.values())


@scheduler_db
def test_scheduler_follows_interval_enabled_and_argument_edits_in_the_database():
    assert scheduler_entries()["collect costs"].schedule.run_every == dt.timedelta(hours=1)
    task = PeriodicTask.objects.get(name="collect costs")
    task.interval = IntervalSchedule.objects.create(every=15, period=IntervalSchedule.MINUTES)
    task.kwargs = '{"kind": "costs", "trigger": "schedule", "start": "2025-01-01"}'
    task.save()
    PeriodicTask.objects.filter(name="collect tags").update(enabled=False)
    PeriodicTask.objects.get(name="collect forecast").save()  # queryset updates send no signal

    entries = scheduler_entries()
    assert entries["collect costs"].schedule.run_every == dt.timedelta(minutes=15)
    assert entries["collect costs"].kwargs == {"kind": "costs", "trigger": "schedule", "start": "2025-01-01"}
    assert "collect tags" not in entries


@scheduler_db
def test_the_default_schedule_is_seeded_once_so_an_operators_deletion_stands():
    PeriodicTask.objects.filter(name="collect tags").delete()
    PeriodicTask.objects.filter(name="collect costs").update(enabled=False)
    assert seed_default_schedule() == []
    assert not PeriodicTask.objects.filter(name="collect tags").exists()
    assert not PeriodicTask.objects.get(name="collect costs").enabled


@scheduler_db
def test_a_kind_never_seeded_is_scheduled_by_migrate():
    SeededSchedule.objects.filter(kind="forecast").delete()
    PeriodicTask.objects.filter(name="collect forecast").delete()
    call_command("migrate", verbosity=0)
    task = PeriodicTask.objects.get(name="collect forecast")
    assert (task.task, task.interval.every, task.interval.period) == (COLLECT_TASK, 2, "hours")
    assert SeededSchedule.objects.filter(kind="forecast").exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_each_kinds_old_task_to_the_one_task_keeping_the_operators_arguments():
    PeriodicTask.objects.all().delete()
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    edited = {"trigger": "schedule", "start": "2025-01-01"}
    PeriodicTask.objects.create(
        name="tags", task="collection.collect_tags", kwargs=json.dumps(edited), interval=every_hour
    )
    PeriodicTask.objects.create(name="broken", task="collection.collect_costs", kwargs="[1", interval=every_hour)
    migration = import_module("collection.migrations.0004_kinds_registry")

    migration.one_task(django_apps, None)
    moved = PeriodicTask.objects.get(name="tags")
    assert (moved.task, json.loads(moved.kwargs)) == (COLLECT_TASK, {"kind": "tags", **edited})
    assert PeriodicTask.objects.get(name="broken").task == "collection.collect_costs", "unreadable kwargs are left"

    migration.one_task_per_kind(django_apps, None)
    back = PeriodicTask.objects.get(name="tags")
    assert (back.task, json.loads(back.kwargs)) == ("collection.collect_tags", edited)


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
    assert published == [(COLLECT_TASK, run.task_id, {"kind": "forecast", "run_id": run.pk, "trigger": "api"})]


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
@pytest.mark.parametrize("kind", ["costs", "accounts"])
def test_task_carries_out_the_queued_run(fake_run_collection, kind):
    calls, _ = fake_run_collection
    queued = factories.CollectionRunFactory(kind=kind, trigger="api", status="queued", task_id="t-1")
    arguments = {"kind": kind, "run_id": queued.pk, "trigger": "api", "start": "2025-03-01"}
    result = tasks.collect.apply(kwargs=arguments, task_id="t-1").get()
    assert calls == [
        {
            "kind": kind,
            "trigger": "api",
            "start": dt.date(2025, 3, 1),
            "end": None,
            "task_id": "t-1",
            "run_id": queued.pk,
            "notes": "",
        }
    ]
    assert result["status"] == "succeeded"


@pytest.mark.django_db
def test_redelivered_task_closes_the_run_its_dead_worker_left_and_collects_anew(fake_run_collection):
    calls, _ = fake_run_collection
    abandoned = factories.CollectionRunFactory(status="running", task_id="t-2", finished_at=None)
    tasks.collect.apply(kwargs={"kind": "costs", "run_id": abandoned.pk, "trigger": "api"}, task_id="t-2").get()
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.error_code) == ("failed", "WorkerLost")
    assert abandoned.finished_at is not None
    assert calls[0]["run_id"] is None


@pytest.mark.django_db
def test_throttled_collection_is_retried_then_given_up(fake_run_collection):
    calls, outcome = fake_run_collection
    outcome.update(status="failed", error_code="LimitExceededException")
    result = tasks.collect.apply(kwargs={"kind": "tags", "trigger": "schedule"}).get()
    assert len(calls) == 1 + tasks.collect.max_retries
    assert {call["kind"] for call in calls} == {"tags"}
    assert result["status"] == "failed"
    assert CollectionRun.objects.filter(error_code="LimitExceededException").count() == len(calls)


@pytest.mark.django_db
def test_other_failures_are_not_retried(fake_run_collection):
    calls, outcome = fake_run_collection
    outcome.update(status="failed", error_code="AccessDeniedException")
    tasks.collect.apply(kwargs={"kind": "costs", "trigger": "schedule"}).get()
    assert len(calls) == 1


@pytest.mark.django_db
def test_a_task_failing_before_its_run_is_recorded_as_a_failed_run(fake_run_collection):
    calls, _ = fake_run_collection
    result = tasks.collect.apply(kwargs={"kind": "costs", "trigger": "schedule", "start": "yesterday"}, task_id="t-3")
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
    arguments = {"kind": "costs", "run_id": queued.pk, "trigger": "api"}
    assert tasks.collect.apply(kwargs=arguments, task_id="t-4").failed()
    queued.refresh_from_db()
    assert (queued.status, queued.error_code, queued.error_detail) == ("failed", "MemoryError", "out of memory")
    assert "MemoryError" in queued.error_message


@pytest.mark.django_db
@pytest.mark.parametrize(("after_worker_lost", "attempts"), [(False, 1), (True, 1 + tasks.collect.max_retries)])
def test_a_skipped_delivery_waits_out_a_dead_workers_lock(fake_run_collection, after_worker_lost, attempts):
    calls, outcome = fake_run_collection
    outcome.update(status="skipped")
    arguments = {"kind": "costs", "trigger": "schedule", "after_worker_lost": after_worker_lost}
    tasks.collect.apply(kwargs=arguments).get()
    assert len(calls) == attempts


def test_check_warns_when_a_healthy_task_could_be_delivered_twice(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
    settings.CELERY_TASK_TIME_LIMIT = 1200
    with pytest.raises(SystemCheckError, match=r"costmonitor\.W001"):
        call_command("check", fail_level="WARNING")
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_a_task_without_a_kind_ends_in_a_failed_run(fake_run_collection):
    calls, _ = fake_run_collection
    assert tasks.collect.apply(kwargs={"trigger": "schedule"}, task_id="t-5").failed()
    assert CollectionRun.objects.get(task_id="t-5").status == "failed"
    assert calls == []
