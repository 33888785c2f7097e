"""The keys of the API's cached reads (token → user, dataset versions, answers, throttle counters); imports nothing.

Keys are the design's (`aws:…`) where it names them. Whoever reads or writes one of these entries takes
its key from here, so the one-round-trip read (`api.hot_read`) and the parts that otherwise ask for the
same entries themselves (authentication, throttling, caching, `collection.cache_versions`) always agree.
"""

import hashlib
import json

# An entry's scope when every user may read it (an unscoped user); a scoped one's is `Scope.label()`.
SHARED_SCOPE = "all"
# Where the generation of every cached token → user entry is kept: a new generation drops them all at once.
AUTH_GENERATION_KEY = "aws:auth:generation"


def token_digest(token: str) -> str:
    """SHA-256 of API token `token`: what the database stores of it and what names it in the cache, so neither
    ever holds a usable token. A token is 256 random bits: a plain digest is enough, no salt nor stretching."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_user_key(digest: str) -> str:
    """Where the user of the API token with digest `digest` is cached."""
    return f"aws:auth:token:{digest}"


def version_key(*, dataset: str) -> str:
    """Where the version of `dataset` is kept (read it with the entries of that dataset in one round trip)."""
    return f"aws:version:{dataset}"


def entry_key(*, prefix: str, parts: tuple, query: dict, masked: bool, scope: str = SHARED_SCOPE) -> str:
    """`aws:{prefix}:{parts…}:{scope}:{digest of the normalized query}`: the design's keys, never colliding.

    An empty part reads "all". The digest covers `masked` (MASK_ACCOUNT_IDS) too: an entry holds its answer
    rendered, account ids masked or not, so turning masking on must not serve an entry rendered before.
    `scope` names who may read the entry (`SHARED_SCOPE`: everyone).
    """
    rendering = {"query": query, "masked": masked}
    normalized = json.dumps(rendering, sort_keys=True, default=str, separators=(",", ":"))
    digest = hashlib.sha256(normalized.encode()).hexdigest()[:24]
    return ":".join(["aws", prefix, *(str(p) if p not in (None, "") else "all" for p in parts), scope, digest])


def throttle_ident(*, digest: str) -> str:
    """Whom the throttle counts for a request with the API token of digest `digest`, known before authenticating:
    each token has its own count."""
    return f"token-{digest[:40]}"


def throttle_key(*, ident: str | int, now: float, period: int) -> str:
    """The request counter of `ident` (`throttle_ident`, or a session user's id) in the fixed window of
    `period` seconds holding `now`, in DRF's `throttle_{scope}_{ident}` naming."""
    return f"throttle_user_{ident}:{int(now // period)}"


def auth_failure_key(*, address: str, now: float, period: int) -> str:
    """The counter of failed token attempts from client `address` in the fixed window holding `now`."""
    return f"throttle_authfail_{address}:{int(now // period)}"
