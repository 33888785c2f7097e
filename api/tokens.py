"""API tokens for scripts: one DRF token per user."""

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token


def issue_api_token(*, username: str, rotate: bool = False) -> str:
    """The API token of `username` (created if missing, replaced when `rotate`); an unknown user raises LookupError."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise LookupError(f"no user {username!r}")
    if rotate:
        Token.objects.filter(user=user).delete()
    token, _ = Token.objects.get_or_create(user=user)
    return token.key
