"""Cached reads for the API: an entry under its key (`costmonitor.cache_keys.entry_key`) and the dataset version.

A finished collection calls `bump_dataset_versions`; an entry remembers the version it was computed
under, so after a bump the next read misses and recomputes (overwriting the entry). The version and
the entry are read in one round trip (`api.hot_read.read_many`: with the request's user, when it was read
that way). The cache being down is never an error: the read is answered from the database and counted in
`costmonitor_cache_errors_total`. An entry bigger than API_CACHE_MAX_ENTRY_BYTES is served and not kept, so
no single query can fill the cache (counted in `costmonitor_cache_oversize_total`).
"""

import pickle
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from api.cache_metrics import record_cache_error, record_oversize_entry
from api.hot_read import read_many
from collection.cache_versions import dataset_version
from costmonitor.cache_keys import version_key


def _version(dataset: str) -> int:
    try:
        return dataset_version(dataset=dataset)
    except Exception as exc:  # any backend failure means "uncached", never a 500
        record_cache_error(operation="version", error=exc)
        return -1


def _read(request, dataset: str, key: str) -> tuple[int, Any]:
    """`(dataset version, entry or None)`; a version <= 0 means the cache is unusable."""
    versioned = version_key(dataset=dataset)
    try:
        found = read_many(request, [versioned, key])
    except Exception as exc:
        record_cache_error(operation="version", error=exc)
        return -1, None
    if versioned not in found:  # never read yet, evicted, or a cache that is down and answers {}
        return _version(dataset), None
    return found[versioned], found.get(key)


def fresh_payload(entry: Any, *, version: int | None) -> tuple[Any, float] | None:
    """`(payload, age in seconds)` of a cache `entry` stored under the dataset's current `version`, else None."""
    if entry is None or version is None or version <= 0 or entry[0] != version:
        return None
    _, stored_at, payload = entry
    return payload, max(time.time() - stored_at, 0.0)


def cached_read(request, *, dataset: str, key: str, compute: Callable[[], Any]) -> tuple[Any, bool, float | None]:
    """`(payload, cached, cache_age_seconds)` of `request`'s entry `key`, computing and storing it on a miss."""
    version, entry = _read(request, dataset, key)
    if version == 0:  # django-redis with IGNORE_EXCEPTIONS answers None (see cache_versions) when Redis is down
        record_cache_error(operation="version")
    if version <= 0:
        return compute(), False, None
    if (hit := fresh_payload(entry, version=version)) is not None:
        return hit[0], True, hit[1]
    payload = compute()
    entry = (version, time.time(), payload)
    # Measured as django-redis stores it (its default serializer pickles). https://github.com/jazzband/django-redis#pluggable-serializer
    if len(pickle.dumps(entry)) > settings.API_CACHE_MAX_ENTRY_BYTES:
        record_oversize_entry(dataset=dataset)
        return payload, False, None
    try:
        cache.set(key, entry, timeout=settings.API_CACHE_TTLS[dataset])
    except Exception as exc:
        record_cache_error(operation="set", error=exc)
    return payload, False, None
