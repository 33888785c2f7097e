"""Single flight: at most one collection of a kind at a time, across processes, through the shared cache."""

import logging
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache

logger = logging.getLogger(__name__)


def _renew(*, key: str, token: str, ttl: int, stop: threading.Event) -> None:
    """Extend the lease every ttl/3 seconds while its holder runs, so a dead holder's lock expires within `ttl`."""
    while not stop.wait(ttl / 3):
        if cache.get(key) != token:
            logger.warning("single-flight lock %s was lost while its collection ran", key)
            return
        cache.touch(key, ttl)


@contextmanager
def single_flight(*, kind: str, ttl: int) -> Iterator[bool]:
    """Yield True when this process holds the `kind` lock, False when another one does.

    The lock is a lease: `cache.add` is atomic on Redis (SET NX EX) and on the file cache, the holder renews
    it in a background thread, and a holder that dies (a killed worker) stops renewing, so the lock frees
    itself within `ttl` seconds. It is released on exit, error included, and only by its holder (the token).
    https://docs.djangoproject.com/en/5.2/topics/cache/#django.core.caches.cache.add
    """
    key, token = f"collect:lock:{kind}", secrets.token_hex(16)
    if not cache.add(key, token, timeout=ttl):
        logger.info("a %s collection is already running; this one is skipped", kind)
        yield False
        return
    stop = threading.Event()
    renewer = threading.Thread(
        target=_renew, kwargs={"key": key, "token": token, "ttl": ttl, "stop": stop}, daemon=True
    )
    renewer.start()
    try:
        yield True
    finally:
        stop.set()
        renewer.join()
        if cache.get(key) == token:
            cache.delete(key)
