"""Whose scope a request reads under: its token's (the user's narrowed by the token's) or its session user's."""

from rest_framework import permissions

from api.models import AccessScope, ApiToken
from collection.selectors.scope import Scope, combined


def user_scope(*, user_id: int) -> Scope | None:
    """What the user's access scopes allow together; None (everything) for a user in no scope."""
    scopes = AccessScope.objects.filter(users=user_id).prefetch_related("accounts")
    return combined([scope.as_scope() for scope in scopes])


def token_scope(token: ApiToken) -> Scope | None:
    """What a request with `token` may see: its user's scope, narrowed by the token's own accounts and tag values."""
    narrowing = token.narrowing()
    allowed = user_scope(user_id=token.user_id)
    if allowed is None:
        return narrowing
    return allowed.narrowed(narrowing)


def request_scope(request) -> Scope | None:
    """The scope of an authenticated DRF `request`: a token's as authentication found it, else the user's."""
    if isinstance(request.auth, ApiToken):
        return request.auth.scope
    return user_scope(user_id=request.user.pk)


class IsUnscoped(permissions.BasePermission):
    """Only an unscoped reader: for what describes the whole organization (collection runs, their spend)."""

    message = "A scoped user or token cannot read this: it describes the whole organization."

    def has_permission(self, request, view) -> bool:
        return request_scope(request) is None
