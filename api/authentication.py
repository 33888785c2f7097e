"""DRF token authentication whose token → user lookup is cached, so a request costs no database query.

The cache holds the user's fields without the password (the instance comes back with `password`
deferred, so a `save()` writes only the loaded fields and never a blank password). Deleting or
rotating a token, and saving or deleting its user (deactivation), drop the entry once committed
(`api.signals`); `API_AUTH_CACHE_SECONDS` bounds how long an entry lives if that drop is lost
while the cache is unreachable. https://www.django-rest-framework.org/api-guide/authentication/#tokenauthentication
"""

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from rest_framework import authentication
from rest_framework.authtoken.models import Token

from api.cache_metrics import record_cache_error

if TYPE_CHECKING:  # api.hot_read imports this module
    from api.hot_read import HotRead

UNCACHED_FIELDS = {"password"}


def token_digest(key: str) -> str:
    """Names token `key` in the cache; a digest, so the cache never holds a usable token."""
    return hashlib.sha256(key.encode()).hexdigest()[:40]


def token_cache_key(key: str) -> str:
    """Where the user of token `key` is cached."""
    return f"aws:auth:token:{token_digest(key)}"


def _cached_fields() -> list[str]:
    return [f.attname for f in get_user_model()._meta.concrete_fields if f.attname not in UNCACHED_FIELDS]


class CachedTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's TokenAuthentication, with the lookup cached.

    A request read by `api.hot_read` brings the cached user along (`request.hot_read`).
    """

    hot_read: "HotRead | None" = None

    def authenticate(self, request):
        self.hot_read = getattr(request, "hot_read", None)
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        if settings.API_AUTH_CACHE_SECONDS <= 0:
            return super().authenticate_credentials(key)
        cache_key = token_cache_key(key)
        try:
            values = self._cached(cache_key)
        except Exception as exc:  # a cache that raises when down: authenticate from the database
            record_cache_error(operation="auth", error=exc)
            return super().authenticate_credentials(key)
        if values is None:
            user, token = super().authenticate_credentials(key)  # raises for an unknown token or inactive user
            fields = _cached_fields()
            try:
                cache.set(cache_key, tuple(getattr(user, f) for f in fields), settings.API_AUTH_CACHE_SECONDS)
            except Exception as exc:
                record_cache_error(operation="auth", error=exc)
            return user, token
        user = get_user_model().from_db(DEFAULT_DB_ALIAS, _cached_fields(), values)  # only active users are cached
        token = Token(key=key, user=user)
        token._state.adding, token._state.db = False, DEFAULT_DB_ALIAS
        return user, token

    def _cached(self, cache_key: str) -> tuple | None:
        hot = self.hot_read
        if hot is None or hot.token_key != cache_key:
            return cache.get(cache_key)
        if hot.error is not None:
            raise hot.error
        return hot.user
