"""The first real-AWS run: scheduled collections wait for the operator's go-ahead (`confirm_first_run`, which prints
the estimate), and a missing or refused credential says what to set in the run, the command and the banner."""

import io

import pytest
from botocore.stub import Stubber
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from moto import mock_aws
from prometheus_client.parser import text_string_to_metric_families

from collection.models import CollectionRun, CostData, SpendConfirmation
from collection.services import run_collection
from collection.services.on_demand import first_run_plan
from tests import factories
from tests.collection.helpers import stub

pytestmark = pytest.mark.django_db

SET_WHAT = ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ROLE_ARN", "deploy/iam-policy.json")
DAILY = 106  # bench/ce_requests.py: requests a day of the default schedule, 50 accounts x 20 services


def call(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def says_what_to_set(message: str) -> None:
    assert "\n" not in message
    for name in SET_WHAT:
        assert name in message


@pytest.fixture
def terminal(monkeypatch):
    """stdin is a terminal whose user answers `terminal(answer)`."""

    def answer(text: str) -> None:
        monkeypatch.setattr("sys.stdin.isatty", lambda: True)
        monkeypatch.setattr("builtins.input", lambda prompt: text)

    return answer


@pytest.fixture
def no_credentials(monkeypatch, settings, tmp_path):
    """COST_SOURCE=aws with nothing in boto3's credential chain: no keys, no profile files, no instance role."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    settings.COST_SOURCE, settings.AWS_ROLE_ARN, settings.AWS_RETRY_DELAY_SCALE = "aws", "", 0
    return monkeypatch


@pytest.mark.parametrize("kind", ["costs", "tags", "forecast", "optimization", "reconciliation"])
def test_a_scheduled_aws_collection_waits_for_the_go_ahead_and_sends_nothing(aws_source, client_hooks, kind):
    client_hooks.append(lambda service, client: pytest.fail(f"a {service} client was opened"))
    run = run_collection(kind=kind, trigger="schedule")
    assert (run.status, run.error_code, run.ce_requests, run.aws_requests) == ("skipped", "SpendNotConfirmed", 0, {})
    assert "manage.py confirm_first_run" in run.error_message


def test_the_demo_source_does_not_wait(demo_source):
    assert run_collection(kind="costs", trigger="schedule").status == "succeeded"
    assert CostData.objects.exists()


def test_without_a_terminal_the_command_prints_the_estimate_and_confirms_nothing(aws_source):
    out = io.StringIO()
    with mock_aws():
        with pytest.raises(CommandError, match=r"not confirmed \(no terminal.*--yes.*CONFIRM_AWS_SPEND=yes"):
            call_command("confirm_first_run", stdout=out)
        plan = first_run_plan(today=timezone.now().date())
    text = out.getvalue()
    assert "AWS account 123456789012: the first collections fill the history, at USD 0.01" in text
    assert f"  total           about {plan.requests} Cost Explorer requests (USD {plan.requests / 100:.2f})" in text
    for kind in CollectionRun.Kind.values:
        assert f"\n  {kind} " in text
    assert "CE_MONTHLY_REQUEST_BUDGET caps every month's spend: 5000 requests a month (USD 50.00)." in text
    assert not SpendConfirmation.objects.exists()


def test_a_yes_on_the_terminal_records_the_go_ahead_and_schedules_then_spend(aws_source, terminal, client_hooks):
    terminal("y")
    with mock_aws():
        out = call("confirm_first_run")
        confirmation = SpendConfirmation.objects.get()
        assert confirmation.estimated_requests == first_run_plan(today=confirmation.confirmed_at.date()).requests
    assert "Confirmed: scheduled collections now collect from AWS." in out
    stub(client_hooks, "ce", [("get_cost_forecast", "DataUnavailableException")])
    run = run_collection(kind="forecast", trigger="schedule")
    assert (run.error_code, run.ce_requests) == ("DataUnavailableException", 1)  # it asked AWS
    with mock_aws():
        assert "already confirmed by" in call("confirm_first_run")


def test_a_no_on_the_terminal_keeps_schedules_waiting(aws_source, terminal):
    terminal("n")
    with mock_aws(), pytest.raises(CommandError, match="not confirmed: scheduled collections are skipped"):
        call("confirm_first_run")
    assert not SpendConfirmation.objects.exists()


def test_yes_confirms_without_asking_and_the_demo_source_needs_nothing(aws_source, settings):
    with mock_aws():
        call("confirm_first_run", "--yes")
    assert SpendConfirmation.objects.count() == 1
    settings.COST_SOURCE = "demo"
    assert call("confirm_first_run") == "Demo source: nothing is billed, nothing to confirm.\n"


def paused_gauge(client) -> float:
    families = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").content.decode())}
    return families["costmonitor_schedule_paused"].samples[0].value


def test_health_and_metrics_say_the_schedule_is_paused_until_the_go_ahead(aws_source, client, metrics_on_api_port):
    checks = client.get("/health").json()["data"]
    assert checks["status"] == "degraded"
    assert checks["checks"]["schedule"] == {"paused": True, "resume": "python manage.py confirm_first_run"}
    assert paused_gauge(client) == 1.0
    with mock_aws():
        call("confirm_first_run", "--yes")
    cache.clear()  # the health gauges are cached for a few seconds
    assert client.get("/health").json()["data"]["checks"]["schedule"] == {"paused": False}
    assert paused_gauge(client) == 0.0


def test_the_demo_schedule_is_never_paused(demo_source, client, metrics_on_api_port):
    assert client.get("/health").json()["data"]["checks"]["schedule"] == {"paused": False}
    assert paused_gauge(client) == 0.0


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({}, "NoCredentialsError"),
        ({"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"}, "PartialCredentialsError"),
        ({"AWS_PROFILE": "no-such-profile"}, "ProfileNotFound"),
    ],
)
def test_missing_credentials_say_what_to_set_in_the_run_the_commands_and_the_banner(no_credentials, env, error):
    for name, value in env.items():
        no_credentials.setenv(name, value)
    run = run_collection(kind="forecast", trigger="command")
    assert (run.status, run.error_code, run.ce_requests) == ("failed", error, 0)  # nothing was sent: nothing billed
    says_what_to_set(run.error_message)
    out = io.StringIO()
    with pytest.raises(CommandError, match=error):
        call_command("collect", "--kind", "forecast", stdout=out)
    says_what_to_set(out.getvalue().strip())
    with pytest.raises(CommandError) as refused:
        call("confirm_first_run", "--yes")
    says_what_to_set(str(refused.value))
    banner = io.StringIO()
    call_command("run_banner", "--url", "http://127.0.0.1:8000", stdout=banner)
    (data,) = [line for line in banner.getvalue().splitlines() if line.startswith("  Data ")]
    assert data.startswith("  Data       AWS, account unknown: sts:GetCallerIdentity: no usable AWS credentials")
    says_what_to_set(data)
    assert not SpendConfirmation.objects.exists()


# The errors each API we call answers refused credentials with (its common errors): JSON APIs (Cost Explorer,
# Organizations, Compute Optimizer) AccessDeniedException / ExpiredTokenException / UnrecognizedClientException,
# STS (a Query API) AccessDenied / ExpiredToken / InvalidClientTokenId.
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/CommonErrors.html
# https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
IDENTITY = {"UserId": "AIDAEXAMPLE", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/costmonitor"}
REFUSALS = [
    ("costs", "ce", [("get_cost_and_usage", "AccessDeniedException")]),
    ("costs", "ce", [("get_cost_and_usage", "ExpiredTokenException")]),
    ("tags", "ce", [("get_tags", "UnrecognizedClientException")]),
    ("forecast", "ce", [("get_cost_forecast", "AccessDeniedException")]),
    ("reconciliation", "ce", [("get_cost_and_usage", "AccessDeniedException")]),
    ("optimization", "ce", [("get_rightsizing_recommendation", "AccessDeniedException")]),
    ("optimization", "sts", [("get_caller_identity", "ExpiredToken")]),
    ("optimization", "sts", [("get_caller_identity", "InvalidClientTokenId")]),
]


@pytest.mark.parametrize(("kind", "service", "calls"), REFUSALS)
def test_refused_credentials_fail_the_run_saying_what_to_set(aws_source, client_hooks, kind, service, calls):
    if service == "ce" and kind == "optimization":
        stub(client_hooks, "sts", [("get_caller_identity", IDENTITY)])
    stub(client_hooks, service, calls)
    run = run_collection(kind=kind, trigger="command")
    assert (run.status, run.error_code) == ("failed", calls[0][1])
    says_what_to_set(run.error_message)


def test_organizations_and_compute_optimizer_refusals_degrade_the_run_saying_what_to_grant(aws_source, client_hooks):
    stub(client_hooks, "organizations", [("list_accounts", "AccessDeniedException")])
    run = run_collection(kind="accounts", trigger="command")
    assert (run.status, run.error_code) == ("partial", "AccessDeniedException")
    says_what_to_set(run.error_message.split("; account names")[0])
    stub(client_hooks, "sts", [("get_caller_identity", IDENTITY)])
    stub(
        client_hooks,
        "ce",
        [
            ("get_rightsizing_recommendation", {"RightsizingRecommendations": []}),
            ("get_savings_plans_purchase_recommendation", {}),
        ],
    )
    stub(client_hooks, "compute-optimizer", [("get_ec2_instance_recommendations", "AccessDeniedException")])
    run = run_collection(kind="optimization", trigger="command")
    assert (run.status, run.error_code) == ("partial", "AccessDeniedException")
    says_what_to_set(run.error_message)


def test_a_refused_role_says_what_to_set(aws_source, monkeypatch):
    """AWS_ROLE_ARN's AssumeRole refused (sts's AccessDenied), answered by a Stubber on the session's STS client."""
    import boto3

    aws_source.AWS_ROLE_ARN = "arn:aws:iam::123456789012:role/costmonitor"
    original = boto3.Session.client

    def client(self, service, **kwargs):
        created = original(self, service, **kwargs)
        if service == "sts":
            stubber = Stubber(created)
            stubber.add_client_error("assume_role", service_error_code="AccessDenied", http_status_code=403)
            stubber.activate()
        return created

    monkeypatch.setattr(boto3.Session, "client", client)
    run = run_collection(kind="forecast", trigger="command")
    assert (run.status, run.error_code) == ("failed", "AccessDenied")
    assert run.error_message.startswith("opening the AWS session: AWS refused the call")
    says_what_to_set(run.error_message)


def test_the_readme_states_the_first_day_of_a_typical_organization_as_the_estimate_code_computes_it(aws_source):
    """README "Connect your AWS account": 50 accounts x 20 services, listed by Organizations, no history yet."""
    from tests.processes import ROOT

    for n in range(50):
        factories.AwsAccountFactory(account_id=f"{n:012d}")
    plan = first_run_plan(today=timezone.now().date())  # the accounts are stored: no AWS call
    readme = " ".join((ROOT / "README.md").read_text().split())
    requests = {kind.kind: kind.requests for kind in plan.kinds}
    assert f"about **{plan.requests} requests (USD {plan.requests / 100:.2f})**" in readme
    by_kind = ", ".join(f"{kind} {requests[kind]}" for kind in ("costs", "tags", "forecast", "optimization"))
    assert (
        by_kind.replace(
            ", tags",
            " (91 days of 1,000 account-service groups a day, 500 a page, and the same days by charge type), tags",
        ).replace(", forecast", " (`GetTags` and the history of one key), forecast")
        in readme
    )
    later = ", ".join(
        f"{kind.replace('_', ' ')} {requests[kind]}" for kind in ("commitments", "cost_categories", "anomalies")
    )
    assert f"reconciliation {requests['reconciliation']}, {later} (budgets: AWS Budgets is free)" in readme
    assert requests["budgets"] == 0
    # The daily figure is bench/ce_requests.py's, rounded (README, Collection).
    assert f"then the default schedule about {DAILY} requests" in readme
    assert f"about **USD {(plan.requests + DAILY) / 100:.2f} the first day**" in readme


def test_the_admin_shows_the_go_ahead_and_deleting_it_pauses_the_schedules_again(aws_source, staff_client):
    from django.urls import reverse

    confirmation = SpendConfirmation.objects.create(confirmed_by="ops", estimated_requests=234)
    page = staff_client.get(reverse("admin:collection_spendconfirmation_changelist"))
    assert b"ops" in page.content
    assert b"234" in page.content
    url = reverse("admin:collection_spendconfirmation_delete", args=[confirmation.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assert run_collection(kind="forecast", trigger="schedule").error_code == "SpendNotConfirmed"
