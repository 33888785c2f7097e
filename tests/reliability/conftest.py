"""Reliability fixtures: the Cost Explorer emulator wired into boto3, real workers, and the figures the report shows."""

import json
import os
from pathlib import Path

import botocore.retries.standard
import pytest
from django.utils import timezone

from tests.reliability.emulator import CostExplorerEmulator, EmulatorServer

# RELIABILITY_FIGURES names a JSON file that each test adds its figures to (bench/reliability_report.py).
FIGURES = os.environ.get("RELIABILITY_FIGURES", "")


@pytest.fixture
def figures(request):
    """A dict a test fills with what it measured; saved under the test's name for docs/reliability.md."""
    measured: dict = {}
    yield measured
    if FIGURES and measured:
        path = Path(FIGURES)
        saved = json.loads(path.read_text()) if path.exists() else {}
        saved[request.node.name] = measured
        path.write_text(json.dumps(saved, indent=2, default=str))


@pytest.fixture
def emulator() -> CostExplorerEmulator:
    """5 accounts x 7 lines (a negative credit among them) a day; 25 groups a page, so days span pages."""
    return CostExplorerEmulator(accounts=5, page_size=25, today=timezone.now().date())


@pytest.fixture
def emulated_aws(aws_source, emulator, monkeypatch):
    """boto3 clients of this process talk to the emulator over HTTP; botocore's retry backoff is zero."""
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
    with EmulatorServer(emulator) as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        yield server


@pytest.fixture
def emulated_worker(start_worker, emulator, settings):
    """Start a Celery worker subprocess whose collections read the emulator (first run: 14 days of history).

    A run's source is resolved when it is queued, here in the test process: it queues AWS runs too."""
    settings.COST_SOURCE = "aws"
    with EmulatorServer(emulator) as server:

        def start(**env: str):
            return start_worker(
                COST_SOURCE="aws",
                AWS_ENDPOINT_URL=server.url,
                AWS_ACCESS_KEY_ID="testing",
                AWS_SECRET_ACCESS_KEY="testing",
                AWS_DEFAULT_REGION="us-east-1",
                AWS_RETRY_DELAY_SCALE="0",
                COST_HISTORY_DAYS="14",
                CE_PROBE_MAX_AGE="0",
                COLLECTION_LOCK_TTL="3",
                **env,
            )

        yield start
