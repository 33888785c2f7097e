"""Single flight: at most one collection of a kind at a time, across processes, through the shared cache."""

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache

logger = logging.getLogger(__name__)


@contextmanager
def single_flight(*, kind: str, ttl: int) -> Iterator[bool]:
    """Yield True when this process holds the `kind` lock, False when another one does.

    `cache.add` is atomic on Redis (SET NX EX) and on the file cache, and the expiry frees a lock whose holder
    died. The lock is released on exit, error included, and only by its holder (the token check), so a run that
    outlived `ttl` cannot free its successor's lock.
    https://docs.djangoproject.com/en/5.2/topics/cache/#django.core.caches.cache.add
    """
    key, token = f"collect:lock:{kind}", secrets.token_hex(16)
    acquired = bool(cache.add(key, token, timeout=ttl))
    if not acquired:
        logger.info("a %s collection is already running; this one is skipped", kind)
    try:
        yield acquired
    finally:
        if acquired and cache.get(key) == token:
            cache.delete(key)
