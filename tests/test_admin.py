"""Every admin changelist and change page renders for staff; collected data cannot be edited."""

import pytest
from django.contrib import admin
from django.urls import reverse

from collection.models import CostData

REGISTERED = [m for m in admin.site._registry if m._meta.app_label == "collection"]


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_and_change_page_render(staff_client, history, model):
    opts = model._meta
    changelist = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    obj = model.objects.first()
    assert obj is not None, f"the history fixture has no {opts.label} row"
    change = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert change.status_code == 200


@pytest.mark.django_db
def test_collected_data_is_read_only(staff_client, history):
    cost = history["cost"]
    url = reverse("admin:collection_costdata_change", args=[cost.pk])
    response = staff_client.post(url, {"service": "edited"})
    assert response.status_code == 403
    cost.refresh_from_db()
    assert cost.service != "edited"
    assert staff_client.get(reverse("admin:collection_costdata_add")).status_code == 403
    assert CostData.objects.count() == 1


@pytest.mark.django_db
def test_run_changelist_shows_errors(staff_client, history):
    response = staff_client.get(reverse("admin:collection_collectionrun_changelist"))
    assert b"AccessDenied" in response.content
