"""Write-side functions: collections and what they record. `run_collection` is the one entry point."""

from .runs import run_collection

__all__ = ["run_collection"]
