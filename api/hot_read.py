"""A cached list answer's parts read in one cache round trip, and `read_many`, through which they are taken.

For a token request to a cached list (`api.views.base.CachedListViewSet`), `prefetch` reads the token's
user, the dataset version and the entry, and counts the request for the throttle, at once
(`api.cache_adapter`), and keeps what it found on the request as `request.hot_read`. When that read alone
admits the request (`HotRead.admits`) the view answers a current entry right there. Otherwise token
authentication, the throttle and the cached read each ask `read_many` for their keys: it answers from the
round trip when that read them (raising its error, as their own cache call would have), else asks the cache.
When Redis cannot be reached, each part answers as it does when its own cache call fails: authenticated
from the database, allowed, answered uncached — and counted. Any other cache is asked part by part.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

from api.cache_adapter import read_and_count
from costmonitor.cache_keys import throttle_ident, throttle_key, token_user_key, version_key


@dataclass(frozen=True)
class HotRead:
    """The keys of one request's round trip, and what the cache held at them (`found`, as `get_many` answers)
    or the `error` that stopped it. The throttle's counter is among the keys read only once counted."""

    token_key: str
    version_key: str
    entry_key: str
    counter_key: str
    rate_limit: int
    found: dict[str, Any]
    error: Exception | None

    def read(self, keys: list[str]) -> bool:
        """Whether the round trip read every one of `keys` (or failed trying)."""
        counted = self.error is not None or self.counter_key in self.found
        return all(
            k in (self.token_key, self.version_key, self.entry_key) or (counted and k == self.counter_key) for k in keys
        )

    def admits(self) -> bool:
        """Whether this read alone lets the request in: its token's user was cached (an active user, so
        authenticated) and it is within its rate. Otherwise DRF's authentication and throttle decide."""
        count = self.found.get(self.counter_key)
        cached_user = self.token_key in self.found and settings.API_AUTH_CACHE_SECONDS > 0
        return self.error is None and cached_user and count is not None and count <= self.rate_limit


def prefetch(request, *, dataset: str, entry_key: Callable[[], str], rate_limit: int, period: int) -> HotRead | None:
    """Read `request`'s cached parts at once when it carries a token and the cache can; the read, or None.

    `entry_key()` names the cached answer; a query it refuses (a bad parameter) is left to the view, which
    answers it after authentication as usual. `rate_limit` requests per `period` seconds is the throttle's
    rate. A request is read once, whichever step asks first.
    """
    if hasattr(request, "hot_read"):
        return request.hot_read
    request.hot_read = None
    token = _token(request)
    if token is None:
        return None
    try:
        key = entry_key()
    except exceptions.ValidationError:
        return None
    keys = [token_user_key(token), version_key(dataset=dataset), key]  # the token first: only a known one is counted
    counter = throttle_key(ident=throttle_ident(token=token), now=time.time(), period=period)
    try:
        read = read_and_count(keys=keys, counter=counter, period=period)
    except Exception as exc:  # Redis down or refusing: every part answers without the cache
        found, error = {}, exc
    else:
        if read is None:  # a cache that cannot be read this way
            return None
        values, count = read
        found, error = {k: v for k, v in zip(keys, values, strict=True) if v is not None}, None
        if count is not None:
            found[counter] = count
    request.hot_read = HotRead(
        token_key=keys[0],
        version_key=keys[1],
        entry_key=key,
        counter_key=counter,
        rate_limit=rate_limit,
        found=found,
        error=error,
    )
    return request.hot_read


def read_many(request, keys: list[str], *, otherwise: Callable[[], dict] | None = None) -> dict:
    """What is cached at `keys`, as `cache.get_many` answers: from `request`'s round trip when it read them
    all (raising its error), else from `otherwise()` (by default, asking the cache)."""
    hot = getattr(request, "hot_read", None)
    if hot is None or not hot.read(keys):
        return cache.get_many(keys) if otherwise is None else otherwise()
    if hot.error is not None:
        raise hot.error
    return {k: hot.found[k] for k in keys if k in hot.found}


def _token(request) -> str | None:
    """The key of an `Authorization: Token <key>` header, as DRF's TokenAuthentication reads it."""
    parts = get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].lower() != b"token":
        return None
    try:
        return parts[1].decode()
    except UnicodeError:
        return None
