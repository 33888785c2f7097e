"""The design's collection schedule as django-celery-beat periodic tasks, created once.

Operators tune these rows in the admin; no later code touches them, so their edits survive restarts and deploys.
`last_run_at` in the past makes beat run every collection as soon as it first starts, so data appears at once.
"""

import datetime as dt

from django.db import migrations

# (kind, every, period): the design's four jobs plus the daily account names.
DEFAULT_SCHEDULE = [
    ("costs", 1, "hours"),
    ("forecast", 2, "hours"),
    ("tags", 30, "minutes"),
    ("optimization", 4, "hours"),
    ("accounts", 1, "days"),
]


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    long_ago = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    for kind, every, period in DEFAULT_SCHEDULE:
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.get_or_create(
            name=f"collect {kind}",
            defaults={
                "task": f"collection.collect_{kind}",
                "interval": interval,
                "kwargs": '{"trigger": "schedule"}',
                "last_run_at": long_ago,
                "description": f"Collects {kind} into the history. Edit the interval, the enabled flag or the "
                'arguments (e.g. {"start": "2025-01-01"}) here; beat picks changes up without a restart.',
            },
        )
    # Tell a running beat to reload (what django-celery-beat's signals do for admin edits).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": dt.datetime.now(dt.UTC)})


def delete_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[f"collect {kind}" for kind, _, _ in DEFAULT_SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
