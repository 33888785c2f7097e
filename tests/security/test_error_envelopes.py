"""Every error under /api/ is the envelope, safe for its reader: Django's own refusals, choices that name the valid
values without echoing 100 KB back, ASCII digits only, and a run's exception text for permitted staff only."""

import pytest
from django.test import Client

from collection.models import CollectionRun
from tests import factories
from tests.security.clients import user_token_client

pytestmark = pytest.mark.django_db


def arabic_indic(text: str) -> str:
    """`text` with its ASCII digits as Arabic-Indic ones (U+0660..), which \\d, int() and Decimal() accept."""
    return text.translate({ord("0") + digit: 0x0660 + digit for digit in range(10)})


FULLWIDTH_ONE = "\uff11"
ARABIC_INDIC = arabic_indic("123456789012")


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert (body["status"], body["data"]) == ("error", None)
    return body["error"]


def test_too_many_parameters_is_an_envelope(api_client, settings):
    query = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    assert error_of(api_client.get(f"/api/costs?{query}"), 400)["code"] == "TOO_MANY_PARAMETERS"
    assert error_of(Client().get(f"/api/no-such-endpoint?{query}"), 400)["code"] == "TOO_MANY_PARAMETERS"


def test_a_bad_host_is_an_envelope(client):
    error = error_of(client.get("/api/costs", HTTP_HOST="evil.example.com"), 400)
    assert error["code"] == "DISALLOWED_HOST"
    assert "evil.example.com" not in error["message"]


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "application/json"])
def test_a_too_large_body_is_an_envelope(settings, runner, fake_enqueue, content_type):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = "kind=" + "x" * 4096 if content_type.endswith("urlencoded") else '{"kind": "%s"}' % ("x" * 4096)
    response = user_token_client(runner).post("/api/runs", body, content_type=content_type)
    assert error_of(response, 413)["code"] == "REQUEST_TOO_LARGE"
    assert fake_enqueue == []


def test_django_400_and_403_handlers_answer_envelopes_under_api_only(rf):
    from django.core.exceptions import PermissionDenied, SuspiciousOperation

    from api import errors

    api_400 = errors.bad_request(rf.get("/api/costs"), SuspiciousOperation("x"))
    assert (api_400.status_code, api_400["Content-Type"]) == (400, "application/json")
    api_403 = errors.permission_denied(rf.get("/api/costs"), PermissionDenied())
    assert (api_403.status_code, api_403["Content-Type"]) == (403, "application/json")
    assert errors.permission_denied(rf.get("/admin/"), PermissionDenied())["Content-Type"].startswith("text/html")


def test_an_invalid_choice_lists_the_valid_values_and_cuts_a_long_value(api_client):
    huge = "x" * 100_000
    response = api_client.get("/api/costs", {"granularity": huge})
    error = error_of(response, 400)
    (detail,) = error["details"]
    assert detail["field"] == "granularity"
    assert "choose one of: daily, monthly" in detail["message"]
    assert len(response.content) < 2_000
    assert "x" * 41 not in response.content.decode()


def test_an_unknown_path_is_not_echoed_whole(api_client):
    response = api_client.get("/api/" + "y" * 3000)
    assert error_of(response, 404)["code"] == "NOT_FOUND"
    assert len(response.content) < 1_000


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/api/costs?account_id={ARABIC_INDIC}", "account_id"),
        (f"/api/costs?page={arabic_indic('1')}", "page"),
        (f"/api/costs?page_size={arabic_indic('10')}", "page_size"),
        (f"/api/costs?start={arabic_indic('2026-01-01')}", "start"),
        (f"/api/optimization?min_savings={arabic_indic('5')}", "min_savings"),
        (f"/api/runs?page={FULLWIDTH_ONE}", "page"),
    ],
)
def test_digits_are_ascii_only(api_client, path, field):
    assert [d["field"] for d in error_of(api_client.get(path), 400)["details"]] == [field]


def test_non_ascii_digits_in_a_path_are_not_found(api_client):
    assert api_client.get(f"/api/accounts/{ARABIC_INDIC}").status_code == 404
    assert api_client.get(f"/api/runs/{arabic_indic('1')}").status_code == 404


@pytest.fixture
def failed_run():
    return factories.CollectionRunFactory(
        status="failed",
        error_code="InternalError",
        error_message="The collection failed on an unexpected error (OperationalError); it is logged.",
        error_detail="OperationalError('connection to server at \"db.internal\" (10.0.3.7), port 5432 failed')",
    )


def test_a_runs_exception_text_is_for_permitted_staff_only(failed_run, api_client, bare_staff, runner):
    for reader in (api_client, user_token_client(bare_staff)):
        listed = reader.get("/api/runs").json()["data"]["runs"]
        one = reader.get(f"/api/runs/{failed_run.pk}").json()["data"]
        for run in (*listed, one):
            assert "error_detail" not in run
            assert "db.internal" not in str(run)
        assert run["error_message"].startswith("The collection failed on an unexpected error")
    shown = user_token_client(runner).get(f"/api/runs/{failed_run.pk}").json()["data"]
    assert "db.internal" in shown["error_detail"]


def test_the_admin_shows_the_exception_text(failed_run, staff_client):
    page = staff_client.get(f"/admin/collection/collectionrun/{failed_run.pk}/change/")
    assert "db.internal" in page.content.decode()


def test_a_crashing_collection_stores_a_safe_message_and_the_repr_apart(demo_source, monkeypatch):
    from collection.services import run_collection, runs

    def crash(**_kwargs):
        raise RuntimeError("psycopg: connection to db.internal:5432 refused")

    monkeypatch.setattr(runs, "open_source", crash)
    run = run_collection(kind="accounts", trigger="command")
    assert (run.status, run.error_code) == (CollectionRun.Status.FAILED, "InternalError")
    assert "db.internal" not in run.error_message
    assert "RuntimeError" in run.error_message
    assert "db.internal:5432" in run.error_detail


def test_an_unreachable_endpoint_is_a_safe_message(aws_source):
    from botocore.exceptions import EndpointConnectionError

    from collection.errors import translate_aws_error

    error = translate_aws_error(EndpointConnectionError(endpoint_url="http://10.0.0.9:4566/"), operation="ce:X")
    assert "10.0.0.9" not in str(error)
    assert "AWS could not be reached" in str(error)
    assert "10.0.0.9" in error.detail
