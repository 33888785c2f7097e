"""DRF token authentication whose token → user lookup is cached, so a request costs no database query.

The cache holds the user's fields without the password (the instance comes back with `password`
deferred, so a `save()` writes only the loaded fields and never a blank password). Deleting or
rotating a token, and saving or deleting its user (deactivation), drop the entry once committed
(`api.signals`); `API_AUTH_CACHE_SECONDS` bounds how long an entry lives if that drop is lost
while the cache is unreachable. https://www.django-rest-framework.org/api-guide/authentication/#tokenauthentication
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from rest_framework import authentication
from rest_framework.authtoken.models import Token

from api.cache_metrics import record_cache_error
from api.hot_read import read_many
from costmonitor.cache_keys import token_user_key

UNCACHED_FIELDS = {"password"}


def _cached_fields() -> list[str]:
    return [f.attname for f in get_user_model()._meta.concrete_fields if f.attname not in UNCACHED_FIELDS]


class CachedTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's TokenAuthentication, with the lookup cached.

    The cached user is read through `api.hot_read.read_many`: a request read in one round trip brings it along.
    """

    request = None

    def authenticate(self, request):
        self.request = request  # DRF makes an authenticator per request
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        if settings.API_AUTH_CACHE_SECONDS <= 0:
            return super().authenticate_credentials(key)
        cache_key = token_user_key(key)
        try:
            values = read_many(self.request, [cache_key]).get(cache_key)
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
        # The token as a query would load it, `created` deferred (Model.from_db, Django's public loading hook).
        token = Token.from_db(DEFAULT_DB_ALIAS, ["key", "user_id"], (key, user.pk))
        token.user = user
        return user, token
