"""Probe 10: a deactivated or demoted user, a revoked or narrowed token lose access at once, bulk updates included;
failed token attempts are throttled per client address; tokens never reach a log line in clear."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import issue_api_token
from tests.security.conftest import HIDDEN, SEEN, token_client

pytestmark = pytest.mark.django_db

URL = "/api/accounts"


@pytest.fixture
def cached_client(api_user):
    """A client whose token's user is cached, and its answer too: the next request is served from one cache read."""
    client = token_client(issue_api_token(username=api_user.username))
    assert [client.get(URL).json()["metadata"]["cached"] for _ in range(2)] == [False, True]
    return client


def test_a_user_deactivated_by_a_bulk_update_loses_access_at_once(
    cached_client, api_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        get_user_model().objects.filter(pk=api_user.pk).update(is_active=False)
    assert cached_client.get(URL).json()["error"]["code"] == "AUTHENTICATION_FAILED"


def test_a_user_demoted_by_a_bulk_update_cannot_start_a_collection(
    staff_user, fake_enqueue, django_capture_on_commit_callbacks
):
    client = token_client(issue_api_token(username=staff_user.username))
    assert client.get("/api/runs").status_code == 200  # the staff user is cached now
    with django_capture_on_commit_callbacks(execute=True):
        get_user_model().objects.filter(pk=staff_user.pk).update(is_staff=False, is_superuser=False)
    assert client.post("/api/runs", {"kind": "costs"}, format="json").status_code == 403
    assert fake_enqueue == []


def test_tokens_revoked_by_a_bulk_delete_are_refused_at_once(
    cached_client, api_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ApiToken.objects.filter(user=api_user)._raw_delete(ApiToken.objects.db)  # no signal at all
    assert cached_client.get(URL).status_code == 401


def test_a_token_narrowed_by_a_bulk_update_sees_its_new_scope_at_once(
    two_accounts, api_user, django_capture_on_commit_callbacks
):
    client = token_client(issue_api_token(username=api_user.username))
    assert {a["account_id"] for a in client.get(URL).json()["data"]} == {SEEN, HIDDEN}
    with django_capture_on_commit_callbacks(execute=True):
        ApiToken.objects.filter(user=api_user).update(tag_values="team=web")  # tags only: no account any more
    assert client.get(URL).json()["data"] == []


def test_a_rolled_back_change_keeps_the_cache(cached_client, api_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        get_user_model().objects.filter(pk=api_user.pk).update(first_name="x")
    assert callbacks  # a new generation would be started on commit; never committed here, nothing changes
    assert cached_client.get(URL).json()["metadata"]["cached"] is True


def test_failed_token_attempts_are_throttled_per_client_address(db, settings, minute_start):
    settings.API_AUTH_FAILURE_RATE = "3/min"
    attacker = APIClient(REMOTE_ADDR="203.0.113.7")
    statuses = []
    for n in range(5):
        attacker.credentials(HTTP_AUTHORIZATION=f"Token guess-{n}")
        statuses.append(attacker.get(URL).status_code)
    assert statuses == [401, 401, 401, 429, 429]
    body = attacker.get(URL).json()
    assert body["error"]["code"] == "THROTTLED"
    assert 0 < body["error"]["details"]["retry_after"] <= 60
    other = APIClient(REMOTE_ADDR="198.51.100.2")
    other.credentials(HTTP_AUTHORIZATION="Token guess-0")
    assert other.get(URL).json()["error"]["code"] == "AUTHENTICATION_FAILED"


def test_a_blocked_address_is_refused_before_any_database_query(db, settings, django_assert_num_queries, minute_start):
    settings.API_AUTH_FAILURE_RATE = "1/min"
    client = APIClient(REMOTE_ADDR="203.0.113.8")
    client.credentials(HTTP_AUTHORIZATION="Token guess")
    assert client.get(URL).status_code == 401
    with django_assert_num_queries(0):
        assert client.get(URL).status_code == 429


def test_a_cached_valid_token_is_not_refused_by_failures_from_its_address(cached_client, settings, minute_start):
    settings.API_AUTH_FAILURE_RATE = "1/min"
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token guess")
    assert [bad.get(URL).status_code for _ in range(2)] == [401, 429]
    assert cached_client.get(URL).status_code == 200


def test_tokens_are_masked_in_every_log_line(api_user, log_lines):
    token = issue_api_token(username=api_user.username)
    legacy = "0123456789abcdef0123456789abcdef01234567"
    client = APIClient()
    client.get(f"{URL}?token={token}&key={legacy}", HTTP_AUTHORIZATION=f"Token {token}x")  # a 401, logged
    client.get(f"/api/nowhere?access_token={legacy}", HTTP_AUTHORIZATION=f"Bearer {legacy}")
    text = "\n".join(map(str, log_lines()))
    assert "Unauthorized" in text  # the 401 line, which names the request with its query string
    assert token not in text
    assert token[3:20] not in text
    assert legacy not in text


def test_a_forged_forwarded_for_header_does_not_evade_the_failure_throttle(db, settings, minute_start):
    settings.API_AUTH_FAILURE_RATE = "2/min"
    attacker = APIClient(REMOTE_ADDR="203.0.113.9")
    statuses = []
    for n in range(3):
        attacker.credentials(HTTP_AUTHORIZATION=f"Token guess-{n}", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        statuses.append(attacker.get(URL).status_code)
    assert statuses == [401, 401, 429]
