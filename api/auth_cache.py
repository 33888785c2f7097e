"""The cached token → user entry, the generation that drops every entry at once, and each token's last scope.

An entry holds the generation current when its user was read from the database; an entry of another generation
is never used. Any write to users, tokens or scopes (a save, a delete, a bulk `QuerySet.update`: `api.signals`
watches the SQL) starts a new generation once committed, so a deactivated or demoted user, a revoked token or a
narrowed scope is looked up afresh by the very next request. The generation is a random number, never a
counter: when the cache loses it, the new one matches no entry written before.
"""

import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from api.cache_metrics import record_cache_error
from collection.selectors.scope import Scope
from costmonitor.cache_keys import AUTH_GENERATION_KEY, SHARED_SCOPE

# Scope labels remembered per token digest, at most this many (then forgotten all at once: they are only hints).
_MAX_HINTS = 10_000
_scope_hints: dict[str, str] = {}


@dataclass(frozen=True)
class TokenEntry:
    """What a token's cache entry holds (stored as a plain tuple: `astuple` / `TokenEntry.of`)."""

    generation: int
    expires_at: float | None  # Unix time; None: never
    token_id: int
    scope: Scope | None  # the effective scope: the user's, narrowed by the token's
    user_values: tuple  # the user's fields, as `api.authentication` lists them

    def astuple(self) -> tuple:
        scope = None if self.scope is None else self.scope.as_cached()
        return self.generation, self.expires_at, self.token_id, scope, self.user_values

    @classmethod
    def of(cls, value: Any) -> "TokenEntry | None":
        """The entry stored as `value`; None for anything else (an entry of an older release's shape)."""
        if not isinstance(value, tuple) or len(value) != 5:
            return None
        generation, expires_at, token_id, scope, user_values = value
        return cls(generation, expires_at, token_id, Scope.from_cached(scope), user_values)

    @property
    def scope_label(self) -> str:
        return scope_label(self.scope)

    def usable(self, *, generation: Any, now: float) -> bool:
        """Current (of `generation`, the one the cache holds) and its token not expired."""
        current = isinstance(generation, int) and generation == self.generation
        return current and (self.expires_at is None or now < self.expires_at)


def scope_label(scope: Scope | None) -> str:
    """Names `scope` in cache keys (`SHARED_SCOPE` for the unscoped, who all read the same answers)."""
    return SHARED_SCOPE if scope is None else scope.label()


def usable_entry(value: Any, *, generation: Any) -> TokenEntry | None:
    """The entry cached as `value` when it may authenticate now, else None."""
    entry = TokenEntry.of(value)
    return entry if entry is not None and entry.usable(generation=generation, now=time.time()) else None


def current_generation() -> int | None:
    """The generation entries written now must carry (created when missing); None when the cache cannot say."""
    generation = cache.get(AUTH_GENERATION_KEY)
    if generation is None:
        cache.add(AUTH_GENERATION_KEY, secrets.randbits(62), timeout=None)
        generation = cache.get(AUTH_GENERATION_KEY)
    return generation if isinstance(generation, int) else None


def new_generation() -> None:
    """Drop every cached token → user entry at once."""
    try:
        cache.set(AUTH_GENERATION_KEY, secrets.randbits(62), timeout=None)
    except Exception as exc:  # the entries then expire after API_AUTH_CACHE_SECONDS
        record_cache_error(operation="auth", error=exc)


def scope_hint(digest: str) -> str:
    """The scope label last seen for the token of `digest` in this process (`SHARED_SCOPE` for a token not seen).

    Only a guess that lets `api.hot_read` name a cached answer before the token's entry is read: an answer is
    served from that read only when the entry read with it has this same scope.
    """
    return _scope_hints.get(digest, SHARED_SCOPE)


def remember_scope(digest: str, label: str) -> None:
    if len(_scope_hints) >= _MAX_HINTS:
        _scope_hints.clear()
    _scope_hints[digest] = label
