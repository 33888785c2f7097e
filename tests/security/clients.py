"""API clients of a given user, by token or session, for the security probes."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def client_of(user, *, by: str) -> APIClient:
    """An API client of `user` authenticated `by` its "token" or a "session"."""
    if by == "token":
        return token_client(user)
    client = APIClient()
    client.force_login(user)
    return client
