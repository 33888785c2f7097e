"""The default schedule of every registered kind, created once as django-celery-beat periodic tasks."""

import datetime as dt
import json
from collections.abc import Iterator

from django.db import connections, transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

from collection.kinds import KINDS
from collection.models import CollectionRun, SeededSchedule
from collection.task_names import COLLECT_TASK, MAINTENANCE_TASKS

# In the past, so beat runs a new kind's collection as soon as it starts and data appears at once.
LONG_AGO = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _defaults() -> Iterator[tuple[str, str, tuple[int, str], dict]]:
    """(SeededSchedule key, periodic task name, interval, its other fields) of every kind and maintenance task."""
    for spec in KINDS.values():
        yield (
            spec.kind,
            f"collect {spec.kind}",
            spec.every,
            {
                "task": COLLECT_TASK,
                "kwargs": json.dumps({"kind": spec.kind, "trigger": CollectionRun.Trigger.SCHEDULE}),
                "description": f"Collects {spec.kind} into the history. Edit the interval, the enabled flag or "
                'the arguments (e.g. {"start": "2025-01-01"}) here; beat picks changes up without a restart.',
            },
        )
    for task in MAINTENANCE_TASKS:
        yield task.key, task.name, task.every, {"task": task.task, "kwargs": "{}", "description": task.description}


def seed_default_schedule() -> list[str]:
    """Create the periodic task of each kind and maintenance task never seeded before; return the keys seeded now.

    The rows then belong to the operator: each is seeded once (`SeededSchedule`), so no restart, deploy or
    migration rewrites, re-enables or re-creates what was edited or deleted in the admin. `migrate` calls this
    when it is done, so a kind or maintenance task added in a new release is scheduled by the release's migrate.
    """
    seeded = []
    with transaction.atomic():
        done = set(SeededSchedule.objects.values_list("kind", flat=True))
        for key, name, (every, period), fields in _defaults():
            if key in done:
                continue
            interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
            PeriodicTask.objects.get_or_create(
                name=name, defaults={**fields, "interval": interval, "last_run_at": LONG_AGO}
            )
            SeededSchedule.objects.create(kind=key)
            seeded.append(key)
        if seeded:
            PeriodicTasks.update_changed()  # tell a running beat to reload, as the admin's edits do
    return seeded


def seed_after_migrate(*, using: str, **_kwargs) -> None:
    """The `post_migrate` receiver of the collection app (connected in `collection.apps`).

    Not when migrating back to before the seeding's own table (migration 0004) exists.
    """
    if SeededSchedule._meta.db_table in connections[using].introspection.table_names():
        seed_default_schedule()
