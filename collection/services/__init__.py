"""Write-side functions: collections and what they record. `run_collection` is the one entry point."""

from .runs import enqueue_collection, run_collection

__all__ = ["enqueue_collection", "run_collection"]
