"""Budgets and anomalies collected from botocore's Stubber, whose answers it checks against the `budgets`, `ce`
and `sts` service models. Shapes as the AWS API reference documents them:

- https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_DescribeBudgets.html
- https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_DescribeNotificationsForBudget.html
- https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetAnomalies.html
- https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetAnomalyMonitors.html
"""

import datetime as dt
from decimal import Decimal

import botocore.session
import pytest
from django.utils import timezone

from collection import budget_models
from collection.models import AnomalyMonitor, AnomalyRootCause, Budget, BudgetNotification, CostAnomaly
from collection.services import run_collection
from tests.collection.helpers import stub
from tests.factories import BudgetFactory, CostAnomalyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("spend_confirmed")]

ACCOUNT, LINKED = "111122223333", "444455556666"
IDENTITY = {"UserId": "AIDA", "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/costmonitor"}
MONITOR = f"arn:aws:ce::{ACCOUNT}:anomalymonitor/0b2c"
START = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
SESSION = botocore.session.get_session()


def casings(value: str) -> list[str]:
    """A documented enum value as documented and in two other casings (answers are compared in any case)."""
    return [value, value.lower(), value.title()]


def every_casing(values: tuple[str, ...]) -> list[str]:
    return [casing for value in values for casing in casings(value)]


def spend(amount: str, unit: str = "USD") -> dict:
    return {"Amount": amount, "Unit": unit}


def full_budget(name: str, **changes) -> dict:
    """A budget with every member DescribeBudgets documents."""
    return {
        "BudgetName": name,
        "BudgetLimit": spend("1000.0"),
        "PlannedBudgetLimits": {"1798761600": spend("1000.0")},
        "CostFilters": {"LinkedAccount": [LINKED], "Service": ["Amazon Elastic Compute Cloud - Compute"]},
        "CostTypes": {"IncludeTax": True, "UseAmortized": False},
        "TimeUnit": "MONTHLY",
        "TimePeriod": {"Start": START, "End": dt.datetime(2087, 6, 15, tzinfo=dt.UTC)},
        "CalculatedSpend": {"ActualSpend": spend("412.5"), "ForecastedSpend": spend("1100.25")},
        "BudgetType": "COST",
        "LastUpdatedTime": START,
        "Metrics": ["UnblendedCost"],
        "HealthStatus": {"Status": "HEALTHY"},
        **changes,
    }


def minimal_budget(name: str, time_unit: str = "MONTHLY", budget_type: str = "COST") -> dict:
    """Only the members DescribeBudgets requires: an auto-adjusted budget before AWS computed anything."""
    return {"BudgetName": name, "TimeUnit": time_unit, "BudgetType": budget_type}


def notification(kind="ACTUAL", operator="GREATER_THAN", threshold=80.0, **optional) -> dict:
    return {"NotificationType": kind, "ComparisonOperator": operator, "Threshold": threshold, **optional}


def budget_calls(pages: list[list[dict]], notifications: dict[str, list[dict] | str]) -> list:
    """DescribeBudgets page by page, then each budget's notifications (a list of them, or an error code)."""
    calls = []
    for number, page in enumerate(pages):
        last = number == len(pages) - 1
        calls.append(("describe_budgets", {"Budgets": page, **({} if last else {"NextToken": f"t{number}"})}))
    for page in pages:
        for budget in page:
            found = notifications.get(budget["BudgetName"], "NotFoundException")
            calls.append(
                ("describe_notifications_for_budget", found if isinstance(found, str) else {"Notifications": found})
            )
    return calls


@pytest.fixture
def budgets_answer(aws_source, client_hooks):
    """`budgets_answer(calls)`: the next budgets run reads STS's identity, then `calls` from AWS Budgets."""

    def answer(calls: list):
        client_hooks.clear()
        stub(client_hooks, "sts", [("get_caller_identity", IDENTITY)])
        stub(client_hooks, "budgets", calls)
        return run_collection(kind="budgets", trigger="schedule")

    return answer


def test_budgets_every_page_with_thresholds_counted_but_not_billed(budgets_answer):
    pages = [[full_budget("Organization")], [minimal_budget("Auto-adjusted")]]
    thresholds = [
        notification(threshold=80.0, ThresholdType="PERCENTAGE", NotificationState="ALARM"),
        notification("FORECASTED", threshold=100.0),  # ThresholdType and NotificationState left out
    ]
    run = budgets_answer(budget_calls(pages, {"Organization": thresholds, "Auto-adjusted": []}))

    assert run.status == "succeeded", run.error_message
    assert run.aws_requests == {
        "budgets:DescribeBudgets": 2,
        "budgets:DescribeNotificationsForBudget": 2,
        "sts:GetCallerIdentity": 1,
    }
    assert (run.ce_requests, run.ce_cost_usd) == (0, 0)  # the Budgets API is free
    organization = Budget.objects.get(name="Organization")
    assert (organization.account_id, organization.limit, organization.actual, organization.forecast) == (
        ACCOUNT,
        Decimal("1000.0"),
        Decimal("412.5"),
        Decimal("1100.25"),
    )
    assert (organization.unit, organization.period_start, organization.linked_accounts) == ("USD", START, [LINKED])
    assert organization.cost_filters["CostFilters"]["LinkedAccount"] == [LINKED]
    assert list(
        organization.notifications.values_list("notification_type", "threshold", "threshold_type", "state")
    ) == [
        ("ACTUAL", Decimal("80"), "PERCENTAGE", "ALARM"),
        ("FORECASTED", Decimal("100"), "", ""),
    ]
    auto = Budget.objects.get(name="Auto-adjusted")  # every optional member absent
    assert (auto.limit, auto.actual, auto.forecast, auto.unit, auto.linked_accounts) == (None, None, None, "", [])


def test_every_documented_enum_value_in_any_casing_is_read(budgets_answer):
    model = SESSION.get_service_model("budgets")
    assert tuple(model.shape_for("TimeUnit").enum) == budget_models.TIME_UNITS
    assert tuple(model.shape_for("BudgetType").enum) == budget_models.BUDGET_TYPES
    assert tuple(model.shape_for("ThresholdType").enum) == budget_models.THRESHOLD_TYPES
    assert tuple(model.shape_for("ComparisonOperator").enum) == budget_models.COMPARISON_OPERATORS
    assert tuple(model.shape_for("NotificationState").enum) == budget_models.NOTIFICATION_STATES
    assert tuple(model.shape_for("NotificationType").enum) == budget_models.NOTIFICATION_TYPES
    budgets = [
        minimal_budget(f"{unit}-{kind}", time_unit=unit_case, budget_type=kind_case)
        for unit in budget_models.TIME_UNITS
        for kind in budget_models.BUDGET_TYPES
        for unit_case, kind_case in zip(casings(unit), casings(kind), strict=True)
        if unit_case == unit or kind_case != kind  # each value in each casing, not every combination
    ]
    budgets = list({b["BudgetName"] + b["TimeUnit"] + b["BudgetType"]: b for b in budgets}.values())
    budgets = [{**b, "BudgetName": f"{i}-{b['BudgetName']}"} for i, b in enumerate(budgets)]
    operators = budget_models.COMPARISON_OPERATORS
    columns = {
        "kind": every_casing(budget_models.NOTIFICATION_TYPES),
        "operator": every_casing(operators),
        "type": every_casing(budget_models.THRESHOLD_TYPES),
        "state": every_casing(budget_models.NOTIFICATION_STATES),
    }
    thresholds = [
        notification(
            columns["kind"][i % 6],
            operator,
            10.0 * i,
            ThresholdType=columns["type"][i % 6],
            **({"NotificationState": columns["state"][i]} if i < 6 else {}),
        )
        for i, operator in enumerate(columns["operator"])
    ]
    run = budgets_answer(budget_calls([budgets], {budgets[0]["BudgetName"]: thresholds}))

    assert run.status == "succeeded", run.error_message
    assert run.skipped_entries == 0
    stored = set(Budget.objects.values_list("time_unit", "budget_type"))
    assert {unit for unit, _ in stored} == set(budget_models.TIME_UNITS)
    assert {kind for _, kind in stored} == set(budget_models.BUDGET_TYPES)
    notifications = BudgetNotification.objects.all()
    assert {n.comparison_operator for n in notifications} == set(operators)
    assert {n.threshold_type for n in notifications} == set(budget_models.THRESHOLD_TYPES)
    assert {n.state for n in notifications} == {*budget_models.NOTIFICATION_STATES, ""}


@pytest.mark.parametrize("empty", ["NotFoundException", {}, {"Budgets": []}], ids=["not-found", "absent", "empty"])
def test_an_account_without_budgets_succeeds_and_retires_what_was_stored(budgets_answer, empty):
    BudgetFactory(name="Deleted in AWS", account_id=ACCOUNT)
    run = budgets_answer([("describe_budgets", empty)])

    assert run.status == "succeeded", run.error_message
    # A complete answer with no budget: AWS has none any more. Kept, inactive: gone from the API and /metrics.
    assert list(Budget.objects.values_list("name", "active")) == [("Deleted in AWS", False)]


def test_a_budget_deleted_in_aws_disappears_and_comes_back_if_recreated(budgets_answer, api_client):
    BudgetFactory(name="Kept", account_id=ACCOUNT)
    BudgetFactory(name="Deleted", account_id=ACCOUNT)
    run = budgets_answer(budget_calls([[full_budget("Kept")]], {}))

    assert run.status == "succeeded", run.error_message
    assert dict(Budget.objects.values_list("name", "active")) == {"Kept": True, "Deleted": False}
    assert [b["name"] for b in api_client.get("/api/budgets").json()["data"]] == ["Kept"]


@pytest.mark.parametrize("error", ["AccessDeniedException", "ExpiredNextTokenException", "InvalidParameterException"])
def test_a_failed_answer_keeps_every_budget(budgets_answer, error):
    BudgetFactory(name="Stored", account_id=ACCOUNT, limit=Decimal(5))
    run = budgets_answer(
        [("describe_budgets", {"Budgets": [full_budget("New")], "NextToken": "t"}), ("describe_budgets", error)]
    )

    assert run.status == "failed"
    assert run.error_code == error
    assert list(Budget.objects.values_list("name", "active", "limit")) == [("Stored", True, Decimal(5))]


def test_an_unreadable_budget_is_skipped_and_retires_nothing(budgets_answer):
    BudgetFactory(name="Maybe the unreadable one", account_id=ACCOUNT)
    answer = {"Budgets": [full_budget("Good"), minimal_budget("Odd", time_unit="FORTNIGHTLY")]}
    run = budgets_answer([("describe_budgets", answer), ("describe_notifications_for_budget", "NotFoundException")])

    assert run.status == "succeeded", run.error_message
    assert run.skipped_entries == 1
    assert dict(Budget.objects.values_list("name", "active")) == {"Good": True, "Maybe the unreadable one": True}


def test_budgets_in_other_units_are_stored_and_mixed_units_are_refused(budgets_answer):
    usage = full_budget("Storage", BudgetLimit=spend("5000", "GB"), CalculatedSpend={"ActualSpend": spend("10", "GB")})
    mixed = full_budget("Mixed", CalculatedSpend={"ActualSpend": spend("10", "EUR")})
    lower = full_budget("Lower", BudgetLimit=spend("10", "usd"), CalculatedSpend={"ActualSpend": spend("1", "usd")})
    notifications = [("describe_notifications_for_budget", "NotFoundException")] * 2  # the readable budgets'
    run = budgets_answer([("describe_budgets", {"Budgets": [usage, mixed, lower]}), *notifications])

    assert run.skipped_entries == 1
    assert dict(Budget.objects.values_list("name", "unit")) == {"Storage": "GB", "Lower": "USD"}


def anomaly(anomaly_id: str, **changes) -> dict:
    """An anomaly with every member GetAnomalies documents."""
    today = timezone.now().date()
    return {
        "AnomalyId": anomaly_id,
        "AnomalyStartDate": str(today - dt.timedelta(days=3)),
        "AnomalyEndDate": f"{today - dt.timedelta(days=1)}T00:00:00Z",
        "DimensionValue": "Amazon Elastic Compute Cloud - Compute",
        "RootCauses": [
            {
                "Service": "Amazon Elastic Compute Cloud - Compute",
                "Region": "us-east-1",
                "LinkedAccount": LINKED,
                "LinkedAccountName": "production",
                "UsageType": "USE1-BoxUsage:m5.4xlarge",
                "Impact": {"Contribution": 300.5},
            },
            {"Service": "AWS Lambda", "LinkedAccount": ACCOUNT, "Impact": {"Contribution": 12.25}},
        ],
        "AnomalyScore": {"MaxScore": 0.8, "CurrentScore": 0.5},
        "Impact": {
            "MaxImpact": 120.0,
            "TotalImpact": 312.75,
            "TotalActualSpend": 900.0,
            "TotalExpectedSpend": 587.25,
            "TotalImpactPercentage": 53.26,
        },
        "MonitorArn": MONITOR,
        "Feedback": "YES",
        **changes,
    }


MINIMAL_ANOMALY = {
    "AnomalyId": "minimal",
    "AnomalyScore": {"MaxScore": 0.3, "CurrentScore": 0.1},
    "Impact": {"MaxImpact": 15.5},
    "MonitorArn": MONITOR,
}
MONITORS = {
    "AnomalyMonitors": [
        {
            "MonitorArn": MONITOR,
            "MonitorName": "Services",
            "CreationDate": "2025-01-02",
            "LastUpdatedDate": "2025-01-02",
            "LastEvaluatedDate": "2026-11-30",
            "MonitorType": "DIMENSIONAL",
            "MonitorDimension": "SERVICE",
            "DimensionalValueCount": 42,
        }
    ]
}


@pytest.fixture
def anomalies_answer(aws_source, client_hooks):
    def answer(calls: list):
        client_hooks.clear()
        stub(client_hooks, "ce", calls)
        return run_collection(kind="anomalies", trigger="schedule")

    return answer


def test_anomalies_every_page_monitors_once_a_day_and_billed(anomalies_answer, django_capture_on_commit_callbacks):
    first = {"Anomalies": [anomaly("a-1")], "NextPageToken": "p2"}
    with django_capture_on_commit_callbacks(execute=True):
        run = anomalies_answer(
            [
                ("get_anomaly_monitors", MONITORS),
                ("get_anomalies", first),
                ("get_anomalies", {"Anomalies": [MINIMAL_ANOMALY]}),
            ]
        )

    assert run.status == "succeeded", run.error_message
    assert run.aws_requests == {"ce:GetAnomalies": 2, "ce:GetAnomalyMonitors": 1}
    assert (run.ce_requests, run.ce_cost_usd) == (3, Decimal("0.03"))  # Cost Explorer bills each
    stored = CostAnomaly.objects.get(anomaly_id="a-1")
    today = timezone.now().date()
    assert (stored.monitor_name, stored.start_date, stored.end_date) == (
        "Services",
        today - dt.timedelta(days=3),
        today - dt.timedelta(days=1),
    )
    assert (stored.account_id, stored.service, stored.total_impact, stored.feedback) == (
        LINKED,
        "Amazon Elastic Compute Cloud - Compute",
        Decimal("312.75"),
        "YES",
    )
    assert list(stored.root_causes.values_list("account_id", "contribution")) == [
        (LINKED, Decimal("300.5")),
        (ACCOUNT, Decimal("12.25")),
    ]
    minimal = CostAnomaly.objects.get(anomaly_id="minimal")  # every optional member absent
    assert (minimal.start_date, minimal.end_date, minimal.total_impact, minimal.feedback, minimal.account_id) == (
        None,
        None,
        None,
        "",
        "",
    )
    assert AnomalyMonitor.objects.get().name == "Services"

    # Within the day, a scheduled run asks for the anomalies only: one billed request.
    again = anomalies_answer([("get_anomalies", {"Anomalies": []})])
    assert again.aws_requests == {"ce:GetAnomalies": 1}


def test_every_feedback_value_in_any_casing_is_read(anomalies_answer):
    model = SESSION.get_service_model("ce")
    assert tuple(model.shape_for("AnomalyFeedbackType").enum) == budget_models.FEEDBACK
    assert tuple(model.shape_for("MonitorType").enum) == budget_models.MONITOR_TYPES
    answers = [anomaly(f"{i}", Feedback=value) for i, value in enumerate(every_casing(budget_models.FEEDBACK))]
    run = anomalies_answer(
        [("get_anomaly_monitors", {"AnomalyMonitors": []}), ("get_anomalies", {"Anomalies": answers})]
    )

    assert run.skipped_entries == 0
    assert sorted(CostAnomaly.objects.values_list("feedback", flat=True)) == sorted(
        value for value in budget_models.FEEDBACK for _ in range(3)
    )


def test_an_organization_without_anomalies_keeps_its_history(anomalies_answer):
    CostAnomalyFactory(anomaly_id="from-last-month", root_causes__account_id=LINKED)
    run = anomalies_answer([("get_anomaly_monitors", {"AnomalyMonitors": []}), ("get_anomalies", {"Anomalies": []})])

    assert run.status == "succeeded", run.error_message
    assert list(CostAnomaly.objects.values_list("anomaly_id", flat=True)) == ["from-last-month"]
    assert AnomalyRootCause.objects.count() == 1


def test_a_failed_anomaly_answer_changes_nothing(anomalies_answer):
    CostAnomalyFactory(anomaly_id="a-1", total_impact=Decimal(5))
    run = anomalies_answer(
        [
            ("get_anomaly_monitors", MONITORS),
            ("get_anomalies", {"Anomalies": [anomaly("a-1")], "NextPageToken": "p2"}),
            ("get_anomalies", "LimitExceededException"),
        ]
    )

    assert run.status == "failed"
    assert CostAnomaly.objects.get().total_impact == Decimal(5)
    assert not AnomalyMonitor.objects.exists()
