"""Per-dataset cache versions: a finished collection bumps its dataset, so no reader sees older data.

The cache may evict a version (its Redis runs with allkeys-lru): a missing version restarts at a value no
entry was stored under (the clock's milliseconds), never at 1, so an older entry can never be taken as current.
"""

import time

from django.core.cache import cache

from collection.kinds import Dataset
from costmonitor.cache_keys import version_key


def _key(dataset: str) -> str:
    """The cache key holding the version of `dataset`, a known one."""
    if dataset not in Dataset.values:
        raise ValueError(f"unknown dataset {dataset!r}; one of {', '.join(Dataset.values)}")
    return version_key(dataset=dataset)


def dataset_version(*, dataset: str) -> int:
    """The current version of `dataset`, part of every cache key of its reads."""
    # A cache that is down (IGNORE_EXCEPTIONS) answers None: version 0 then, and reads go uncached anyway.
    # Not get_or_set: its final get falls back to the default, which would hide the outage.
    key = _key(dataset)
    version = cache.get(key)
    if version is None:
        cache.add(key, _fresh_version(), timeout=None)
        version = cache.get(key)
    return version or 0


def _fresh_version() -> int:
    """A version above any this dataset had: versions count bumps from the milliseconds they started at."""
    return time.time_ns() // 1_000_000


def bump_dataset_versions(*, datasets: list[str] | tuple[str, ...]) -> None:
    """Invalidate every cached read of `datasets` at once."""
    for dataset in datasets:
        key = _key(dataset)
        try:
            cache.incr(key)
        except ValueError:  # key missing (evicted or never read)
            cache.set(key, _fresh_version(), timeout=None)
