"""Every response under /api/ and /health is the design's envelope, success and error alike."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def assert_envelope(response, *, status: int, error_code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"status", "data", "metadata", "error"}
    assert body["metadata"]["timestamp"].endswith("Z")
    assert dt.datetime.fromisoformat(body["metadata"]["timestamp"])
    assert isinstance(body["metadata"]["cached"], bool)
    if error_code:
        assert body["status"] == "error"
        assert body["data"] is None
        assert body["error"]["code"] == error_code
        assert body["error"]["message"]
    else:
        assert body["status"] == "success"
        assert body["error"] is None
    return body


@pytest.mark.parametrize(
    "url",
    [
        "/api/costs",
        "/api/costs/",
        "/api/forecast",
        "/api/tags",
        "/api/optimization",
        "/api/accounts",
        "/api/accounts/123456789012",
        "/api/runs",
        "/api/",
    ],
)
def test_every_endpoint_answers_a_success_envelope(api_client, history, url):
    body = assert_envelope(api_client.get(url), status=200)
    assert body["data"]


def test_run_detail_is_enveloped(api_client, history):
    body = assert_envelope(api_client.get(f"/api/runs/{history['run'].pk}"), status=200)
    assert body["data"]["error_code"] == "AccessDenied"


def test_health_needs_no_credentials():
    body = assert_envelope(APIClient().get("/health"), status=200)
    assert body["data"]["status"] in {"healthy", "degraded"}


@pytest.mark.parametrize("url", ["/api/nope", "/api/costs/extra/path", "/api/accounts/999999999999", "/api/runs/123"])
def test_unknown_path_or_object_is_a_404_envelope(api_client, url):
    assert_envelope(api_client.get(url), status=404, error_code="NOT_FOUND")


def test_unknown_path_is_a_404_envelope_even_without_credentials():
    assert_envelope(APIClient().get("/api/does-not-exist"), status=404, error_code="NOT_FOUND")


def test_django_404_handler_envelopes_api_paths_only(rf):
    from django.http import Http404

    from api.errors import page_not_found

    api = page_not_found(rf.get("/api/x"), Http404())
    assert api.status_code == 404
    assert b'"NOT_FOUND"' in api.content
    assert b'"NOT_FOUND"' not in page_not_found(rf.get("/elsewhere"), Http404()).content


def test_django_500_handler_envelopes_api_paths(rf):
    from api.errors import server_error

    response = server_error(rf.get("/api/costs"))
    assert response.status_code == 500
    assert b'"INTERNAL_ERROR"' in response.content


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_write_verbs_are_a_405_envelope(api_client, method):
    response = getattr(api_client, method)("/api/costs", {}, format="json")
    assert_envelope(response, status=405, error_code="METHOD_NOT_ALLOWED")


def test_no_credentials_is_a_401_envelope():
    response = APIClient().get("/api/costs")
    assert_envelope(response, status=401, error_code="NOT_AUTHENTICATED")
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_wrong_token_is_a_401_envelope():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_envelope(client.get("/api/costs"), status=401, error_code="AUTHENTICATION_FAILED")


def test_bad_parameter_is_a_400_envelope_naming_the_field(api_client):
    body = assert_envelope(api_client.get("/api/costs?start=2026-02-30"), status=400, error_code="VALIDATION_ERROR")
    assert body["error"]["details"] == [
        {"field": "start", "code": "no_such_day", "message": body["error"]["details"][0]["message"]}
    ]


def test_throttled_user_gets_a_429_envelope(api_client, settings, minute_start):
    settings.API_THROTTLE_RATE = "2/min"
    settings.API_UNCACHED_REQUEST_COST = 1  # every request counts one, cached or not
    for _ in range(2):
        assert api_client.get("/api/accounts").status_code == 200
    response = api_client.get("/api/accounts")
    body = assert_envelope(response, status=429, error_code="THROTTLED")
    assert body["error"]["details"]["retry_after"] > 0
    assert int(response["Retry-After"]) > 0


def test_unexpected_error_is_a_500_envelope_and_logged(api_client, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("api.views.forecast.latest_forecasts", broken)
    body = assert_envelope(api_client.get("/api/forecast"), status=500, error_code="INTERNAL_ERROR")
    assert "boom" not in body["error"]["message"]
    assert "unhandled error" in caplog.text


def test_browsable_api_shows_the_envelope(api_client, history):
    response = api_client.get("/api/costs", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"&quot;cache_age&quot;" in response.content
