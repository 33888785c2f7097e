"""The Celery task that runs every collection, and the kind a beat periodic task asks it for."""

import json

from collection.kinds import Kind

# One task for every kind (collection.tasks.collect); the kind is its first keyword argument.
COLLECT_TASK = "collection.collect"


def periodic_task_kind(*, task: str, kwargs: str) -> Kind | None:
    """The kind a periodic task with this `task` name and `kwargs` JSON collects; None when it is no collection."""
    if task != COLLECT_TASK:
        return None
    try:
        kind = json.loads(kwargs or "{}").get("kind")
    except (ValueError, AttributeError):  # not JSON, or not an object: beat refuses to run it too
        return None
    return Kind(kind) if kind in Kind.values else None
