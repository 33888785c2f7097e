"""A cached API answer in one Redis round trip: token → user, dataset version, cache entry and throttle count.

A view whose cache key depends only on its query (`api.views.base.CachedListViewSet`) calls `prefetch`
before DRF's request cycle (for the default format) or before authenticating (any other). It keeps what
it found on the request as `request.hot_read`. A current entry for a cached token within its rate
(`HotRead.admits`) is answered right there; otherwise the token authentication, the throttle and
`caching.cached_read` take their part instead of asking the cache themselves (a part whose key differs,
or a request without `hot_read`, asks as before). Only django-redis's default client is read this way;
any other cache (the embedded file cache) is asked part by part. When Redis cannot be reached, the
error is kept, and each part answers as it does when its own cache call fails: authenticated from the
database, allowed, answered uncached — and counted.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django_redis.client import DefaultClient, HerdClient
from redis.commands.core import Script
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

from api.authentication import token_cache_key
from api.throttling import UserRateThrottle
from collection.cache_versions import version_key

# The three reads, then the throttle count, atomically (https://redis.io/docs/latest/commands/eval/).
# Only a token the cache knows is counted here: an unknown one is authenticated from the database
# first and then counted by the throttle itself, so a bad token never creates a counter.
_SCRIPT = Script(
    None,  # bytes: no client needed to compute its SHA1; each call passes the cache's client
    b"""
    local found = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3])
    if found[1] then
        local count = redis.call('INCR', KEYS[4])
        if count == 1 then redis.call('EXPIRE', KEYS[4], ARGV[1]) end
        found[4] = count
    end
    return found
    """,
)


@dataclass(frozen=True)
class HotRead:
    """What the round trip found; a `None` value was not in the cache, `error` means none was read."""

    token_key: str
    entry_key: str
    counter_key: str
    rate_limit: int
    user: tuple | None = None
    version: int | None = None
    entry: Any = None
    count: int | None = None
    error: Exception | None = None

    def admits(self) -> bool:
        """Whether this read alone lets the request in: its token's user was cached, and it is within its rate.

        Otherwise DRF's authentication and throttle decide (a 401, a 429, or a database lookup).
        """
        cached_user = self.user is not None and settings.API_AUTH_CACHE_SECONDS > 0
        return self.error is None and cached_user and self.count is not None and self.count <= self.rate_limit


def prefetch(request, *, dataset: str, entry_key: Callable[[], str]) -> None:
    """Read `request`'s cached parts at once when it carries a token and the cache is django-redis.

    `entry_key()` names the cached answer; a query it refuses (a bad parameter) is left to the view,
    which answers it after authentication as usual. A request is read once, whichever step asks first.
    """
    if hasattr(request, "hot_read"):
        return
    request.hot_read = None
    backend = caches[DEFAULT_CACHE_ALIAS]  # once: each attribute of the `cache` proxy looks the backend up again
    client = getattr(backend, "client", None)
    # HerdClient wraps each value in its own packing, which a raw read would not undo.
    if not isinstance(client, DefaultClient) or isinstance(client, HerdClient):
        return
    token = _token(request)
    if token is None:
        return
    try:
        key = entry_key()
    except exceptions.ValidationError:
        return
    throttle = UserRateThrottle()
    hot = HotRead(
        token_key=token_cache_key(token),
        entry_key=key,
        counter_key=throttle.counter_key(throttle.token_key(token), now=time.time()),
        rate_limit=throttle.num_requests,
    )
    keys = [backend.make_key(k) for k in (hot.token_key, version_key(dataset=dataset), hot.entry_key, hot.counter_key)]
    try:
        found = _SCRIPT(keys=keys, args=[throttle.duration], client=client.get_client(write=True))
    except Exception as exc:  # Redis down or refusing: every part answers without the cache
        request.hot_read = replace(hot, error=exc)
        return
    user, version, entry = (None if value is None else client.decode(value) for value in found[:3])
    count = found[3] if len(found) > 3 else None
    request.hot_read = replace(hot, user=user, version=version, entry=entry, count=count)


def _token(request) -> str | None:
    """The key of an `Authorization: Token <key>` header, as DRF's TokenAuthentication reads it."""
    parts = get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].lower() != b"token":
        return None
    try:
        return parts[1].decode()
    except UnicodeError:
        return None
