"""The Celery task name of each collection kind; beat's periodic tasks name them too."""

from collection.models import CollectionRun


def collection_task_name(*, kind: str) -> str:
    """The registered Celery task name that collects `kind`."""
    if kind not in CollectionRun.Kind.values:
        raise ValueError(f"unknown collection kind {kind!r}; expected one of {', '.join(CollectionRun.Kind.values)}")
    return f"collection.collect_{kind}"


def kinds_by_task_name() -> dict[str, str]:
    """Each collection task's name → the kind it collects."""
    return {collection_task_name(kind=kind): kind for kind in CollectionRun.Kind.values}
