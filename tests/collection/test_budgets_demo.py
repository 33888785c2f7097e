"""The demo source's budgets and anomalies reach the history, the API's selectors and /metrics plausibly."""

import datetime as dt

import botocore.session
import pytest
from botocore.validate import ParamValidator
from django.utils import timezone

from collection.models import AnomalyMonitor, Budget, BudgetNotification, CostAnomaly
from collection.services import run_collection
from collection.services.demo_answers import DemoAnswers

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 18, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(demo_source, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def test_demo_budgets_and_anomalies_are_collected(clock):
    budgets = run_collection(kind="budgets", trigger="command")
    anomalies = run_collection(kind="anomalies", trigger="command")

    assert (budgets.status, anomalies.status) == ("succeeded", "succeeded")
    assert Budget.objects.filter(active=True).count() == 5
    production = Budget.objects.get(name="Production account")
    assert production.forecast > production.limit  # the demo's budget over its limit
    assert production.linked_accounts == ["222222222222"]
    assert BudgetNotification.objects.filter(budget=production).count() == 2
    assert AnomalyMonitor.objects.count() == 2
    assert CostAnomaly.objects.count() >= 4
    assert all(a.monitor_name == "Services" for a in CostAnomaly.objects.all())


def test_the_demo_answers_are_shaped_as_the_service_models_say(clock):
    """Each demo answer of AWS Budgets and Cost Anomaly Detection passes botocore's validation of the operation's
    output shape, as a Stubber's answer must."""
    answers, session = DemoAnswers(now=NOW), botocore.session.get_session()
    budgets = answers.budgets_describe_budgets(AccountId=answers.bill.payer)
    calls = {
        ("budgets", "DescribeBudgets"): budgets,
        ("budgets", "DescribeNotificationsForBudget"): answers.budgets_describe_notifications_for_budget(
            AccountId=answers.bill.payer, BudgetName=budgets["Budgets"][0]["BudgetName"]
        ),
        ("ce", "GetAnomalies"): answers.ce_get_anomalies(DateInterval={"StartDate": "2026-02-16"}),
        ("ce", "GetAnomalyMonitors"): answers.ce_get_anomaly_monitors(),
    }
    for (service, operation), answer in calls.items():
        shape = session.get_service_model(service).operation_model(operation).output_shape
        report = ParamValidator().validate(answer, shape)
        assert not report.has_errors(), f"{operation}: {report.generate_report()}"
    assert len(calls["ce", "GetAnomalies"]["Anomalies"]) >= 4  # one a week ending in the 30 days
