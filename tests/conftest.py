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
def log_lines():
    """The JSON log lines emitted during the test, parsed, through the same formatter and masking filter as stderr."""
    import io
    import json
    import logging

    root = logging.getLogger()
    console = next(h for h in root.handlers if h.formatter is not None and h.filters)
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(console.formatter)
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
