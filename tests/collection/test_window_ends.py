"""One convention for a window's end (the last day, included) in the API, the commands, the task and the admin;
the former exclusive form accepted for one release with a deprecation message; stored periodic tasks migrated."""

import datetime as dt
import io
import json
import logging
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from collection import tasks
from collection.admin import CollectionPeriodicTaskForm
from collection.models import CollectionRun, CostData
from collection.months import month_start
from collection.task_names import COLLECT_TASK

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def today() -> dt.date:
    return timezone.now().date()


def call(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def last_month() -> tuple[dt.date, dt.date]:
    """The previous UTC month's first and last day."""
    last = month_start(today=today()) - DAY
    return last.replace(day=1), last


def test_collect_end_is_the_last_day_included_as_in_the_api(demo_source, api_client):
    start, end = today() - 3 * DAY, today() - DAY
    out, err = call("collect", "--kind", "costs", "--start", str(start), "--end", str(end))
    run = CollectionRun.objects.get(kind="costs")
    assert (run.window_start, run.window_end) == (start, end + DAY)  # half-open inside
    assert f"costs {start} to {end}: succeeded" in out
    assert max(CostData.objects.values_list("date", flat=True)) == end
    # Not silent for a script written for the former exclusive --end: it is told what changed and what to give.
    assert f"note: --end {end} is the last day collected, included" in err
    assert f"should now give --end {end - DAY}" in err
    # The API reads the same words the same way: the same days, the last one included.
    rows = api_client.get(f"/api/costs?start={start}&end={end}&page_size=1000").json()["data"]["rows"]
    assert sorted({row["period"] for row in rows}) == [str(start + n * DAY) for n in range(3)]


def test_one_day_is_a_window_whose_start_is_its_end(demo_source):
    call("collect", "--kind", "costs", "--start", str(today()), "--end", str(today()))
    run = CollectionRun.objects.get(kind="costs")
    assert (run.window_start, run.window_end, run.status) == (today(), today() + DAY, "succeeded")


@pytest.mark.parametrize("command", ["collect", "collect_costs"])
def test_the_former_exclusive_end_is_accepted_with_a_deprecation_warning(demo_source, command):
    start = today() - 3 * DAY
    _, err = call(command, "--kind", "costs", "--start", str(start), "--end-exclusive", str(today()))
    run = CollectionRun.objects.get(kind="costs")
    assert (run.window_start, run.window_end) == (start, today())  # its old meaning, unchanged
    assert f"warning: --end-exclusive {today()} is deprecated and will be removed in the next release" in err
    assert f"give --end {today() - DAY} instead" in err
    assert "note: --end" not in err


@pytest.mark.parametrize("command", ["collect", "backfill_costs"])
def test_end_and_end_exclusive_together_are_refused(demo_source, command):
    with pytest.raises(CommandError, match=r"give --end .* or the deprecated --end-exclusive, not both"):
        call(command, "--start", str(today()), "--end", str(today()), "--end-exclusive", str(today() + DAY))
    assert not CollectionRun.objects.exists()


@pytest.mark.parametrize(
    ("end", "message"),
    [
        (lambda: today() - 4 * DAY, r"end \S+ is before start \S+ \(end is the last day, included\)"),
        (lambda: today() + DAY, r"is in the future; the latest allowed end is today"),
    ],
)
def test_a_refused_end_is_named_as_the_user_typed_it(demo_source, end, message):
    with pytest.raises(CommandError, match=message) as refused:
        call("collect", "--kind", "costs", "--start", str(today() - 3 * DAY), "--end", str(end()))
    assert str(end()) in str(refused.value)


@pytest.mark.parametrize("exclusive", [False, True], ids=["--end", "--end-exclusive"])
def test_backfill_collects_the_same_month_from_either_form_saying_which(demo_source, exclusive):
    first, last = last_month()
    end = ["--end-exclusive", str(last + DAY)] if exclusive else ["--end", str(last)]
    out, err = call("backfill_costs", "--start", str(first), *end, "--yes")
    chunks = CollectionRun.objects.filter(trigger="backfill")
    assert list(chunks.values_list("window_start", "window_end")) == [(first, last + DAY)]
    assert f"Backfill {first} to {last}: 1 month(s) to collect" in out
    if exclusive:
        assert f"--end-exclusive {last + DAY} is deprecated and will be removed in the next release" in err
        assert f"give --end {last} instead" in err
    else:
        assert f"note: --end {last} is the last day collected, included" in err
        assert f"should now give --end {last - DAY}, or the deprecated --end-exclusive {last}" in err


def test_reconcile_costs_prints_its_month_as_first_to_last_day(demo_source):
    first, last = last_month()
    out, _ = call("reconcile_costs")
    assert f"reconciliation {first} to {last}: " in out


def test_the_task_end_is_the_last_day_included(demo_source):
    start, end = today() - 3 * DAY, today() - DAY
    kwargs = {"kind": "costs", "trigger": "schedule", "start": str(start), "end": str(end)}
    tasks.collect.apply(kwargs=kwargs, task_id="t-inclusive").get()
    run = CollectionRun.objects.get(task_id="t-inclusive")
    assert (run.window_start, run.window_end, run.status, run.notes) == (start, end + DAY, "succeeded", "")


def test_empty_task_window_arguments_still_mean_none(demo_source):
    kwargs = {"kind": "accounts", "trigger": "schedule", "start": "", "end": "", "end_exclusive": ""}
    tasks.collect.apply(kwargs=kwargs, task_id="t-empty").get()
    run = CollectionRun.objects.get(task_id="t-empty")
    assert (run.window_start, run.status, run.notes) == (None, "succeeded", "")


def test_the_tasks_former_exclusive_end_is_logged_and_noted_on_the_run(demo_source, caplog, staff_api_client):
    start = today() - 3 * DAY
    kwargs = {"kind": "costs", "trigger": "schedule", "start": str(start), "end_exclusive": str(today())}
    with caplog.at_level(logging.WARNING, logger="collection.tasks"):
        tasks.collect.apply(kwargs=kwargs, task_id="t-deprecated").get()
    run = CollectionRun.objects.get(task_id="t-deprecated")
    assert (run.window_start, run.window_end, run.status) == (start, today(), "succeeded")
    expected = f"end_exclusive={today()} is deprecated and will be removed in the next release: "
    expected += f"give end={today() - DAY}"
    assert expected in caplog.text
    assert run.notes.startswith(expected)
    assert f"(note: {expected}" in run.summary()
    listed = staff_api_client.get("/api/runs").json()["data"]["runs"]
    assert listed[0]["notes"].startswith(expected)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start": "2026-11-01", "end": "2026-11-31"},
        {"start": "2026-11-02", "end": "2026-11-01"},
        {"start": "2026-11-01", "end": "2026-11-30", "end_exclusive": "2026-12-01"},
    ],
)
def test_a_task_with_a_bad_window_fails_as_a_recorded_run(demo_source, kwargs):
    result = tasks.collect.apply(kwargs={"kind": "costs", "trigger": "schedule", **kwargs}, task_id="t-bad")
    assert result.failed()
    run = CollectionRun.objects.get(task_id="t-bad")
    assert (run.status, run.error_code) == ("failed", "ValueError")


def periodic_form(kwargs: dict | str) -> CollectionPeriodicTaskForm:
    task = PeriodicTask.objects.get(name="collect costs")
    data = {
        "name": task.name,
        "regtask": COLLECT_TASK,
        "task": COLLECT_TASK,
        "enabled": "on",
        "interval": task.interval_id,
        "args": "[]",
        "kwargs": kwargs if isinstance(kwargs, str) else json.dumps(kwargs),
        "queue": "",
        "exchange": "",
        "routing_key": "",
        "priority": "",
        "headers": "{}",
        "description": "",
        "expire_seconds": "",
    }
    return CollectionPeriodicTaskForm(data=data, instance=task)


@pytest.mark.usefixtures("default_schedule")
def test_the_admin_accepts_a_window_with_an_inclusive_end():
    form = periodic_form({"kind": "costs", "trigger": "schedule", "start": "2026-11-01", "end": "2026-11-30"})
    assert form.is_valid(), form.errors
    form.save()
    stored = json.loads(PeriodicTask.objects.get(name="collect costs").kwargs)
    assert (stored["start"], stored["end"]) == ("2026-11-01", "2026-11-30")


@pytest.mark.usefixtures("default_schedule")
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"kind": "costs", "start": "2026-11-01", "end_exclusive": "2026-12-01"},
            "end_exclusive=2026-12-01 is deprecated and will be removed in the next release: give end=2026-11-30",
        ),
        ({"kind": "costs", "start": "2026-11-01", "end": "2026-11-31"}, "end: '2026-11-31' is not a date"),
        ({"kind": "costs", "start": "2026-11-02", "end": "2026-11-01"}, "end: 2026-11-01 is before start 2026-11-02"),
        ({"kind": "costs", "start": "2026-11-01"}, "Give both start and end (the last day, included), or neither."),
        ({"kind": "costs", "stat": "2026-11-01"}, "Unknown argument stat; collection.collect takes kind, run_id"),
        ({"kind": "costs", "start": 20261101, "end": "2026-11-30"}, "start and end are ISO days in quotes"),
        ('["costs"]', "The keyword arguments must be a JSON object"),
    ],
)
def test_the_admin_refuses_task_arguments_the_task_would_fail_on(kwargs, message):
    form = periodic_form(kwargs)
    assert not form.is_valid()
    assert any(message in error for error in form.errors["kwargs"]), form.errors


@pytest.mark.django_db(transaction=True)
def test_the_migration_rewrites_stored_exclusive_ends_and_back():
    PeriodicTask.objects.all().delete()
    every_day = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    stored = {
        "november": {"kind": "costs", "trigger": "schedule", "start": "2026-11-01", "end": "2026-12-01"},
        "leap": {"kind": "tags", "start": "2028-02-01", "end": "2028-03-01"},
        "new year": {"kind": "costs", "start": "2026-12-01", "end": "2027-01-01"},
        "no window": {"kind": "forecast", "trigger": "schedule"},
        "malformed": {"kind": "costs", "start": "2026-11-01", "end": "soon"},
    }
    for name, kwargs in stored.items():
        PeriodicTask.objects.create(name=name, task=COLLECT_TASK, kwargs=json.dumps(kwargs), interval=every_day)
    PeriodicTask.objects.create(name="broken", task=COLLECT_TASK, kwargs="[1", interval=every_day)
    PeriodicTask.objects.create(name="other", task="other.task", kwargs='{"end": "2026-12-01"}', interval=every_day)
    migration = import_module("collection.migrations.0011_window_end_inclusive")

    def kwargs_of(name):
        return PeriodicTask.objects.get(name=name).kwargs

    migration.inclusive_ends(django_apps, None)
    assert json.loads(kwargs_of("november"))["end"] == "2026-11-30"
    assert json.loads(kwargs_of("leap"))["end"] == "2028-02-29"
    assert json.loads(kwargs_of("new year"))["end"] == "2026-12-31"
    assert json.loads(kwargs_of("no window")) == stored["no window"]
    assert json.loads(kwargs_of("malformed")) == stored["malformed"], "left for the operator to see"
    assert (kwargs_of("broken"), kwargs_of("other")) == ("[1", '{"end": "2026-12-01"}')

    migration.exclusive_ends(django_apps, None)
    for name, kwargs in stored.items():
        assert json.loads(kwargs_of(name)) == kwargs

    # A task given the deprecated end_exclusive (this release) goes back as the former end, and forward as end.
    PeriodicTask.objects.filter(name="november").update(kwargs='{"kind": "costs", "end_exclusive": "2026-12-01"}')
    migration.exclusive_ends(django_apps, None)
    assert json.loads(kwargs_of("november")) == {"kind": "costs", "end": "2026-12-01"}
    PeriodicTask.objects.filter(name="november").update(kwargs='{"kind": "costs", "end_exclusive": "2026-12-01"}')
    migration.inclusive_ends(django_apps, None)
    assert json.loads(kwargs_of("november")) == {"kind": "costs", "end": "2026-11-30"}
