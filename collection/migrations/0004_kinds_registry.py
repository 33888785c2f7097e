"""The registry of kinds: one collection task for every kind, and the record of which default schedules exist.

Beat's periodic tasks named `collection.collect_<kind>` become `collection.collect` with the kind in their
keyword arguments (any arguments the operator set are kept); 0002 seeded the default schedule of these five
kinds, so they are recorded as seeded and never re-created (`collection.services.default_schedule`).
"""

import json

import collection.kinds
from django.db import migrations, models
from django.utils import timezone

# Frozen: the kinds and task names as they were before this migration.
OLD_KINDS = ["costs", "forecast", "tags", "optimization", "accounts"]
TASK = "collection.collect"


def _kwargs(text):
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def one_task(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    SeededSchedule = apps.get_model("collection", "SeededSchedule")
    for kind in OLD_KINDS:
        for task in PeriodicTask.objects.filter(task=f"collection.collect_{kind}"):
            kwargs = _kwargs(task.kwargs)
            if kwargs is None:  # unreadable arguments: beat could not run it before either; left for the operator
                continue
            task.task, task.kwargs = TASK, json.dumps({"kind": kind, **kwargs})
            task.save(update_fields=["task", "kwargs"])
        SeededSchedule.objects.get_or_create(kind=kind)
    # Tell a running beat to reload (what django-celery-beat's signals do for admin edits).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def one_task_per_kind(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for task in PeriodicTask.objects.filter(task=TASK):
        kwargs = _kwargs(task.kwargs) or {}
        kind = kwargs.pop("kind", None)
        if kind in OLD_KINDS:
            task.task, task.kwargs = f"collection.collect_{kind}", json.dumps(kwargs)
            task.save(update_fields=["task", "kwargs"])


class Migration(migrations.Migration):

    dependencies = [
        ('collection', '0003_run_aws_retries'),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name='SeededSchedule',
            fields=[
                ('kind', models.CharField(max_length=16, primary_key=True, serialize=False)),
                ('seeded_at', models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.AlterField(
            model_name='collectionrun',
            name='kind',
            field=models.CharField(choices=collection.kinds.kind_choices, max_length=16),
        ),
        migrations.RunPython(one_task, one_task_per_kind),
    ]
