"""The Celery task that runs every collection, the kind a beat periodic task asks it for, and the maintenance tasks
beside the collections."""

import json
from typing import NamedTuple

from collection.kinds import Kind

# One task for every kind (collection.tasks.collect); the kind is its first keyword argument.
COLLECT_TASK = "collection.collect"
EXPIRE_HISTORY_TASK = "collection.expire_history"


class MaintenanceTask(NamedTuple):
    """A periodic task that is no collection (it calls no AWS and records no CollectionRun), seeded once like a
    kind's default schedule, under `key` in SeededSchedule."""

    key: str
    name: str
    task: str
    every: tuple[int, str]  # (every, django-celery-beat IntervalSchedule period)
    description: str


MAINTENANCE_TASKS = (
    MaintenanceTask(
        key="expire_history",
        name="expire history",
        task=EXPIRE_HISTORY_TASK,
        every=(1, "days"),
        description="Deletes whole months of history older than HISTORY_RETENTION_MONTHS (0: keeps everything). "
        "Edit the interval or the enabled flag here; `manage.py expire_history --dry-run` shows what it deletes.",
    ),
)


def periodic_task_kind(*, task: str, kwargs: str) -> Kind | None:
    """The kind a periodic task with this `task` name and `kwargs` JSON collects; None when it is no collection."""
    if task != COLLECT_TASK:
        return None
    try:
        kind = json.loads(kwargs or "{}").get("kind")
    except (ValueError, AttributeError):  # not JSON, or not an object: beat refuses to run it too
        return None
    return Kind(kind) if kind in Kind.values else None
