"""Reconciliation: stored monthly totals against Cost Explorer's MONTHLY answer, its command, gauge and estimate."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django_celery_beat.models import PeriodicTask
from prometheus_client.parser import text_string_to_metric_families

from collection.kinds import kind_spec
from collection.models import CollectionRun, Reconciliation, SeededSchedule
from collection.services import run_collection
from collection.task_names import COLLECT_TASK
from tests import factories
from tests.collection.helpers import stub

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("spend_confirmed")]  # scheduled AWS runs

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
FEBRUARY = (dt.date(2026, 2, 1), dt.date(2026, 3, 1))
MATCHING, MISSING, UNKNOWN = "111122223333", "444455556666", "777788889999"
EC2 = "Amazon Elastic Compute Cloud - Compute"


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def call(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def month_result(period: tuple[dt.date, dt.date], groups: list[tuple[str, str, str, str]]) -> dict:
    """One MONTHLY ResultsByTime entry of LINKED_ACCOUNT groups: (account, unblended, amortized, currency)."""
    return {
        "TimePeriod": {"Start": str(period[0]), "End": str(period[1])},
        "Total": {},
        "Groups": [
            {
                "Keys": [account],
                "Metrics": {
                    "UnblendedCost": {"Amount": unblended, "Unit": unit},
                    "AmortizedCost": {"Amount": amortized, "Unit": unit},
                },
            }
            for account, unblended, amortized, unit in groups
        ],
        "Estimated": False,
    }


@pytest.fixture
def stored_february():
    """February as stored: MATCHING 2 days of 10.00 (amortized 9.00), MISSING 3.00 (2.00) that CE does not report."""
    for day in (dt.date(2026, 2, 1), dt.date(2026, 2, 28)):
        factories.CostDataFactory(
            account=factories.AwsAccountFactory(account_id=MATCHING),
            date=day,
            unblended_cost=Decimal("10.00"),
            amortized_cost=Decimal("9.00"),
        )
    # A region row repeats the all-regions total; a day of March is another month: neither counts.
    factories.CostDataFactory(account_id=MATCHING, date=dt.date(2026, 2, 1), region="us-east-1")
    factories.CostDataFactory(account_id=MATCHING, date=dt.date(2026, 3, 1))
    factories.CostDataFactory(
        account=factories.AwsAccountFactory(account_id=MISSING),
        date=dt.date(2026, 2, 14),
        service=EC2,
        unblended_cost=Decimal("3.00"),
        amortized_cost=Decimal("2.00"),
    )


def captured_requests(client_hooks) -> list[dict]:
    """The parameters of every GetCostAndUsage request the run sends."""
    sent = []

    def hook(service, client) -> None:
        client.meta.events.register(
            "provide-client-params.ce.GetCostAndUsage", lambda params, **_: sent.append(dict(params))
        )

    client_hooks.append(hook)
    return sent


def totals() -> dict[tuple[str, str, str], tuple[Decimal, Decimal, Decimal]]:
    return {
        (r.account_id, r.metric, r.currency): (r.stored, r.reported, r.difference)
        for r in Reconciliation.objects.filter(period_start=FEBRUARY[0], period_end=FEBRUARY[1])
    }


def test_the_last_closed_month_is_checked_in_one_query_every_page_and_account_included(
    aws_source, client_hooks, stored_february
):
    first = {**month_result(FEBRUARY, [(MATCHING, "21.50", "18.00", "USD")]), "Estimated": True}
    pages = [
        {"ResultsByTime": [first], "NextPageToken": "page-2"},
        {"ResultsByTime": [month_result(FEBRUARY, [(UNKNOWN, "5.00", "4.00", "USD")])]},
    ]
    sent = captured_requests(client_hooks)
    stub(client_hooks, "ce", [("get_cost_and_usage", page) for page in pages])

    run = run_collection(kind="reconciliation", trigger="schedule")

    assert (run.status, run.ce_requests, run.rows_written) == ("succeeded", 2, 6), run.error_message
    assert (run.window_start, run.window_end) == FEBRUARY
    assert sent[0] == {
        "TimePeriod": {"Start": "2026-02-01", "End": "2026-03-01"},
        "Granularity": "MONTHLY",
        "Metrics": ["UnblendedCost", "AmortizedCost"],
        "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}],
    }
    assert sent[1]["NextPageToken"] == "page-2"
    assert totals() == {
        (MATCHING, "unblended", "USD"): (Decimal("20.00"), Decimal("21.50"), Decimal("1.50")),
        (MATCHING, "amortized", "USD"): (Decimal("18.00"), Decimal("18.00"), Decimal("0")),
        (MISSING, "unblended", "USD"): (Decimal("3.00"), Decimal("0"), Decimal("-3.00")),
        (MISSING, "amortized", "USD"): (Decimal("2.00"), Decimal("0"), Decimal("-2.00")),
        (UNKNOWN, "unblended", "USD"): (Decimal("0"), Decimal("5.00"), Decimal("5.00")),
        (UNKNOWN, "amortized", "USD"): (Decimal("0"), Decimal("4.00"), Decimal("4.00")),
    }


def test_a_new_check_replaces_the_last_one_and_currencies_are_never_added(aws_source, client_hooks, stored_february):
    factories.ReconciliationFactory(account_id=UNKNOWN, period_start=FEBRUARY[0], period_end=FEBRUARY[1])
    answer = month_result(FEBRUARY, [(MATCHING, "20.00", "18.00", "USD"), (MISSING, "2.75", "1.75", "EUR")])
    stub(client_hooks, "ce", [("get_cost_and_usage", {"ResultsByTime": [answer]})])

    assert run_collection(kind="reconciliation", trigger="schedule").status == "succeeded"

    assert totals() == {
        (MATCHING, "unblended", "USD"): (Decimal("20.00"), Decimal("20.00"), Decimal("0")),
        (MATCHING, "amortized", "USD"): (Decimal("18.00"), Decimal("18.00"), Decimal("0")),
        (MISSING, "unblended", "USD"): (Decimal("3.00"), Decimal("0"), Decimal("-3.00")),
        (MISSING, "amortized", "USD"): (Decimal("2.00"), Decimal("0"), Decimal("-2.00")),
        (MISSING, "unblended", "EUR"): (Decimal("0"), Decimal("2.75"), Decimal("2.75")),
        (MISSING, "amortized", "EUR"): (Decimal("0"), Decimal("1.75"), Decimal("1.75")),
    }


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ({"ResultsByTime": []}, "EmptyResponse"),
        ({"ResultsByTime": [month_result((dt.date(2026, 1, 1), FEBRUARY[0]), [])]}, "MalformedResponse"),
        ({"ResultsByTime": [month_result(FEBRUARY, [(MATCHING, "lots", "1", "USD")])]}, "MalformedResponse"),
        ({"ResultsByTime": [month_result(FEBRUARY, [(MATCHING, "1", "1", "dollars")])]}, "MalformedResponse"),
        ({"ResultsByTime": [month_result(FEBRUARY, [(MATCHING, "1E+20", "1", "USD")])]}, "MalformedResponse"),
    ],
)
def test_a_broken_answer_fails_the_run_and_keeps_the_last_check(aws_source, client_hooks, answer, code):
    kept = factories.ReconciliationFactory(period_start=FEBRUARY[0], period_end=FEBRUARY[1])
    stub(client_hooks, "ce", [("get_cost_and_usage", answer)])

    run = run_collection(kind="reconciliation", trigger="schedule")

    assert (run.status, run.error_code, run.ce_requests) == ("failed", code, 1)
    assert list(Reconciliation.objects.all()) == [kept]


def test_the_command_prints_each_difference_of_a_month_the_demo_history_holds(demo_source):
    call("collect", "--kind", "costs", "--start", "2026-02-01", "--end", "2026-03-01")

    lines = call("reconcile_costs", "--month", "2026-02").splitlines()

    assert (
        lines[-1]
        == "reconciliation 2026-02-01 to 2026-02-28: succeeded, 10 rows, 0 CE requests (USD 0.00), source demo"
    )
    assert len(lines) == 11
    assert all(line.startswith("2026-02-01 to 2026-02-28 ") for line in lines[:-1])
    assert all(line.endswith("difference +0.00 USD") for line in lines[:-1])
    assert {r.metric for r in Reconciliation.objects.all()} == {"unblended", "amortized"}
    assert all(abs(r.difference) < Decimal("0.01") for r in Reconciliation.objects.all())


def test_the_command_checks_the_last_closed_month_by_default_and_shows_what_is_missing(demo_source):
    call("collect", "--kind", "costs", "--start", "2026-02-15", "--end", "2026-03-01")

    out = call("reconcile_costs")

    assert "reconciliation 2026-02-01 to 2026-02-28: succeeded, 10 rows" in out
    assert CollectionRun.objects.get(kind="reconciliation").trigger == "command"
    # Half of February was never collected: Cost Explorer reports more than is stored, for every total.
    assert all(r.difference > 1 for r in Reconciliation.objects.all())


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "'2026-13' is not a month in YYYY-MM format"),
        ("2026-2", "not a month in YYYY-MM format"),
        ("2026-02-01", "not a month in YYYY-MM format"),
        ("2026-04", "month 2026-04 is in the future"),
        ("2024-01", "beyond Cost Explorer's history; the earliest day available is 2025-03-01"),
    ],
)
def test_the_command_refuses_a_bad_month_and_records_nothing(demo_source, month, message):
    with pytest.raises(CommandError, match=message):
        call("reconcile_costs", "--month", month)
    assert not CollectionRun.objects.exists()
    assert not Reconciliation.objects.exists()


def test_the_current_month_is_checked_up_to_today(demo_source):
    out = call("reconcile_costs", "--month", "2026-03")
    assert "reconciliation 2026-03-01 to 2026-03-10: succeeded" in out


def test_the_command_fails_when_the_run_does_not_complete(demo_source):
    demo_source.CE_MONTHLY_REQUEST_BUDGET = 2
    factories.CollectionRunFactory(ce_requests=2)  # this month's budget is spent
    with pytest.raises(CommandError, match=r"reconciliation did not complete \(CEBudgetExceeded\)"):
        call("reconcile_costs")
    assert not Reconciliation.objects.exists()


def test_metrics_show_the_last_closed_months_usd_differences_only(
    client, aws_source, client_hooks, stored_february, metrics_on_api_port
):
    march = (dt.date(2026, 3, 1), dt.date(2026, 3, 11))
    answers = [
        {"ResultsByTime": [month_result(FEBRUARY, [(MATCHING, "21.50", "18.00", "USD")])]},
        {"ResultsByTime": [month_result(march, [(MATCHING, "99", "99", "USD"), (UNKNOWN, "7", "7", "USD")])]},
    ]
    stub(client_hooks, "ce", [("get_cost_and_usage", answer) for answer in answers])
    run_collection(kind="reconciliation", trigger="schedule")
    factories.ReconciliationFactory(period_start=FEBRUARY[0], period_end=FEBRUARY[1], currency="EUR")
    run_collection(kind="reconciliation", trigger="command", start=march[0], end=march[1])

    text = client.get("/metrics").content.decode()

    families = {family.name: family for family in text_string_to_metric_families(text)}
    family = families["costmonitor_reconciliation_difference_usd"]
    assert family.type == "gauge"
    assert {(s.labels["account_id"], s.labels["metric"]): s.value for s in family.samples} == {
        (MATCHING, "unblended"): 1.5,
        (MATCHING, "amortized"): 0.0,
        (MISSING, "unblended"): -3.0,
        (MISSING, "amortized"): -2.0,
    }


def test_the_estimate_is_a_page_per_500_account_months(demo_source):
    spec = kind_spec("reconciliation")
    assert spec.estimated_requests(start=None, end=None) == 1
    for n in range(600):
        factories.AwsAccountFactory(account_id=f"{n:012d}")
    assert spec.estimated_requests(start=dt.date(2026, 1, 15), end=dt.date(2026, 3, 1)) == 3
    assert "about 2 Cost Explorer calls answered by the demo source" in call(
        "collect", "--kind", "reconciliation", "--dry-run"
    )


@pytest.mark.usefixtures("transactional_db", "default_schedule")
def test_an_upgrade_schedules_reconciliation_daily_at_its_migrate_and_leaves_the_other_tasks_alone():
    SeededSchedule.objects.filter(kind="reconciliation").delete()  # an installation of the release before it
    PeriodicTask.objects.filter(name="collect reconciliation").delete()
    PeriodicTask.objects.filter(name="collect costs").update(enabled=False)

    call_command("migrate", verbosity=0)

    task = PeriodicTask.objects.get(name="collect reconciliation")
    assert (task.task, task.interval.every, task.interval.period, json.loads(task.kwargs)) == (
        COLLECT_TASK,
        1,
        "days",
        {"kind": "reconciliation", "trigger": "schedule"},
    )
    assert task.enabled
    assert not PeriodicTask.objects.get(name="collect costs").enabled
