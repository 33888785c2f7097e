"""Single flight: at most one collection of a kind at a time, across processes, through the state cache."""

import logging
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from collection.state import state_cache

logger = logging.getLogger(__name__)


def _renew(*, key: str, token: str, ttl: int, stop: threading.Event) -> None:
    """Extend the lease every ttl/3 seconds while its holder runs, so a dead holder's lock expires within `ttl`."""
    while not stop.wait(ttl / 3):
        if state_cache.get(key) != token:
            logger.warning("single-flight lock %s was lost while its collection ran", key)
            return
        state_cache.touch(key, ttl)


def _acquire(*, key: str, token: str, owner: str, ttl: int) -> bool:
    if state_cache.add(key, token, timeout=ttl):
        return True
    held = state_cache.get(key)
    if not owner or not isinstance(held, str) or held.split(":", 1)[0] != owner:
        return False
    # An earlier delivery of this same task holds it: its worker died (a live one is stopped by the hard time
    # limit before the broker's visibility timeout could hand the task out again; see the deploy check).
    logger.warning("taking over the %s lock from an earlier delivery of task %s", key, owner)
    state_cache.set(key, token, timeout=ttl)
    return True


@contextmanager
def single_flight(*, kind: str, ttl: int, owner: str = "") -> Iterator[bool]:
    """Yield True when this process holds the `kind` lock, False when another one does.

    The lock is a lease: `add` is atomic on Redis (SET NX EX) and on the file cache, the holder renews
    it in a background thread, and a holder that dies (a killed worker) stops renewing, so the lock frees
    itself within `ttl` seconds. It is released on exit, error included, and only by its holder (the token).
    `owner` (a Celery task id) names the holder: the same task delivered again after its worker died takes
    its lease over at once instead of waiting for it to expire.
    https://docs.djangoproject.com/en/5.2/topics/cache/#django.core.caches.cache.add
    """
    key, token = f"collect:lock:{kind}", f"{owner}:{secrets.token_hex(16)}"
    if not _acquire(key=key, token=token, owner=owner, ttl=ttl):
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
        if state_cache.get(key) == token:
            state_cache.delete(key)
