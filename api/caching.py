"""Cached reads for the API: the design's key scheme, the normalized query and the dataset version.

A finished collection calls `bump_dataset_versions`; an entry remembers the version it was computed
under, so after a bump the next read misses and recomputes (overwriting the entry). The version and
the entry are read in one round trip, or brought along by `api.hot_read` with the request's user. The
cache being down is never an error: the read is answered from the database and counted in
`costmonitor_cache_errors_total`.
"""

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from api.cache_metrics import record_cache_error
from api.hot_read import HotRead
from collection.cache_versions import dataset_version, version_key


def cache_key(*, prefix: str, parts: tuple, query: dict) -> str:
    """`aws:{prefix}:{parts…}:{digest of the normalized query}` — the design's keys, never colliding.

    The digest covers MASK_ACCOUNT_IDS too: an entry holds its answer rendered, account ids masked or not,
    so turning masking on must not serve an entry rendered before.
    """
    rendering = {"query": query, "masked": settings.MASK_ACCOUNT_IDS}
    normalized = json.dumps(rendering, sort_keys=True, default=str, separators=(",", ":"))
    digest = hashlib.sha256(normalized.encode()).hexdigest()[:24]
    return ":".join(["aws", prefix, *(str(p) if p not in (None, "") else "all" for p in parts), digest])


def _version(dataset: str) -> int:
    try:
        return dataset_version(dataset=dataset)
    except Exception as exc:  # any backend failure means "uncached", never a 500
        record_cache_error(operation="version", error=exc)
        return -1


def _read(dataset: str, key: str, hot: HotRead | None) -> tuple[int, Any]:
    """`(dataset version, entry or None)`; a version <= 0 means the cache is unusable."""
    versioned = version_key(dataset=dataset)
    try:
        found = _found(versioned, key, hot)
    except Exception as exc:
        record_cache_error(operation="version", error=exc)
        return -1, None
    if versioned not in found:  # never read yet, evicted, or a cache that is down and answers {}
        return _version(dataset), None
    return found[versioned], found.get(key)


def _found(versioned: str, key: str, hot: HotRead | None) -> dict:
    """The version and the entry that are in the cache, as `get_many` answers; from `hot` if it read `key`."""
    if hot is None or hot.entry_key != key:
        return cache.get_many([versioned, key])
    if hot.error is not None:
        raise hot.error
    return {k: v for k, v in ((versioned, hot.version), (key, hot.entry)) if v is not None}


def fresh_payload(entry: Any, *, version: int | None) -> tuple[Any, float] | None:
    """`(payload, age in seconds)` of a cache `entry` stored under the dataset's current `version`, else None."""
    if entry is None or version is None or version <= 0 or entry[0] != version:
        return None
    _, stored_at, payload = entry
    return payload, max(time.time() - stored_at, 0.0)


def cached_read(
    *, dataset: str, key: str, compute: Callable[[], Any], hot_read: HotRead | None = None
) -> tuple[Any, bool, float | None]:
    """`(payload, cached, cache_age_seconds)` for `key`, computing and storing the payload on a miss.

    `hot_read`: what `api.hot_read` read for the request, if it was read that way.
    """
    version, entry = _read(dataset, key, hot_read)
    if version == 0:  # django-redis with IGNORE_EXCEPTIONS answers None (see cache_versions) when Redis is down
        record_cache_error(operation="version")
    if version <= 0:
        return compute(), False, None
    if (hit := fresh_payload(entry, version=version)) is not None:
        return hit[0], True, hit[1]
    payload = compute()
    try:
        cache.set(key, (version, time.time(), payload), timeout=settings.API_CACHE_TTLS[dataset])
    except Exception as exc:
        record_cache_error(operation="set", error=exc)
    return payload, False, None
