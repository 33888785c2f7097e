"""The cache's error and oversize counters; /metrics exposes them from prometheus_client's default registry."""

import logging

from prometheus_client import Counter

logger = logging.getLogger(__name__)

CACHE_ERRORS = Counter(
    "costmonitor_cache_errors_total",
    "API cache reads or writes that failed (the answer then came from the database).",
    ["operation"],
)


def record_cache_error(*, operation: str, error: BaseException | None = None) -> None:
    """Count and log one failed cache operation; the caller answers from the database instead."""
    CACHE_ERRORS.labels(operation=operation).inc()
    logger.warning("API cache %s failed, answering from the database: %s", operation, error or "cache unreachable")


CACHE_OVERSIZE = Counter(
    "costmonitor_cache_oversize_total",
    "API answers served but not cached: bigger than API_CACHE_MAX_ENTRY_BYTES.",
    ["dataset"],
)


def record_oversize_entry(*, dataset: str) -> None:
    CACHE_OVERSIZE.labels(dataset=dataset).inc()
