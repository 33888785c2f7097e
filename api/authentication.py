"""Token authentication against digests (`api.models.ApiToken`), with the token → user lookup cached.

`Authorization: Token <token>`, read as DRF's TokenAuthentication reads it; the database and the cache know the
token only by its SHA-256 digest. The cache holds the user's fields without the password (the instance comes
back with `password` deferred, so a `save()` writes only the loaded fields and never a blank password), the
token's expiry and the request's effective scope, under the digest, in the current generation
(`api.auth_cache`): any change to users, tokens or scopes drops every entry once committed (`api.signals`).
`API_AUTH_CACHE_SECONDS` bounds how long an entry lives if that drop is lost while the cache is unreachable.
Failed attempts are counted per client address; past `API_AUTH_FAILURE_RATE` a token not cached is refused
with a 429 before any database query. https://www.django-rest-framework.org/api-guide/authentication/
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from rest_framework import authentication, exceptions

from api.auth_cache import TokenEntry, current_generation, remember_scope, scope_label, usable_entry
from api.cache_metrics import record_cache_error
from api.hot_read import read_many
from api.models import ApiToken
from api.scopes import token_scope
from api.throttling import FailedTokenThrottle
from costmonitor.cache_keys import AUTH_GENERATION_KEY, token_digest, token_user_key

UNCACHED_FIELDS = {"password"}


def _cached_fields() -> list[str]:
    return [f.attname for f in get_user_model()._meta.concrete_fields if f.attname not in UNCACHED_FIELDS]


def _stored_token(digest: str) -> ApiToken:
    """The token of `digest` with its user and its effective `scope`, when it may authenticate; else the 401."""
    token = ApiToken.objects.select_related("user").prefetch_related("accounts").filter(digest=digest).first()
    if token is None:
        raise exceptions.AuthenticationFailed("Invalid token.")
    if token.expired:
        raise exceptions.AuthenticationFailed("Token expired.")
    if not token.user.is_active:
        raise exceptions.AuthenticationFailed("User inactive or deleted.")
    token.scope = token_scope(token)
    return token


class CachedTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <token>`, as DRF's TokenAuthentication, against digests, with the lookup cached.

    The cached entry is read through `api.hot_read.read_many`: a request read in one round trip brings it along.
    """

    model = ApiToken
    request = None

    def authenticate(self, request):
        self.request = request  # DRF makes an authenticator per request
        scheme = authentication.get_authorization_header(request).split(b" ", 1)[0]
        if scheme.lower() == b"bearer":  # OAuth's habit: without the hint, DRF would say no credentials were sent
            raise exceptions.AuthenticationFailed(
                "The API takes `Authorization: Token <token>`, not Bearer: send the same token after `Token `."
            )
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        digest = token_digest(key)
        if settings.API_AUTH_CACHE_SECONDS > 0:
            user, token = self._cached(digest)
        else:
            user, token = self._from_database(digest, throttled=True)
        remember_scope(digest, scope_label(token.scope))
        return user, token

    def _cached(self, digest: str) -> tuple:
        """`(user, token)` from a usable cache entry, else from the database (and cached)."""
        cache_key = token_user_key(digest)
        try:
            found = read_many(self.request, [cache_key, AUTH_GENERATION_KEY])
        except Exception as exc:  # a cache that raises when down: authenticate from the database, unthrottled
            record_cache_error(operation="auth", error=exc)
            return self._from_database(digest, throttled=False)
        entry = usable_entry(found.get(cache_key), generation=found.get(AUTH_GENERATION_KEY))
        if entry is not None:
            user = get_user_model().from_db(DEFAULT_DB_ALIAS, _cached_fields(), entry.user_values)
            # The token as a query would load it, the other fields deferred (Model.from_db, Django's loading hook).
            token = ApiToken.from_db(DEFAULT_DB_ALIAS, ["id", "digest", "user_id"], (entry.token_id, digest, user.pk))
            token.user, token.scope = user, entry.scope
            return user, token
        try:  # read before the database, so a change committed meanwhile outdates what this request caches
            generation = found.get(AUTH_GENERATION_KEY) or current_generation()
        except Exception as exc:
            record_cache_error(operation="auth", error=exc)
            generation = None
        user, token = self._from_database(digest, throttled=True)
        if generation is not None:
            self._store(cache_key, token, generation)
        return user, token

    def _store(self, cache_key: str, token: ApiToken, generation: int) -> None:
        lifetime = settings.API_AUTH_CACHE_SECONDS
        expires_at = None if token.expires is None else token.expires.timestamp()
        if expires_at is not None:
            lifetime = min(lifetime, max(int(expires_at - time.time()), 1))
        user_values = tuple(getattr(token.user, f) for f in _cached_fields())
        entry = TokenEntry(generation, expires_at, token.pk, token.scope, user_values)
        try:
            cache.set(cache_key, entry.astuple(), lifetime)
        except Exception as exc:
            record_cache_error(operation="auth", error=exc)

    def _from_database(self, digest: str, *, throttled: bool) -> tuple:
        """`(user, token)` as the database has them; `throttled`: failures counted per address (the cache is up)."""
        throttle = FailedTokenThrottle() if throttled else None
        if throttle is not None:
            throttle.check(self.request)  # past the rate for this address: a 429, no database query
        try:
            token = _stored_token(digest)
        except exceptions.AuthenticationFailed:
            if throttle is not None:
                throttle.count(self.request)
            raise
        return token.user, token
