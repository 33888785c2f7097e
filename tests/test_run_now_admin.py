"""The admin's "run now" actions queue collections recorded with trigger `admin`."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from collection.models import CollectionRun
from costmonitor.celery import app
from tests import factories


@pytest.fixture(autouse=True)
def _empty_queue():
    yield
    app.control.purge()


def run_action(client, url: str, action: str, ids: list[int]):
    return client.post(url, {"action": action, "_selected_action": ids}, follow=True)


@pytest.mark.usefixtures("default_schedule")
def test_run_now_on_periodic_tasks_queues_one_run_per_kind(staff_client, django_capture_on_commit_callbacks):
    selected = PeriodicTask.objects.filter(name__in=["collect costs", "collect tags"])
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(
            staff_client,
            reverse("admin:django_celery_beat_periodictask_changelist"),
            "run_collection_now",
            [t.pk for t in selected],
        )
    assert response.status_code == 200
    runs = CollectionRun.objects.all()
    assert sorted(runs.values_list("kind", "trigger", "status")) == [
        ("costs", "admin", "queued"),
        ("tags", "admin", "queued"),
    ]
    assert f"run {runs.get(kind='costs').pk} queued" in response.content.decode()


@pytest.mark.django_db
def test_run_now_on_runs_collects_each_selected_kind_once(staff_client, django_capture_on_commit_callbacks):
    picked = [factories.CollectionRunFactory(kind="forecast").pk for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        run_action(staff_client, reverse("admin:collection_collectionrun_changelist"), "run_again", picked)
    assert list(CollectionRun.objects.filter(trigger="admin").values_list("kind", "status")) == [("forecast", "queued")]


@pytest.mark.django_db
def test_run_now_needs_the_right_to_create_runs(client, django_user_model):
    viewer = django_user_model.objects.create_user(username="viewer", password="x-pass-123!", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_collectionrun"))
    client.force_login(viewer)
    url = reverse("admin:collection_collectionrun_changelist")
    run = factories.CollectionRunFactory()
    assert b"run_again" not in client.get(url).content
    run_action(client, url, "run_again", [run.pk])
    assert not CollectionRun.objects.filter(trigger="admin").exists()
