"""Per-user request throttling, and failed token attempts per client address; rates are read at request time."""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework import exceptions, throttling

from api.cache_metrics import record_cache_error
from api.hot_read import read_many
from api.models import ApiToken
from costmonitor.cache_keys import auth_failure_key, throttle_ident, throttle_key


class UserRateThrottle(throttling.UserRateThrottle):
    """API_THROTTLE_RATE requests per user (e.g. "600/min"); over it, a 429 envelope with retry_after.

    A counter per user and fixed window (the technique of django-ratelimit), kept with one atomic
    `incr`, where DRF's own throttle reads and rewrites a list of every request's time: one cache round
    trip instead of two, and no list that grows with the rate. As with any fixed window, a client may
    spend one window's allowance at its end and the next at the start of the following one. A request
    read by `api.hot_read` was counted in that same round trip (`read_many`).
    """

    def get_rate(self) -> str:
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view) -> str:
        """The counter of this request's window: a token request's by its token, known before authenticating
        (`cache_keys.throttle_ident`), any other's by its user as DRF's UserRateThrottle does."""
        if isinstance(request.auth, ApiToken):
            ident = throttle_ident(digest=request.auth.digest)
        elif request.user and request.user.is_authenticated:
            ident = request.user.pk
        else:
            ident = self.get_ident(request)
        return throttle_key(ident=ident, now=self.now, period=self.duration)

    def allow_request(self, request, view) -> bool:
        self.now = time.time()
        key = self.get_cache_key(request, view)
        # The throttle's counter lives in the cache: when the cache is down, serve rather than fail.
        try:
            count = read_many(request, [key], otherwise=lambda: {key: increment(key, period=self.duration)}).get(key)
        except Exception as exc:
            record_cache_error(operation="throttle", error=exc)
            count = None
        else:
            if count is None:  # django-redis with IGNORE_EXCEPTIONS answers None when Redis is down
                record_cache_error(operation="throttle")
        if count is None:
            request.throttle_uncounted = True  # nor is it charged (`charge`): the cache is down for it
            return True
        self.window_end = (int(self.now // self.duration) + 1) * self.duration
        return count <= self.num_requests

    def wait(self) -> float:
        return self.window_end - self.now

    def charge(self, request, *, requests: int) -> None:
        """Count `request` as `requests` more (work that costs more than a cached answer); Throttled over the rate.

        The request was counted once already when it was let in. The cache being down lets it through, as there;
        a request the throttle could not count is not asked about again.
        """
        if requests <= 0 or getattr(request, "throttle_uncounted", False):
            return
        self.now = time.time()
        key = self.get_cache_key(request, None)
        try:
            count = increment(key, period=self.duration, by=requests)
        except Exception as exc:
            record_cache_error(operation="throttle", error=exc)
            return
        if count is None:
            record_cache_error(operation="throttle")
            return
        if count > self.num_requests:
            self.window_end = (int(self.now // self.duration) + 1) * self.duration
            raise exceptions.Throttled(wait=self.wait())


def increment(key: str, *, period: int, by: int = 1) -> int | None:
    """The counter at `key` plus `by`; a missing counter starts at `by` and lives `period` seconds."""
    try:
        return cache.incr(key, by)
    except ValueError:  # no counter yet in this window
        if cache.add(key, by, timeout=period):
            return by
        return cache.incr(key, by)  # another request created it meanwhile


class FailedTokenThrottle(throttling.SimpleRateThrottle):
    """API_AUTH_FAILURE_RATE failed token attempts per client address (e.g. "20/min"), in fixed windows.

    The address is DRF's (`get_ident`: REMOTE_ADDR, or the X-Forwarded-For entry API_NUM_PROXIES from the end).
    `check` refuses an address past the rate with a 429 before its token is looked up; `count` records one
    failure. A cache that is down throttles nothing, as the user throttle.
    """

    def get_rate(self) -> str:
        return settings.API_AUTH_FAILURE_RATE

    def _key(self, request) -> str:
        self.now = time.time()
        return auth_failure_key(address=self.get_ident(request), now=self.now, period=self.duration)

    def check(self, request) -> None:
        try:
            failures = cache.get(self._key(request))
        except Exception as exc:
            record_cache_error(operation="throttle", error=exc)
            return
        if failures is not None and failures >= self.num_requests:
            raise exceptions.Throttled(wait=(int(self.now // self.duration) + 1) * self.duration - self.now)

    def count(self, request) -> None:
        try:
            increment(self._key(request), period=self.duration)
        except Exception as exc:
            record_cache_error(operation="throttle", error=exc)
