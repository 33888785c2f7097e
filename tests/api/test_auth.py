"""Authentication, the token command, and the staff-only POST /api/runs."""

from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from collection.models import CollectionRun

pytestmark = pytest.mark.django_db


def test_create_api_token_prints_a_new_token_that_authenticates_each_time(api_user, capsys):
    tokens = []
    for _ in range(2):
        call_command("create_api_token", api_user.username)
        tokens.append(capsys.readouterr().out.strip())
    assert tokens[0] != tokens[1]
    for token in tokens:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get("/api/accounts").status_code == 200


def test_create_api_token_rotate_replaces_the_token(api_user, capsys):
    call_command("create_api_token", api_user.username)
    first = capsys.readouterr().out.strip()
    call_command("create_api_token", api_user.username, "--rotate")
    assert capsys.readouterr().out.strip() != first


def test_create_api_token_for_an_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="no user 'ghost'"):
        call_command("create_api_token", "ghost")


def test_session_login_works(staff_client):
    assert staff_client.get("/api/costs").json()["status"] == "success"


def test_staff_can_start_a_collection(staff_api_client, fake_enqueue):
    response = staff_api_client.post("/api/runs/", {"kind": "costs"}, format="json")
    assert response.status_code == 202
    body = response.json()
    run = CollectionRun.objects.get(pk=body["data"]["id"])
    assert run.status == CollectionRun.Status.QUEUED
    assert fake_enqueue == [{"kind": "costs", "trigger": "api"}]


def test_a_started_collection_is_handed_to_celery_once_committed(staff_api_client, django_capture_on_commit_callbacks):
    """Through the real scheduler: the queued run carries the id of the task sent once the request commits."""
    with mock.patch("celery.app.base.Celery.send_task") as send_task, django_capture_on_commit_callbacks(execute=True):
        response = staff_api_client.post("/api/runs", {"kind": "tags"}, format="json")
    assert response.status_code == 202
    run = CollectionRun.objects.get(pk=response.json()["data"]["id"])
    assert (run.kind, run.trigger, run.status) == ("tags", "api", CollectionRun.Status.QUEUED)
    send_task.assert_called_once_with(
        "collection.collect", kwargs={"kind": "tags", "run_id": run.pk, "trigger": "api"}, task_id=run.task_id
    )


def test_non_staff_cannot_start_a_collection(api_client, fake_enqueue):
    response = api_client.post("/api/runs", {"kind": "costs"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
    assert fake_enqueue == []


@pytest.mark.parametrize("body", [{"kind": "everything"}, {}])
def test_bad_kind_is_a_400(staff_api_client, fake_enqueue, body):
    response = staff_api_client.post("/api/runs", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "kind"
    assert fake_enqueue == []


def test_a_window_in_the_body_is_refused_not_dropped(staff_api_client, fake_enqueue):
    body = {"kind": "costs", "start": "2026-11-01", "end": "2026-11-30"}
    details = staff_api_client.post("/api/runs", body, format="json").json()["error"]["details"]
    assert {(d["field"], d["code"]) for d in details} == {("start", "unknown_parameter"), ("end", "unknown_parameter")}
    assert "takes no window" in details[0]["message"]
    assert fake_enqueue == []


def test_malformed_json_body_is_a_400_parse_error(staff_api_client, fake_enqueue):
    response = staff_api_client.post("/api/runs", "{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "PARSE_ERROR"
