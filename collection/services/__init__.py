"""Write-side functions: collections and what they record. `run_collection` is the one entry point."""

from .runs import run_collection
from .scheduling import Queued, enqueue_collection, queue_collection, record_task_failure, take_over_delivery

__all__ = [
    "Queued",
    "enqueue_collection",
    "queue_collection",
    "record_task_failure",
    "run_collection",
    "take_over_delivery",
]
