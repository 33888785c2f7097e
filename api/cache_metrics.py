"""The cache error counter; /metrics exposes it from prometheus_client's default registry."""

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
