"""The commitments collection through botocore's Stubber, which checks every answer and request against the `ce`
and `savingsplans` service models. Answers are shaped as the AWS API reference documents them:
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetSavingsPlansUtilization.html
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetSavingsPlansUtilizationDetails.html
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetSavingsPlansCoverage.html
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetReservationUtilization.html
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetReservationCoverage.html
https://docs.aws.amazon.com/savingsplans/latest/APIReference/API_DescribeSavingsPlans.html
"""

import datetime as dt
from decimal import Decimal

import boto3
import botocore.session
import pytest
from botocore import xform_name
from botocore.stub import Stubber
from django.utils import timezone

from collection import aws
from collection.models import Commitment, CommitmentRatio
from collection.services import run_collection
from tests.collection import test_service_model as model_variants
from tests.collection.helpers import stub

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("spend_confirmed")]

PAYER, MEMBER = "111122223333", "444455556666"
ARN = f"arn:aws:savingsplans::{PAYER}:savingsplan/sp-0001"
NO_DATA = "DataUnavailableException"
SESSION = botocore.session.get_session()
# boto3 method → operation name, per service (get_savings_plans_coverage → GetSavingsPlansCoverage).
OPERATIONS = {
    service: {xform_name(name): name for name in SESSION.get_service_model(service).operation_names}
    for service in ("ce", "savingsplans")
}


def stub_calls(client_hooks: list, service: str, calls: list[tuple[str, dict | str, dict | None]]) -> None:
    """`stub` with the parameters each call must be sent with (None: any)."""

    def hook(created_service, client) -> None:
        if created_service != service:
            return
        stubber = Stubber(client)
        for method, answer, expected in calls:
            if isinstance(answer, str):
                stubber.add_client_error(method, service_error_code=answer, http_status_code=400)
            else:
                stubber.add_response(method, answer, expected)
        stubber.activate()

    client_hooks.append(hook)


def window() -> tuple[dt.date, dt.date]:
    today = timezone.now().date()
    return today - dt.timedelta(days=3), today  # COST_RESTATEMENT_DAYS (3) back, up to yesterday


def period(start: dt.date, end: dt.date) -> dict:
    return {"Start": str(start), "End": str(end)}


def days() -> list[dt.date]:
    start, end = window()
    return [start + dt.timedelta(days=i) for i in range((end - start).days)]


def daily(key: str, value: dict) -> list[dict]:
    return [{"TimePeriod": period(d, d + dt.timedelta(days=1)), key: value} for d in days()]


def full_answers(*, plan_type: str = "Compute", state: str = "active") -> tuple[list, list]:
    """(ce calls, savingsplans calls) of an organization with one Savings Plan and one reservation, with pages."""
    start, end = window()
    grouped = {"TimePeriod": period(start, end)}
    yesterday = end - dt.timedelta(days=1)
    ce = [
        (
            "get_savings_plans_utilization",
            {
                "SavingsPlansUtilizationsByTime": [
                    {**entry, "Savings": {"NetSavings": "12.5"}}
                    for entry in daily("Utilization", {"TotalCommitment": "100", "UtilizationPercentage": "87.5"})
                ],
                "Total": {"Utilization": {"UtilizationPercentage": "87.5"}},
            },
            {"TimePeriod": grouped["TimePeriod"], "Granularity": "DAILY"},
        ),
        (  # two pages (NextToken)
            "get_savings_plans_coverage",
            {"SavingsPlansCoverages": daily("Coverage", {"CoveragePercentage": "60"})[:2], "NextToken": "page2"},
            {"TimePeriod": grouped["TimePeriod"], "Granularity": "DAILY", "MaxResults": 1000},
        ),
        (
            "get_savings_plans_coverage",
            {"SavingsPlansCoverages": daily("Coverage", {"CoveragePercentage": "60"})[2:]},
            {"TimePeriod": grouped["TimePeriod"], "Granularity": "DAILY", "MaxResults": 1000, "NextToken": "page2"},
        ),
        ("get_reservation_utilization", {"UtilizationsByTime": daily("Total", {"UtilizationPercentage": "100"})}, None),
        (
            "get_reservation_coverage",
            {"CoveragesByTime": daily("Total", {"CoverageHours": {"CoverageHoursPercentage": "25.5"}})},
            None,
        ),
        (
            "get_reservation_coverage",
            {
                "CoveragesByTime": [
                    {
                        "TimePeriod": period(yesterday, end),
                        "Groups": [
                            {
                                "Attributes": {"linkedAccount": MEMBER},
                                "Coverage": {"CoverageHours": {"CoverageHoursPercentage": "40"}},
                            }
                        ],
                    }
                ]
            },
            {
                "TimePeriod": period(yesterday, end),
                "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}],
                "MaxResults": 1000,
            },
        ),
        (  # two pages (NextToken)
            "get_savings_plans_utilization_details",
            {"SavingsPlansUtilizationDetails": [], "TimePeriod": grouped["TimePeriod"], "NextToken": "next"},
            None,
        ),
        (
            "get_savings_plans_utilization_details",
            {
                "SavingsPlansUtilizationDetails": [
                    {"SavingsPlanArn": ARN, "Utilization": {"UtilizationPercentage": "90"}}
                ],
                "TimePeriod": grouped["TimePeriod"],
            },
            {**grouped, "DataType": ["UTILIZATION"], "MaxResults": 1000, "NextToken": "next"},
        ),
        (
            "get_reservation_utilization",
            {
                "UtilizationsByTime": [
                    {
                        **grouped,
                        "Groups": [
                            {
                                "Key": "SUBSCRIPTION_ID",
                                "Value": "1234567890",
                                "Attributes": {
                                    "accountId": MEMBER,
                                    "instanceType": "m5.xlarge",
                                    "endDateTime": "2031-01-15T09:30:00.000Z",
                                },
                                "Utilization": {"UtilizationPercentage": "75"},
                            }
                        ],
                    }
                ]
            },
            {**grouped, "GroupBy": [{"Type": "DIMENSION", "Key": "SUBSCRIPTION_ID"}], "MaxResults": 1000},
        ),
    ]
    plan = {
        "savingsPlanId": "sp-0001",
        "savingsPlanArn": ARN,
        "start": "2026-01-01T00:00:00.000Z",
        "end": "2030-01-01T00:00:00.000Z",
        "state": state,
        "savingsPlanType": plan_type,
        "currency": "USD",
        "commitment": "2.5",
    }
    savingsplans = [  # two pages (nextToken)
        (
            "describe_savings_plans",
            {"savingsPlans": [], "nextToken": "t2"},
            {"states": ["active", "queued"], "maxResults": 1000},
        ),
        (
            "describe_savings_plans",
            {"savingsPlans": [plan]},
            {"states": ["active", "queued"], "maxResults": 1000, "nextToken": "t2"},
        ),
    ]
    return ce, savingsplans


@pytest.fixture
def caller(client_hooks):
    stub(
        client_hooks,
        "sts",
        [("get_caller_identity", {"UserId": "AIDA", "Account": PAYER, "Arn": "arn:aws:iam::1:user/x"})],
    )


def series() -> dict:
    return {
        (row.date, row.commitment_type, row.measure, row.account_id): row.ratio for row in CommitmentRatio.objects.all()
    }


def test_every_series_and_commitment_is_stored_through_every_page(aws_source, client_hooks, caller):
    ce, savingsplans = full_answers()
    stub_calls(client_hooks, "ce", ce)
    stub_calls(client_hooks, "savingsplans", savingsplans)

    run = run_collection(kind="commitments", trigger="command")

    assert run.status == "succeeded", run.error_message
    assert run.ce_requests == 9  # seven queries, two of them on two pages
    assert run.aws_requests["savingsplans:DescribeSavingsPlans"] == 2
    stored, yesterday = series(), window()[1] - dt.timedelta(days=1)
    for day in days():
        assert stored[day, "savings_plans", "utilization", ""] == Decimal("0.875")
        assert stored[day, "savings_plans", "coverage", ""] == Decimal("0.6")
        assert stored[day, "reservations", "utilization", ""] == Decimal("1")
        assert stored[day, "reservations", "coverage", ""] == Decimal("0.255")
    assert stored[yesterday, "reservations", "coverage", MEMBER] == Decimal("0.4")
    assert len(stored) == 4 * len(days()) + 1
    plan = Commitment.objects.get(commitment_type="savings_plans")
    assert (plan.commitment_id, plan.account_id, plan.description, plan.utilization) == (
        "sp-0001",
        PAYER,
        "Compute",
        Decimal("0.9"),
    )
    assert plan.ends_at == dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    reservation = Commitment.objects.get(commitment_type="reservations")
    assert (reservation.commitment_id, reservation.account_id, reservation.utilization) == (
        "1234567890",
        MEMBER,
        Decimal("0.75"),
    )
    assert reservation.ends_at == dt.datetime(2031, 1, 15, 9, 30, tzinfo=dt.UTC)


def test_enums_in_other_casings_are_stored_as_the_service_model_spells_them(aws_source, client_hooks, caller):
    ce, savingsplans = full_answers(plan_type="COMPUTE", state="ACTIVE")
    stub_calls(client_hooks, "ce", ce)
    stub_calls(client_hooks, "savingsplans", savingsplans)

    run = run_collection(kind="commitments", trigger="command")

    assert run.status == "succeeded", run.error_message
    plan = Commitment.objects.get(commitment_type="savings_plans")
    assert (plan.description, plan.details["state"]) == ("Compute", "active")


def no_commitments(client_hooks) -> None:
    """What AWS answers an organization without Savings Plans or reservations: DataUnavailableException from each
    Cost Explorer operation, and an empty list of plans."""
    stub_calls(
        client_hooks,
        "ce",
        [
            (method, NO_DATA, None)
            for method in [
                "get_savings_plans_utilization",
                "get_savings_plans_coverage",
                "get_reservation_utilization",
                "get_reservation_coverage",
                "get_reservation_coverage",
                "get_savings_plans_utilization_details",
                "get_reservation_utilization",
            ]
        ],
    )
    stub_calls(client_hooks, "savingsplans", [("describe_savings_plans", {"savingsPlans": []}, None)])


def test_an_organization_without_commitments_gets_a_succeeded_run_and_an_empty_dataset(
    aws_source, client_hooks, caller
):
    no_commitments(client_hooks)

    run = run_collection(kind="commitments", trigger="schedule")

    assert (run.status, run.error_code, run.rows_written) == ("succeeded", "", 0)
    assert run.ce_requests == 7
    assert not CommitmentRatio.objects.exists()
    assert not Commitment.objects.exists()


def test_no_data_deletes_no_history(aws_source, client_hooks, caller):
    old = timezone.now().date() - dt.timedelta(days=40)
    CommitmentRatio.objects.create(date=old, commitment_type="reservations", measure="coverage", ratio=Decimal("0.5"))
    Commitment.objects.create(
        commitment_type="reservations",
        commitment_id="r-1",
        ends_at=timezone.now() + dt.timedelta(days=90),
        last_seen=timezone.now(),
    )
    no_commitments(client_hooks)

    run = run_collection(kind="commitments", trigger="schedule")

    assert run.status == "succeeded", run.error_message
    assert CommitmentRatio.objects.get().ratio == Decimal("0.5")
    assert Commitment.objects.get(commitment_id="r-1").active  # "no data" is no answer about it


def test_every_optional_member_absent_stores_nothing_and_succeeds(aws_source, client_hooks, caller):
    start, end = window()
    ce = [
        (
            "get_savings_plans_utilization",
            {
                "SavingsPlansUtilizationsByTime": [{"TimePeriod": period(start, end), "Utilization": {}}],
                "Total": {"Utilization": {}},
            },
            None,
        ),
        ("get_savings_plans_coverage", {"SavingsPlansCoverages": [{}]}, None),
        ("get_reservation_utilization", {"UtilizationsByTime": [{}]}, None),
        ("get_reservation_coverage", {"CoveragesByTime": [{}]}, None),
        ("get_reservation_coverage", {"CoveragesByTime": [{"Groups": [{}]}]}, None),
        (
            "get_savings_plans_utilization_details",
            {"SavingsPlansUtilizationDetails": [{}], "TimePeriod": period(start, end)},
            None,
        ),
        ("get_reservation_utilization", {"UtilizationsByTime": [{"Groups": [{}]}]}, None),
    ]
    stub_calls(client_hooks, "ce", ce)
    stub_calls(
        client_hooks, "savingsplans", [("describe_savings_plans", {"savingsPlans": [{"savingsPlanId": "sp-9"}]}, None)]
    )

    run = run_collection(kind="commitments", trigger="command")

    # The reservation group without its Value is unreadable: skipped and counted, the plan without a term stored.
    assert (run.status, run.skipped_entries) == ("succeeded", 1), run.error_message
    assert not CommitmentRatio.objects.exists()
    plan = Commitment.objects.get()
    assert (plan.commitment_id, plan.ends_at, plan.utilization) == ("sp-9", None, None)


def test_a_percentage_beyond_100_fails_the_run_and_keeps_the_history(aws_source, client_hooks, caller):
    old = timezone.now().date() - dt.timedelta(days=40)
    CommitmentRatio.objects.create(date=old, commitment_type="savings_plans", measure="utilization", ratio=Decimal("1"))
    bad = {
        "SavingsPlansUtilizationsByTime": daily("Utilization", {"UtilizationPercentage": "250"}),
        "Total": {"Utilization": {}},
    }
    stub_calls(client_hooks, "ce", [("get_savings_plans_utilization", bad, None)])

    run = run_collection(kind="commitments", trigger="command")

    assert (run.status, run.error_code) == ("failed", "MalformedResponse")
    assert "250" in run.error_message
    assert list(CommitmentRatio.objects.values_list("date", flat=True)) == [old]


def test_ce_requests_of_a_run_are_pinned(demo_source, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = run_collection(kind="commitments", trigger="schedule")

    assert run.status == "succeeded", run.error_message
    assert {k: n for k, n in run.aws_requests.items() if k.startswith("ce:")} == {
        "ce:GetSavingsPlansUtilization": 1,
        "ce:GetSavingsPlansUtilizationDetails": 1,
        "ce:GetSavingsPlansCoverage": 1,
        "ce:GetReservationUtilization": 2,  # daily, and by SUBSCRIPTION_ID for the terms
        "ce:GetReservationCoverage": 2,  # daily, and by LINKED_ACCOUNT for yesterday
    }
    assert run.aws_requests["savingsplans:DescribeSavingsPlans"] == 1


def one_page(calls: list) -> list:
    """`calls` with each query's pages merged into one answer (what the variants below vary)."""
    merged = []
    for method, answer, _ in calls:
        if merged and merged[-1][0] == method and {"NextToken", "nextToken"} & set(merged[-1][1]):
            previous = merged.pop()[1]
            lists = {k: v + answer.get(k, []) for k, v in previous.items() if isinstance(v, list)}
            answer = {**answer, **lists}
        merged.append((method, answer, None))
    return [(m, {k: v for k, v in a.items() if k not in ("NextToken", "nextToken")}, e) for m, a, e in merged]


# The enums a run stores (as the service model spells them); the others vary together.
STORED_ENUMS = {"savingsPlans.0.savingsPlanType", "savingsPlans.0.state", "savingsPlans.0.paymentOption"}
IDENTITY = {"UserId": "AIDA", "Account": PAYER, "Arn": f"arn:aws:iam::{PAYER}:user/costmonitor"}


@pytest.mark.variants
def test_every_variant_of_every_answer_is_stored_or_fails_clearly(aws_source, client_hooks, settings, monkeypatch):
    """Each answer completed with every member botocore's output shape declares, then each optional member absent
    in turn and each enum in every documented value and another case: the run succeeds, or fails with a clear code
    and the history intact (never an internal error), and the history is never deleted."""
    shared = boto3.Session(region_name=settings.AWS_REGION)  # one session: the models load once for every run
    monkeypatch.setattr(aws, "build_session", lambda: shared)
    ce, savingsplans = full_answers()
    calls = [("ce", *c[:2]) for c in one_page(ce)] + [("savingsplans", *c[:2]) for c in one_page(savingsplans)]
    old = timezone.now().date() - dt.timedelta(days=40)
    CommitmentRatio.objects.create(date=old, commitment_type="reservations", measure="coverage", ratio=Decimal("0.5"))
    wrong, runs = [], 0
    for index, (service, method, answer) in enumerate(calls):
        model = SESSION.get_service_model(service)
        shape = model.operation_model(OPERATIONS[service][method]).output_shape
        complete = model_variants.completed(answer, shape)
        for variant in model_variants.variants(complete, shape, stored=STORED_ENUMS):
            client_hooks.clear()
            stub(client_hooks, "sts", [("get_caller_identity", IDENTITY)])
            by_service: dict[str, list] = {}
            for position, (name, m, a) in enumerate(calls):
                by_service.setdefault(name, []).append((m, variant.answer if position == index else a, None))
            for name, answers in by_service.items():
                stub_calls(client_hooks, name, answers)
            Commitment.objects.all().delete()
            run = run_collection(kind="commitments", trigger="command")
            runs += 1
            label = f"{method}: {variant.label}"
            if not CommitmentRatio.objects.filter(date=old).exists():
                wrong.append(f"{label}: deleted history")
            if run.status == "failed" and (run.error_code not in model_variants.CLEAR_CODES or not variant.dropped):
                wrong.append(f"{label}: failed with {run.error_code}: {run.error_message}")
            elif run.status != "failed" and variant.documented and dotted_path(variant) in STORED_ENUMS:
                plan = Commitment.objects.get(commitment_type="savings_plans")
                if variant.documented not in (plan.description, *plan.details.values()):
                    wrong.append(f"{label}: stored {plan.description} {plan.details}")
    assert runs > 50
    assert wrong == []


def dotted_path(variant) -> str:
    return model_variants.dotted(variant.path)
