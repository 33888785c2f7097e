"""A cached list answer's parts read in one cache round trip, and `read_many`, through which they are taken.

For a token request to a cached list (`api.views.base.CachedListViewSet`), `prefetch` reads the token's
cached entry (its user and scope) with the auth generation, the dataset version and the answer's entry, and
counts the request for the throttle, at once (`api.cache_adapter`), and keeps what it found on the request as
`request.hot_read`. The answer's key holds the reader's scope, which the token's entry says only once read: the
key is named with the scope this process last saw for the token (`api.auth_cache.scope_hint`), and the answer
is served from this read only when the token's entry holds that same scope. When that read alone admits the
request (`HotRead.admits`) the view answers a current entry right there. Otherwise token
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

from api.auth_cache import scope_hint, usable_entry
from api.cache_adapter import read_and_count
from costmonitor.cache_keys import (
    AUTH_GENERATION_KEY,
    throttle_ident,
    throttle_key,
    token_digest,
    token_user_key,
    version_key,
)


@dataclass(frozen=True)
class HotRead:
    """The keys of one request's round trip, and what the cache held at them (`found`, as `get_many` answers)
    or the `error` that stopped it. The throttle's counter is among the keys read only once counted."""

    token_key: str
    version_key: str
    entry_key: str
    scope_label: str  # the scope `entry_key` was named with
    counter_key: str
    rate_limit: int
    found: dict[str, Any]
    error: Exception | None

    def read(self, keys: list[str]) -> bool:
        """Whether the round trip read every one of `keys` (or failed trying)."""
        counted = self.error is not None or self.counter_key in self.found
        return all(
            k in (self.token_key, AUTH_GENERATION_KEY, self.version_key, self.entry_key)
            or (counted and k == self.counter_key)
            for k in keys
        )

    def admits(self) -> bool:
        """Whether this read alone lets the request in: its token's entry is usable (an active user of the current
        generation, so authenticated; the token not expired), of the scope the answer's key was named with, and
        it is within its rate. Otherwise DRF's authentication, throttle and cached read decide."""
        if self.error is not None or settings.API_AUTH_CACHE_SECONDS <= 0:
            return False
        entry = usable_entry(self.found.get(self.token_key), generation=self.found.get(AUTH_GENERATION_KEY))
        count = self.found.get(self.counter_key)
        in_scope = entry is not None and entry.scope_label == self.scope_label
        return in_scope and count is not None and count <= self.rate_limit


def prefetch(request, *, dataset: str, entry_key: Callable[[str], str], rate_limit: int, period: int) -> HotRead | None:
    """Read `request`'s cached parts at once when it carries a token and the cache can; the read, or None.

    `entry_key(scope_label)` names the cached answer; a query it refuses (a bad parameter) is left to the view, which
    answers it after authentication as usual. `rate_limit` requests per `period` seconds is the throttle's
    rate. A request is read once, whichever step asks first.
    """
    if hasattr(request, "hot_read"):
        return request.hot_read
    request.hot_read = None
    token = _token(request)
    if token is None:
        return None
    digest = token_digest(token)
    label = scope_hint(digest)
    try:
        key = entry_key(label)
    except exceptions.ValidationError:
        return None
    # The token first: only a known one is counted.
    keys = [token_user_key(digest), AUTH_GENERATION_KEY, version_key(dataset=dataset), key]
    counter = throttle_key(ident=throttle_ident(digest=digest), now=time.time(), period=period)
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
        version_key=keys[2],
        entry_key=key,
        scope_label=label,
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
