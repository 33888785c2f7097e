"""The /metrics tests scrape the API port through the test client, as in development."""

import pytest


@pytest.fixture(autouse=True)
def _metrics_on_api_port(metrics_on_api_port):
    return metrics_on_api_port
