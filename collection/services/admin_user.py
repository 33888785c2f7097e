"""The first admin login for a fresh installation."""

import secrets

from django.contrib.auth import get_user_model


def ensure_admin_user(*, username: str, password: str | None = None) -> str | None:
    """Create superuser `username` unless any superuser exists; return the password it was given, else None."""
    users = get_user_model().objects
    if users.filter(is_superuser=True).exists():
        return None
    password = password or secrets.token_urlsafe(12)
    users.create_superuser(username=username, email="", password=password)
    return password
