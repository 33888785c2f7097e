"""Shared fixtures: users, API clients and a populated cost history."""

import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (Redis in CI), so cached reads never leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        username="staff", password="s3cret-pass!", is_staff=True, is_superuser=True
    )


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def history(db):
    """One of every model, so admin pages and reads have data to show."""
    account = factories.AwsAccountFactory(account_id="123456789012", name="payer", is_payer=True)
    return {
        "account": account,
        "cost": factories.CostDataFactory(account=account),
        "forecast": factories.CostForecastFactory(),
        "tag": factories.TagCostFactory(),
        "recommendation": factories.RecommendationFactory(account=account),
        "metric": factories.MetricDataFactory(),
        "run": factories.CollectionRunFactory(error_code="AccessDenied", error_message="not allowed"),
    }


@pytest.fixture
def api_user(django_user_model):
    return django_user_model.objects.create_user(username="reader", password="r3ader-pass!")


@pytest.fixture
def api_client(api_user):
    """A DRF client authenticated with a non-staff user's API token."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=api_user).key}")
    return client


@pytest.fixture
def staff_api_client(staff_user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(staff_user)
    return client


@pytest.fixture
def fake_enqueue(monkeypatch):
    """Replaces the scheduler's enqueue_collection with one that only records a queued run."""
    from collection import services
    from collection.models import CollectionRun

    calls = []

    def enqueue_collection(*, kind: str, trigger: str) -> CollectionRun:
        calls.append({"kind": kind, "trigger": trigger})
        return CollectionRun.objects.create(kind=kind, trigger=trigger, status=CollectionRun.Status.QUEUED)

    monkeypatch.setattr(services, "enqueue_collection", enqueue_collection)
    return calls
