"""The default schedule of every registered kind, created once as django-celery-beat periodic tasks."""

import datetime as dt
import json

from django.db import connections, transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

from collection.kinds import KINDS
from collection.models import CollectionRun, SeededSchedule
from collection.task_names import COLLECT_TASK

# In the past, so beat runs a new kind's collection as soon as it starts and data appears at once.
LONG_AGO = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def seed_default_schedule() -> list[str]:
    """Create the periodic task of each kind never seeded before; return the kinds seeded now.

    The rows then belong to the operator: a kind is seeded once (`SeededSchedule`), so no restart, deploy or
    migration rewrites, re-enables or re-creates what was edited or deleted in the admin. `migrate` calls this
    when it is done, so a kind added in a new release is scheduled by the release's migrate.
    """
    seeded = []
    with transaction.atomic():
        done = set(SeededSchedule.objects.values_list("kind", flat=True))
        for spec in KINDS.values():
            if spec.kind in done:
                continue
            every, period = spec.every
            interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
            PeriodicTask.objects.get_or_create(
                name=f"collect {spec.kind}",
                defaults={
                    "task": COLLECT_TASK,
                    "interval": interval,
                    "kwargs": json.dumps({"kind": spec.kind, "trigger": CollectionRun.Trigger.SCHEDULE}),
                    "last_run_at": LONG_AGO,
                    "description": f"Collects {spec.kind} into the history. Edit the interval, the enabled flag or "
                    'the arguments (e.g. {"start": "2025-01-01"}) here; beat picks changes up without a restart.',
                },
            )
            SeededSchedule.objects.create(kind=spec.kind)
            seeded.append(spec.kind)
        if seeded:
            PeriodicTasks.update_changed()  # tell a running beat to reload, as the admin's edits do
    return seeded


def seed_after_migrate(*, using: str, **_kwargs) -> None:
    """The `post_migrate` receiver of the collection app (connected in `collection.apps`).

    Not when migrating back to before the seeding's own table (migration 0004) exists.
    """
    if SeededSchedule._meta.db_table in connections[using].introspection.table_names():
        seed_default_schedule()
