"""Per-user request throttling; the rate is read at request time so settings overrides apply."""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework import throttling

from api.cache_metrics import record_cache_error


class UserRateThrottle(throttling.UserRateThrottle):
    """API_THROTTLE_RATE requests per user (e.g. "600/min"); over it, a 429 envelope with retry_after.

    A counter per user and fixed window (the technique of django-ratelimit), kept with one atomic
    `incr`, where DRF's own throttle reads and rewrites a list of every request's time: one cache round
    trip instead of two, and no list that grows with the rate. As with any fixed window, a client may
    spend one window's allowance at its end and the next at the start of the following one.
    """

    def get_rate(self) -> str:
        return settings.API_THROTTLE_RATE

    def allow_request(self, request, view) -> bool:
        self.now = time.time()
        window = int(self.now // self.duration)
        key = f"{self.get_cache_key(request, view)}:{window}"
        # The throttle's counter lives in the cache: when the cache is down, serve rather than fail.
        try:
            count = _increment(key, timeout=self.duration)
        except Exception as exc:
            record_cache_error(operation="throttle", error=exc)
            return True
        if count is None:  # django-redis with IGNORE_EXCEPTIONS answers None when Redis is down
            record_cache_error(operation="throttle")
            return True
        self.window_end = (window + 1) * self.duration
        return count <= self.num_requests

    def wait(self) -> float:
        return self.window_end - self.now


def _increment(key: str, *, timeout: int) -> int | None:
    """The counter at `key` plus one; a missing counter starts at 1 and lives `timeout` seconds."""
    try:
        return cache.incr(key)
    except ValueError:  # no counter yet in this window
        if cache.add(key, 1, timeout=timeout):
            return 1
        return cache.incr(key)  # another request created it meanwhile
