"""API clients of a given user, by token or session, for the security probes."""

from rest_framework.test import APIClient

from api.tokens import issue_api_token
from tests.security.conftest import token_client


def user_token_client(user) -> APIClient:
    """An API client with a new token of `user`."""
    return token_client(issue_api_token(username=user.get_username()))


def client_of(user, *, by: str) -> APIClient:
    """An API client of `user` authenticated `by` its "token" or a "session"."""
    if by == "token":
        return user_token_client(user)
    client = APIClient()
    client.force_login(user)
    return client
