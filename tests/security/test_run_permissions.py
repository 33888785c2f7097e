"""POST /api/runs takes the admin's permission (collection.add_collectionrun), and a repeat queues nothing."""

import threading

import pytest
from django.db import close_old_connections, connection
from rest_framework.test import APIClient

from collection import services
from collection.models import CollectionRun
from tests import factories
from tests.security.clients import client_of, user_token_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("by", ["token", "session"])
def test_staff_without_the_permission_cannot_queue_a_collection(bare_staff, fake_enqueue, by):
    response = client_of(bare_staff, by=by).post("/api/runs/", {"kind": "costs"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
    assert "collection.add_collectionrun" in response.json()["error"]["message"]
    assert fake_enqueue == []
    assert not CollectionRun.objects.exists()


@pytest.mark.parametrize("by", ["token", "session"])
def test_the_permission_alone_lets_a_user_queue_one(runner, fake_enqueue, by):
    response = client_of(runner, by=by).post("/api/runs", {"kind": "costs"}, format="json")
    assert response.status_code == 202, response.json()
    assert fake_enqueue == [{"kind": "costs", "trigger": "api"}]


def test_a_repeated_post_names_the_open_run_and_queues_nothing(runner, fake_enqueue):
    client = user_token_client(runner)
    first = client.post("/api/runs", {"kind": "costs"}, format="json")
    second = client.post("/api/runs", {"kind": "costs"}, format="json")
    assert first.status_code == 202
    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "RUN_IN_PROGRESS"
    assert error["details"] == {"run_id": first.json()["data"]["id"], "kind": "costs", "status": "queued"}
    assert len(fake_enqueue) == 1
    # Another kind is another collection.
    assert client.post("/api/runs", {"kind": "forecast"}, format="json").status_code == 202


def test_a_running_run_of_the_kind_also_stops_a_new_one(runner, fake_enqueue):
    running = factories.CollectionRunFactory(kind="tags", status="running", finished_at=None)
    response = user_token_client(runner).post("/api/runs", {"kind": "tags"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["details"]["run_id"] == running.pk
    assert fake_enqueue == []


def test_finished_windowed_and_stale_queued_runs_do_not_block(runner, fake_enqueue):
    factories.CollectionRunFactory(kind="costs", status="failed")
    factories.CollectionRunFactory(kind="costs", status="succeeded")
    backfill = factories.CollectionRunFactory(kind="costs", status="running", finished_at=None)
    CollectionRun.objects.filter(pk=backfill.pk).update(window_start="2026-01-01", window_end="2026-02-01")
    lost = factories.CollectionRunFactory(kind="costs", status="queued", finished_at=None)
    old = lost.started_at - services.scheduling.QUEUED_RUN_HORIZON
    CollectionRun.objects.filter(pk=lost.pk).update(started_at=old)
    response = user_token_client(runner).post("/api/runs", {"kind": "costs"}, format="json")
    assert response.status_code == 202, response.json()


def test_a_run_left_running_by_a_dead_process_is_closed_and_does_not_block(runner, fake_enqueue, settings):
    settings.COLLECTION_LOCK_TTL = 1
    dead = factories.CollectionRunFactory(kind="accounts", status="running", finished_at=None)
    CollectionRun.objects.filter(pk=dead.pk).update(started_at=dead.started_at.replace(year=2020))
    response = user_token_client(runner).post("/api/runs", {"kind": "accounts"}, format="json")
    assert response.status_code == 202
    dead.refresh_from_db()
    assert (dead.status, dead.error_code) == ("failed", "Abandoned")


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_queue_one_run(runner, fake_enqueue):
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock that orders concurrent asks is PostgreSQL's; SQLite has one writer at a time")
    barrier, statuses = threading.Barrier(8), []
    credentials = user_token_client(runner)._credentials

    def post() -> None:
        client = APIClient()
        client.credentials(**credentials)
        barrier.wait()
        try:
            statuses.append(client.post("/api/runs", {"kind": "costs"}, format="json").status_code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [202] + [409] * 7
    assert CollectionRun.objects.filter(kind="costs", status="queued").count() == 1


def test_the_admin_run_now_answers_an_open_run_the_same_way(client, runner, fake_enqueue):
    factories.CollectionRunFactory(kind="costs", status="queued", finished_at=None)
    client.force_login(runner)
    runs_page = client.get("/admin/collection/collectionrun/")
    assert runs_page.status_code == 200
    pk = CollectionRun.objects.get().pk
    response = client.post(
        "/admin/collection/collectionrun/",
        {"action": "run_again", "_selected_action": [pk]},
        follow=True,
    )
    assert f"run {pk} is already queued; not queued again" in response.content.decode()
    assert fake_enqueue == []
