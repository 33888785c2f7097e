"""Shared fixtures: users, API clients, a populated cost history, real Celery workers."""

import datetime as dt
import importlib
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.utils import timezone

from collection.kinds import KINDS
from collection.models import CollectionRun, SpendConfirmation
from collection.months import next_month
from collection.services.default_schedule import seed_default_schedule
from collection.services.snapshot import write_metric_snapshot
from collection.state import state_cache
from costmonitor.celery import app
from tests import factories
from tests.integration.workers import wait_for
from tests.log_capture import captured_log


def pytest_configure(config):
    """The calendar pass (.ci/run): with COSTMONITOR_TEST_NOW (an ISO instant) the whole run starts at that instant
    and the clock ticks on from there. Only this process travels: tests that start other processes are marked
    `integration` and left out of that pass."""
    # A password hashed for a test user in a fraction of a millisecond instead of PBKDF2's half second (a third of
    # the tests create a user): the suite's own accounts need no strength. Django's own hashers stay listed after it,
    # so a hash a subprocess writes (createsuperuser) still verifies here.
    # https://docs.djangoproject.com/en/5.2/topics/testing/overview/#password-hashing
    fast = "django.contrib.auth.hashers.MD5PasswordHasher"
    django_settings.PASSWORD_HASHERS = [fast, *django_settings.PASSWORD_HASHERS]
    instant = os.environ.get("COSTMONITOR_TEST_NOW")
    if instant:
        traveller = time_machine.travel(dt.datetime.fromisoformat(instant), tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def _clear_caches() -> None:
    cache.clear()
    if hasattr(state_cache, "delete_pattern"):  # django-redis: the broker's database, whose queues must stay
        state_cache.delete_pattern("*")
    else:
        state_cache.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with empty caches (Redis in CI), so cached reads, locks and tallies never leak between tests."""
    _clear_caches()
    yield
    _clear_caches()


@pytest.fixture
def minute_start():
    """The clock at the start of a minute, ticking: the throttles count in fixed windows (`api.throttling`), so a test
    that sends a few requests against a per-minute rate would see its count reset if it ran across a minute's end."""
    now = time.time()
    with time_machine.travel(now - now % 60, tick=True):
        yield


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
        "charge": factories.ChargeTypeCostFactory(account=account),
        "forecast": factories.CostForecastFactory(),
        "tag": factories.TagCostFactory(),
        "category": factories.CategoryCostFactory(),
        "recommendation": factories.RecommendationFactory(account=account),
        "reconciliation": factories.ReconciliationFactory(account_id=account.account_id),
        "metric": factories.MetricDataFactory(),
        "run": factories.CollectionRunFactory(error_code="AccessDenied", error_message="not allowed"),
        "confirmation": SpendConfirmation.objects.create(confirmed_by="admin", estimated_requests=234),
        "export_period": factories.ExportIngestionFactory(),
        "budget": factories.BudgetFactory(),
        "anomaly": factories.CostAnomalyFactory(root_causes__account_id=account.account_id),
        "monitor": factories.AnomalyMonitorFactory(),
        "commitment_ratio": factories.CommitmentRatioFactory(),
        "commitment": factories.CommitmentFactory(account_id=account.account_id),
        "resource": factories.ResourceCostFactory(account=account),
    }


# --- Collection engine (collection/aws.py, collection/services/) ---


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory) -> Path:
    """Where the demo delivers its Data Export: one folder for the session, as its deliveries are deterministic."""
    return tmp_path_factory.mktemp("demo-data")


@pytest.fixture
def demo_source(settings, demo_data_dir):
    """Collections read the deterministic demo Cost Explorer (and the demo's Data Export, delivered into
    `demo_data_dir`): no credentials, no network."""
    settings.COST_SOURCE = "demo"
    settings.DATA_DIR = demo_data_dir
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
def spend_confirmed(db):
    """The operator's go-ahead is recorded, so scheduled AWS collections spend (`manage.py confirm_first_run`)."""
    return SpendConfirmation.objects.create(confirmed_by="tests", estimated_requests=1)


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


@pytest.fixture
def log_lines():
    """The JSON log lines emitted during the test, parsed, through the same formatter and masking filter as stderr."""
    import json

    with captured_log() as lines:
        yield lambda: [json.loads(line) for line in lines()]


@pytest.fixture
def api_user(django_user_model):
    return django_user_model.objects.create_user(username="reader", password="r3ader-pass!")


@pytest.fixture
def api_client(api_user):
    """A DRF client authenticated with a non-staff user's API token."""
    from rest_framework.test import APIClient

    from api.tokens import issue_api_token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_api_token(username=api_user.username)}")
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
    from collection.services import scheduling

    calls = []

    def enqueue_collection(*, kind: str, trigger: str) -> CollectionRun:
        calls.append({"kind": kind, "trigger": trigger})
        return CollectionRun.objects.create(kind=kind, trigger=trigger, status=CollectionRun.Status.QUEUED)

    monkeypatch.setattr(services, "enqueue_collection", enqueue_collection)
    monkeypatch.setattr(scheduling, "enqueue_collection", enqueue_collection)  # what queue_collection calls
    return calls


@pytest.fixture
def metrics_history(transactional_db):
    """A committed history with a value for every gauge, and the snapshot of every kind written.

    Committed (transactional_db), so servers started in other processes read it too.
    """
    today = timezone.now().date()
    payer = factories.AwsAccountFactory(account_id="123456789012", name="payer")
    member = factories.AwsAccountFactory(account_id="210987654321", name="member")
    for days_ago in range(9):
        day = today - dt.timedelta(days=days_ago)
        factories.CostDataFactory(
            account=payer, date=day, service="EC2", unblended_cost=Decimal("10.5"), net_unblended_cost=Decimal("10")
        )
        factories.CostDataFactory(account=member, date=day, service="S3", unblended_cost=Decimal("2.25"))
        factories.ChargeTypeCostFactory(account=payer, date=day, charge_type="Credit", unblended_cost=Decimal("-1.5"))
    factories.CostForecastFactory(period_start=today, period_end=next_month(today), mean=Decimal("900"))
    factories.TagCostFactory(date=today, tag_key="team", tag_value="platform", amount=Decimal("4"))
    factories.ResourceCostFactory(
        account=payer, date=today - dt.timedelta(days=1), resource_id="i-0abc", amount=Decimal("3.5")
    )
    factories.TagCostFactory(date=today, tag_key="team", tag_value="", amount=Decimal("1"))
    factories.CategoryCostFactory(date=today, category="Business Unit", value="Retail", amount=Decimal("6"))
    factories.CategoryCostFactory(
        date=today, category="Business Unit", value="", uncategorized=True, amount=Decimal("1")
    )
    factories.RecommendationFactory(account=payer)
    factories.ReconciliationFactory(account_id=payer.account_id)
    run = factories.CollectionRunFactory(aws_requests={"ce:GetCostAndUsage": 4})
    CollectionRun.objects.filter(pk=run.pk).update(started_at=run.finished_at - dt.timedelta(minutes=3))
    factories.CollectionRunFactory(status="failed", error_code="ThrottlingException", kind="tags")
    factories.BudgetFactory(name="Production", limit=Decimal("1000"), actual=Decimal("640"), forecast=Decimal("1250"))
    factories.CostAnomalyFactory(anomaly_id="a-1", total_impact=Decimal("312.75"), root_causes__account_id=payer.pk)
    for kind in ("savings_plans", "reservations"):
        for measure in ("utilization", "coverage"):
            factories.CommitmentRatioFactory(commitment_type=kind, measure=measure)
    factories.CommitmentRatioFactory(
        commitment_type="reservations", measure="coverage", account_id=member.account_id, ratio=Decimal("0.4")
    )
    factories.CommitmentFactory(account_id=member.account_id)
    for kind in (spec.kind for spec in KINDS.values() if spec.gauges):  # every kind with gauges on /metrics
        write_metric_snapshot(kind=kind)
    return {"payer": payer, "member": member, "today": today}


@pytest.fixture
def metrics_on_api_port(settings):
    """/metrics on the API port without a token, as in development (DEBUG on): tests scrape the test client.
    Production's default (off, or behind METRICS_TOKEN) is tests/security/test_metrics_access.py's."""
    settings.METRICS_ON_MAIN_PORT = True
    return settings


@pytest.fixture
def default_schedule(db):
    """The beat schedule as `migrate` and beat's start create it, again after a transactional test flushed it."""
    seed_default_schedule()


# --- API schema testing (tests/api/test_schema.py, tests/reliability/test_bad_input.py) ---


@pytest.fixture
def _keep_test_connection():
    """As Django's test client does: the WSGI handler must not close the connection holding the test transaction."""
    for request_signal in (request_started, request_finished):
        request_signal.disconnect(close_old_connections)
    yield
    for request_signal in (request_started, request_finished):
        request_signal.connect(close_old_connections)


@pytest.fixture
def staff_token(db, staff_user, settings, fake_enqueue, _keep_test_connection):
    settings.API_THROTTLE_RATE = "100000/min"
    account = factories.AwsAccountFactory(account_id="123456789012")
    factories.CostDataFactory(account=account)
    factories.RecommendationFactory(account=account)
    factories.CollectionRunFactory()
    from api.tokens import issue_api_token

    return issue_api_token(username=staff_user.username)


# --- Settings (tests/test_security.py, tests/test_backends.py) ---


@pytest.fixture
def reload_settings(monkeypatch):
    """`reload(**env)` imports the settings package afresh, every concern module with it, under a changed
    environment (None unsets a variable) and returns it; the running settings and modules are left as they were."""
    import costmonitor

    def reload(**env: str | None):
        for name, value in env.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        loaded = {name: module for name, module in sys.modules.items() if name.startswith("costmonitor.settings")}
        for name in loaded:
            del sys.modules[name]
        try:
            return importlib.import_module("costmonitor.settings")
        finally:
            sys.modules.update(loaded)
            costmonitor.settings = loaded["costmonitor.settings"]

    return reload


# --- Real Celery workers (tests/integration/test_worker.py, tests/reliability/) ---


@pytest.fixture
def gate(tmp_path) -> Path:
    """While `<gate>/hold` exists, a worker waits in the middle of its cost writes (tests/integration/worker_app.py)."""
    path = tmp_path / "gate"
    path.mkdir()
    return path


@pytest.fixture
def start_worker(tmp_path, gate, settings):
    """Start `celery worker` subprocesses (each in its own process group) on the test database."""
    app.control.purge()
    db = connection.settings_dict
    workers = []

    def start(*, concurrency: int = 1, **env: str) -> subprocess.Popen:
        name = f"w{len(workers)}"
        log = tmp_path / f"{name}.log"
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.integration.worker_app",
                "worker",
                "--hostname",
                f"{name}@%h",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            env={
                **os.environ,
                "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
                "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
                "COST_SOURCE": "demo",
                "COSTMONITOR_TEST_GATE": str(gate),
                **env,
            },
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        workers.append(process)
        wait_for(lambda: "ready." in log.read_text(), timeout=30, what=f"worker {name} to start:\n{log}")
        return process

    yield start
    for process in workers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    app.control.purge()
