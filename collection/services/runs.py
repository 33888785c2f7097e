"""The lifecycle of a collection run: one entry point for tasks, commands, the admin and the API."""

from datetime import date

from collection.models import CollectionRun


def run_collection(
    *,
    kind: str,
    trigger: str,
    start: date | None = None,
    end: date | None = None,
    dry_run: bool = False,
    task_id: str = "",
    run_id: int | None = None,
) -> CollectionRun:
    """Run one collection of `kind` now and return its finished `CollectionRun`.

    `run_id` names a `queued` run created by `enqueue_collection`, which this call then carries out.
    AWS and data errors end in the run's status and error fields, never as an exception;
    an unknown kind or trigger raises ValueError.
    """
    raise NotImplementedError("the collection engine lands with the collection issue")
