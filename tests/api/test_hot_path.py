"""The cached-read hot path: cached token lookups dropped on change, the fixed-window throttle,
memoized parameter validation, and cached data spliced into the envelope."""

import datetime as dt
import json

import pytest
from rest_framework.permissions import IsAdminUser
from rest_framework.test import APIClient, APIRequestFactory

from api.tokens import issue_api_token
from api.views.costs import CostViewSet
from tests.factories import CostDataFactory

pytestmark = pytest.mark.django_db

URL = "/api/costs?start=2025-10-01&end=2025-10-31&group_by=service"


@pytest.fixture
def cost():
    return CostDataFactory(date=dt.date(2025, 10, 3))


def client_for(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_cached_answer_to_a_known_token_queries_no_database(api_client, cost, django_assert_num_queries):
    api_client.get(URL)
    with django_assert_num_queries(0):
        body = api_client.get(URL).json()
    assert (body["metadata"]["cached"], body["data"]["total"]) == (True, "12.3400000000")


def test_a_deleted_token_is_refused_although_it_was_cached(api_client, api_user, django_capture_on_commit_callbacks):
    assert api_client.get("/api/forecast").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        api_user.api_tokens.all().delete()
    assert api_client.get("/api/forecast").json()["error"]["code"] == "AUTHENTICATION_FAILED"


def test_a_rotated_token_replaces_the_cached_one(api_user, django_capture_on_commit_callbacks):
    old = issue_api_token(username=api_user.username)
    assert client_for(old).get("/api/forecast").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        new = issue_api_token(username=api_user.username, rotate=True)
    assert client_for(old).get("/api/forecast").status_code == 401
    assert client_for(new).get("/api/forecast").status_code == 200


def test_a_deactivated_user_is_refused_although_cached(api_client, api_user, django_capture_on_commit_callbacks):
    assert api_client.get("/api/forecast").status_code == 200
    api_user.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        api_user.save()
    assert api_client.get("/api/forecast").status_code == 401


def test_a_cached_user_is_never_saved_without_its_password(api_client, api_user, django_capture_on_commit_callbacks):
    api_client.get("/api/forecast")
    # The user now comes from the cache, password deferred. An explicit Accept takes DRF's cycle, which builds
    # the user; a cached hit for the default format is answered without one.
    response = api_client.get("/api/forecast", HTTP_ACCEPT="application/json")
    user = response.wsgi_request.user
    user.first_name = "Renamed"
    with django_capture_on_commit_callbacks(execute=True):
        user.save()
    api_user.refresh_from_db()
    assert (api_user.first_name, api_user.check_password("r3ader-pass!")) == ("Renamed", True)


def test_auth_cache_off_still_authenticates(api_client, settings):
    settings.API_AUTH_CACHE_SECONDS = 0
    assert [api_client.get("/api/forecast").status_code for _ in range(2)] == [200, 200]


def test_throttling_counts_each_user_apart(api_client, django_user_model, settings, minute_start):
    settings.API_THROTTLE_RATE = "2/min"
    settings.API_UNCACHED_REQUEST_COST = 1  # every request counts one, cached or not
    for _ in range(3):
        api_client.get("/api/accounts")
    response = api_client.get("/api/accounts")
    assert response.status_code == 429
    assert 0 < response.json()["error"]["details"]["retry_after"] <= 60
    other = django_user_model.objects.create_user(username="other")
    assert client_for(issue_api_token(username=other.username)).get("/api/accounts").status_code == 200


def test_a_changed_setting_revalidates_a_query_seen_before(api_client, settings):
    assert api_client.get(URL).status_code == 200
    settings.API_MAX_WINDOW_DAYS = 7
    body = api_client.get(URL).json()
    assert body["error"]["details"][0]["code"] == "window_too_long"


def test_validated_parameters_are_not_shared_between_requests(api_client, cost):
    first = api_client.get(URL).json()
    second = api_client.get(URL + "&group_by=account").json()
    assert (first["data"]["group_by"], second["data"]["group_by"]) == (["service"], ["service", "account"])


def test_a_cached_answer_renders_the_same_envelope_as_a_fresh_one(api_client, cost):
    fresh, cached = api_client.get(URL).json(), api_client.get(URL).json()
    assert cached["data"] == fresh["data"]
    assert (cached["status"], cached["error"], cached["metadata"]["cached"]) == ("success", None, True)
    assert {k: v for k, v in cached["metadata"].items() if k not in ("timestamp", "cached", "cache_age")} == {
        k: v for k, v in fresh["metadata"].items() if k not in ("timestamp", "cached", "cache_age")
    }


def test_a_cached_answer_before_drf_matches_one_through_drf(api_client, cost):
    """A default-format hit leaves before DRF's cycle; an explicit Accept takes the cycle. Same answer either way."""
    fresh = api_client.get(URL)
    early, through_drf = api_client.get(URL), api_client.get(URL, HTTP_ACCEPT="application/json")

    def answer(response):
        body = response.json()
        volatile = ("timestamp", "cache_age")
        headers = {k: v for k, v in response.headers.items() if k not in ("X-Request-ID", "Content-Length")}
        return headers, {**body, "metadata": {k: v for k, v in body["metadata"].items() if k not in volatile}}

    assert answer(early) == answer(through_drf)
    assert (early.json()["metadata"]["cached"], fresh.json()["metadata"]["cached"]) == (True, False)
    assert answer(early)[0] == answer(fresh)[0]
    assert (early["Content-Type"], early["Allow"], early["Vary"]) == (
        "application/json",
        "GET, HEAD, OPTIONS",
        "Accept",
    )


def test_browsable_api_shows_a_cached_answer(api_client, cost):
    api_client.get(URL)
    response = api_client.get(URL, HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    assert b"&quot;cached&quot;: true" in response.content
    assert b"&quot;total&quot;: &quot;12.3400000000&quot;" in response.content


class StaffOnlyCosts(CostViewSet):
    """Another permission: the same cached entries, for staff alone."""

    permission_classes = [IsAdminUser]


class PerActionCosts(CostViewSet):
    """The same permission, asked per action as DRF allows."""

    def get_permissions(self):
        return [IsAdminUser()]


class UnthrottledCosts(CostViewSet):
    throttle_classes = []


def list_view(viewset: type[CostViewSet], token: str):
    request = APIRequestFactory().get(URL, HTTP_AUTHORIZATION=f"Token {token}")
    return viewset.as_view({"get": "list"})(request)


@pytest.mark.parametrize("viewset", [StaffOnlyCosts, PerActionCosts])
def test_a_cached_hit_never_skips_a_views_own_permission(api_client, cost, staff_user, viewset):
    api_client.get(URL)
    assert api_client.get(URL).json()["metadata"]["cached"] is True  # the entry and the reader's user are cached
    token = api_client._credentials["HTTP_AUTHORIZATION"].split()[1]
    assert list_view(viewset, token).status_code == 403
    staff = list_view(viewset, issue_api_token(username=staff_user.username)).render()
    body = json.loads(staff.content)
    assert (staff.status_code, body["metadata"]["cached"], body["data"]["total"]) == (200, True, "12.3400000000")


def test_a_view_with_other_throttles_is_not_counted_by_the_round_trip(api_client, cost, settings, minute_start):
    settings.API_THROTTLE_RATE = "2/min"
    settings.API_UNCACHED_REQUEST_COST = 1  # every request counts one, cached or not
    api_client.get(URL)
    token = api_client._credentials["HTTP_AUTHORIZATION"].split()[1]
    assert [list_view(UnthrottledCosts, token).status_code for _ in range(3)] == [200, 200, 200]
    assert [api_client.get(URL).status_code for _ in range(2)] == [200, 429]


def test_a_cached_token_authenticates_as_the_token_itself(api_client, api_user, cost):
    api_client.get(URL)
    response = api_client.get(URL, HTTP_ACCEPT="application/json")  # DRF's cycle, on the cached user
    auth = response.renderer_context["request"].auth
    stored = api_user.api_tokens.get()
    assert (auth.pk, auth.digest, auth.user, auth.created) == (stored.pk, stored.digest, api_user, stored.created)
