"""Cached reads for the API: the design's key scheme, the normalized query and the dataset version.

A finished collection calls `bump_dataset_versions`, which changes the version in every key of that
dataset, so the next read misses and recomputes. The cache being down is never an error: the read is
answered from the database and counted in `costmonitor_cache_errors_total`.
"""

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from api.cache_metrics import record_cache_error
from collection.cache_versions import dataset_version


def cache_key(*, prefix: str, parts: tuple, query: dict) -> str:
    """`aws:{prefix}:{parts…}:{digest of the normalized query}` — the design's keys, never colliding."""
    normalized = json.dumps(query, sort_keys=True, default=str, separators=(",", ":"))
    digest = hashlib.sha256(normalized.encode()).hexdigest()[:24]
    return ":".join(["aws", prefix, *(str(p) if p not in (None, "") else "all" for p in parts), digest])


def _version(dataset: str) -> int:
    try:
        return dataset_version(dataset=dataset)
    except Exception as exc:  # any backend failure means "uncached", never a 500
        record_cache_error(operation="version", error=exc)
        return -1


def cached_read(*, dataset: str, key: str, compute: Callable[[], Any]) -> tuple[Any, bool, float | None]:
    """`(payload, cached, cache_age_seconds)` for `key`, computing and storing the payload on a miss."""
    version = _version(dataset)
    if version == 0:  # django-redis with IGNORE_EXCEPTIONS answers None (see cache_versions) when Redis is down
        record_cache_error(operation="version")
    if version <= 0:
        return compute(), False, None
    versioned = f"{key}:v{version}"
    try:
        hit = cache.get(versioned)
    except Exception as exc:
        record_cache_error(operation="get", error=exc)
        return compute(), False, None
    if hit is not None:
        return hit["payload"], True, max(time.time() - hit["stored_at"], 0.0)
    payload = compute()
    try:
        cache.set(versioned, {"payload": payload, "stored_at": time.time()}, timeout=settings.API_CACHE_TTLS[dataset])
    except Exception as exc:
        record_cache_error(operation="set", error=exc)
    return payload, False, None
