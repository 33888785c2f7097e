"""What a scoped reader may see: a set of accounts and a set of tag values; every selector narrows by it.

A selector's `scope=None` is unscoped (the whole organization: /metrics, the admin, an unscoped user). A `Scope`
narrows account-level data (costs, forecasts, recommendations, accounts) to `accounts` and tag costs, which
Cost Explorer reports for the whole organization and not per account, to the `(key, value)` pairs of `tags`.
The organization's own forecast is never in a scope: it holds every account's cost.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Scope:
    accounts: frozenset[str]
    tags: frozenset[tuple[str, str]]

    def label(self) -> str:
        """Names this scope in cache keys: equal scopes share cached answers, different ones never do."""
        canonical = json.dumps([sorted(self.accounts), sorted(self.tags)], separators=(",", ":"))
        return "s" + hashlib.sha256(canonical.encode()).hexdigest()[:24]

    def narrowed(self, other: "Scope | None") -> "Scope":
        """What both this scope and `other` allow (`other` None allows everything)."""
        if other is None:
            return self
        return Scope(accounts=self.accounts & other.accounts, tags=self.tags & other.tags)

    def as_cached(self) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        return tuple(sorted(self.accounts)), tuple(sorted(self.tags))

    @classmethod
    def from_cached(cls, value) -> "Scope | None":
        if value is None:
            return None
        accounts, tags = value
        return cls(accounts=frozenset(accounts), tags=frozenset(tuple(t) for t in tags))


def combined(scopes: list[Scope]) -> Scope | None:
    """What any of `scopes` allows (a user in several teams sees each team's share); None when there are none."""
    if not scopes:
        return None
    return Scope(
        accounts=frozenset().union(*(s.accounts for s in scopes)), tags=frozenset().union(*(s.tags for s in scopes))
    )


def parse_tag_values(text: str) -> list[tuple[str, str]]:
    """`key=value` lines as pairs (blank lines skipped); a line without `=` or with an empty key raises ValueError."""
    pairs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{line.strip()!r} is not key=value")
        pairs.append((key.strip(), value.strip()))
    return pairs


def within_accounts(qs: QuerySet, scope: Scope | None, *, field: str = "account_id") -> QuerySet:
    """`qs` narrowed to the rows of `scope`'s accounts (every row when unscoped)."""
    return qs if scope is None else qs.filter(**{f"{field}__in": sorted(scope.accounts)})


def within_tags(qs: QuerySet, scope: Scope | None) -> QuerySet:
    """`qs` (tag costs) narrowed to `scope`'s tag values (every row when unscoped)."""
    if scope is None:
        return qs
    if not scope.tags:
        return qs.none()
    allowed = Q()
    for key, value in sorted(scope.tags):
        allowed |= Q(tag_key=key, tag_value=value)
    return qs.filter(allowed)
