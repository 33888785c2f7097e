"""Write-side functions: collections and what they record. `run_collection` is the one entry point."""

from collection.task_names import collection_task_name

from .backfill import backfill_estimate, backfill_plan
from .estimates import estimate_ce_requests
from .locks import single_flight
from .runs import run_collection
from .scheduling import enqueue_collection, record_task_failure, take_over_delivery
from .sources import source_name
from .spend_guard import remaining_ce_requests

__all__ = [
    "backfill_estimate",
    "backfill_plan",
    "collection_task_name",
    "enqueue_collection",
    "estimate_ce_requests",
    "record_task_failure",
    "remaining_ce_requests",
    "run_collection",
    "single_flight",
    "source_name",
    "take_over_delivery",
]
