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


# --- Collection engine (collection/aws.py, collection/services/) ---


@pytest.fixture
def demo_source(settings):
    """Collections read the deterministic demo Cost Explorer: no credentials, no network."""
    settings.COST_SOURCE = "demo"
    settings.AWS_RETRY_DELAY_SCALE = 0
    return settings


@pytest.fixture
def aws_source(settings, monkeypatch):
    """Collections use real boto3 clients on fake credentials; pair with moto's mock_aws or client_hooks stubs."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    settings.COST_SOURCE = "aws"
    settings.AWS_RETRY_DELAY_SCALE = 0
    settings.AWS_ROLE_ARN = ""
    return settings


@pytest.fixture
def client_hooks(monkeypatch):
    """A list of callables `hook(service, client)` run on every boto3 client a collection creates.

    Tests use it to activate a botocore Stubber or to register fault-injecting event handlers.
    """
    from collection.aws import AwsClients

    hooks = []
    original = AwsClients.client

    def client(self, service):
        fresh = service not in self._clients
        created = original(self, service)
        if fresh:
            for hook in hooks:
                hook(service, created)
        return created

    monkeypatch.setattr(AwsClients, "client", client)
    return hooks
