"""The admin as a new user sees it: costmonitor's header and demo banner, money to the cent, human labels, the
periodic tasks' real last run and their registered task selected."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from collection import tasks
from collection.services.default_schedule import LONG_AGO
from costmonitor.celery import app
from tests import factories

pytestmark = pytest.mark.django_db

BANNER = b'id="data-source-banner"'


def test_the_header_is_costmonitors_with_a_banner_on_demo_data(staff_client):
    factories.CollectionRunFactory(source="demo")
    page = staff_client.get(reverse("admin:index")).content
    assert b"Django administration" not in page
    assert b">costmonitor</a>" in page
    assert BANNER in page
    assert b"DEMO DATA" in page


def test_no_banner_on_aws_data(staff_client):
    factories.CollectionRunFactory(source="aws")
    assert BANNER not in staff_client.get(reverse("admin:index")).content


def test_money_is_shown_to_the_cent_in_lists_and_exactly_on_the_detail_page(staff_client):
    cost = factories.CostDataFactory(unblended_cost=Decimal("1234.5678901234"))
    listing = staff_client.get(reverse("admin:collection_costdata_changelist")).content.decode()
    assert "1,234.57" in listing
    assert "1234.5678901234" not in listing
    detail = staff_client.get(reverse("admin:collection_costdata_change", args=[cost.pk])).content.decode()
    assert "1234.5678901234" in detail


def test_resource_costs_list_to_the_cent_with_human_labels(staff_client):
    factories.ResourceCostFactory(resource_id="i-0abc", amount=Decimal("1234.5678901234"))
    listing = staff_client.get(reverse("admin:collection_resourcecost_changelist")).content.decode()
    assert "1,234.57" in listing
    assert "1234.5678901234" not in listing
    assert "Daily costs by resource" in listing
    assert "Resource ID" in listing
    assert "Unblended cost" in listing


def test_labels_are_human(staff_client):
    factories.CollectionRunFactory()
    listing = staff_client.get(reverse("admin:collection_collectionrun_changelist")).content.decode()
    assert "CE requests" in listing
    assert "CE cost (USD)" in listing
    assert "Ce requests" not in listing
    assert "Ce cost usd" not in listing


def test_a_periodic_tasks_page_selects_its_registered_task(staff_client, default_schedule):
    task = PeriodicTask.objects.get(name="collect costs")
    page = staff_client.get(reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])).content.decode()
    assert '<option value="collection.collect" selected>collection.collect</option>' in page


def test_the_periodic_tasks_list_shows_each_kinds_last_collection(staff_client, default_schedule):
    started = dt.datetime(2026, 5, 4, 3, 2, tzinfo=dt.UTC)
    run = factories.CollectionRunFactory(kind="costs", status="failed")
    type(run).objects.filter(pk=run.pk).update(started_at=started)
    listing = staff_client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content.decode()
    assert "Last collection" in listing
    assert "2026-05-04 03:02, failed" in listing


@pytest.mark.django_db(transaction=True)
def test_beat_records_a_tasks_last_run_as_soon_as_it_sends_it(default_schedule, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.collect, "apply_async", lambda *args, **kwargs: sent.append(args))
    scheduler = DatabaseScheduler(app=app, lazy=True)
    for name in ("collect costs", "collect tags"):  # the first send syncs anyway; the second needs beat_sync_every
        scheduler.apply_entry(scheduler.reserve(scheduler.schedule[name]), producer=None)
    assert len(sent) == 2
    for name in ("collect costs", "collect tags"):
        assert PeriodicTask.objects.get(name=name).last_run_at > LONG_AGO
