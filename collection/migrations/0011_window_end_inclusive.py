"""A window's `end` is the last day, included, everywhere a user types one (collection/window_ends.py).

Periodic tasks of `collection.collect` stored with the former exclusive `end` are rewritten to the day before, so
that none of them changes meaning (and one given the deprecated `end_exclusive` to the same inclusive `end`);
the reverse gives them back their exclusive `end`. Runs get `notes`, where a deprecated argument is noted.
"""

import datetime as dt
import json

from django.db import migrations, models
from django.utils import timezone

TASK = "collection.collect"
DAY = dt.timedelta(days=1)


def _rewritten(text, *, forward):
    """The task's kwargs JSON in the other form (None: no end to move, or unreadable: left as it is).

    Forward, an exclusive `end` (or the deprecated `end_exclusive`) becomes the inclusive `end`, the day before;
    backward, an inclusive `end` becomes the exclusive `end`, the day after (`end_exclusive` is that already).
    """
    try:
        kwargs = json.loads(text or "{}")
    except ValueError:
        return None
    if not isinstance(kwargs, dict) or not isinstance(kwargs.get("end_exclusive", kwargs.get("end")), str):
        return None
    if "end_exclusive" in kwargs:
        given = kwargs.pop("end_exclusive")
        shift = -DAY if forward else dt.timedelta(0)
    else:
        given = kwargs["end"]
        shift = -DAY if forward else DAY
    try:
        day = dt.date.fromisoformat(given)
    except ValueError:  # a malformed end fails the task before and after: left for the operator to see
        return None
    kwargs["end"] = (day + shift).isoformat()
    return json.dumps(kwargs)


def _rewrite(apps, *, forward):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    changed = 0
    for task in PeriodicTask.objects.filter(task=TASK):
        kwargs = _rewritten(task.kwargs, forward=forward)
        if kwargs is not None:
            task.kwargs = kwargs
            task.save(update_fields=["kwargs"])
            changed += 1
    if changed:  # tell a running beat to reload, as django-celery-beat's signals do for admin edits
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def inclusive_ends(apps, schema_editor):
    _rewrite(apps, forward=True)


def exclusive_ends(apps, schema_editor):
    _rewrite(apps, forward=False)


class Migration(migrations.Migration):

    dependencies = [
        ("collection", "0010_spend_confirmation"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="collectionrun",
            name="notes",
            field=models.TextField(
                blank=True, help_text="For the operator, e.g. a deprecated argument the run was given."
            ),
        ),
        migrations.RunPython(inclusive_ends, exclusive_ends),
    ]
