"""The keys of the API's cached reads (token → user, dataset versions, answers, throttle counters); imports nothing.

Keys are the design's (`aws:…`) where it names them. Whoever reads or writes one of these entries takes
its key from here, so the one-round-trip read (`api.hot_read`) and the parts that otherwise ask for the
same entries themselves (authentication, throttling, caching, `collection.cache_versions`) always agree.
"""

import hashlib
import json

# An entry's scope when every user may read it (all of them today); a per-user scope replaces it.
SHARED_SCOPE = "all"


def token_digest(token: str) -> str:
    """Names API token `token` in the cache; a digest, so the cache never holds a usable token."""
    return hashlib.sha256(token.encode()).hexdigest()[:40]


def token_user_key(token: str) -> str:
    """Where the user of API token `token` is cached."""
    return f"aws:auth:token:{token_digest(token)}"


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


def throttle_ident(*, token: str) -> str:
    """Whom the throttle counts for a request with API token `token`: its digest, known before authenticating.

    A user has one token (DRF's Token is one-to-one with its user), so this counts per user.
    """
    return f"token-{token_digest(token)}"


def throttle_key(*, ident: str | int, now: float, period: int) -> str:
    """The request counter of `ident` (`throttle_ident`, or a session user's id) in the fixed window of
    `period` seconds holding `now`, in DRF's `throttle_{scope}_{ident}` naming."""
    return f"throttle_user_{ident}:{int(now // period)}"
