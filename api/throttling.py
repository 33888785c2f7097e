"""Per-user request throttling; the rate is read at request time so settings overrides apply."""

import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from rest_framework import throttling
from rest_framework.authtoken.models import Token

from api.authentication import token_digest
from api.cache_metrics import record_cache_error

if TYPE_CHECKING:  # api.hot_read imports this module
    from api.hot_read import HotRead


class UserRateThrottle(throttling.UserRateThrottle):
    """API_THROTTLE_RATE requests per user (e.g. "600/min"); over it, a 429 envelope with retry_after.

    A counter per user and fixed window (the technique of django-ratelimit), kept with one atomic
    `incr`, where DRF's own throttle reads and rewrites a list of every request's time: one cache round
    trip instead of two, and no list that grows with the rate. As with any fixed window, a client may
    spend one window's allowance at its end and the next at the start of the following one. A request
    read by `api.hot_read` was counted in that same round trip.
    """

    def get_rate(self) -> str:
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, Token):
            return self.token_key(request.auth.key)
        return super().get_cache_key(request, view)

    def token_key(self, token: str) -> str:
        """The counter of token `token`'s requests: named by its digest, which `api.hot_read` knows before
        authenticating. A user has one token (DRF's Token is one-to-one with its user), so it is per user."""
        return self.cache_format % {"scope": self.scope, "ident": f"token-{token_digest(token)}"}

    def counter_key(self, key: str, *, now: float) -> str:
        """The counter of `key` in the fixed window holding `now`."""
        return f"{key}:{int(now // self.duration)}"

    def allow_request(self, request, view) -> bool:
        self.now = time.time()
        key = self.counter_key(self.get_cache_key(request, view), now=self.now)
        # The throttle's counter lives in the cache: when the cache is down, serve rather than fail.
        try:
            count = _count(key, getattr(request, "hot_read", None), timeout=self.duration)
        except Exception as exc:
            record_cache_error(operation="throttle", error=exc)
            return True
        if count is None:  # django-redis with IGNORE_EXCEPTIONS answers None when Redis is down
            record_cache_error(operation="throttle")
            return True
        self.window_end = (int(self.now // self.duration) + 1) * self.duration
        return count <= self.num_requests

    def wait(self) -> float:
        return self.window_end - self.now


def _count(key: str, hot: "HotRead | None", *, timeout: int) -> int | None:
    """The counter at `key` plus one: counted already by `api.hot_read` (`hot`), or incremented now."""
    if hot is not None and hot.counter_key == key:
        if hot.error is not None:
            raise hot.error
        if hot.count is not None:
            return hot.count
    return _increment(key, timeout=timeout)


def _increment(key: str, *, timeout: int) -> int | None:
    """The counter at `key` plus one; a missing counter starts at 1 and lives `timeout` seconds."""
    try:
        return cache.incr(key)
    except ValueError:  # no counter yet in this window
        if cache.add(key, 1, timeout=timeout):
            return 1
        return cache.incr(key)  # another request created it meanwhile
