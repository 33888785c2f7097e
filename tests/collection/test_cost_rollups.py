"""The cost rollups equal the detail rows to the cent after every kind of write, and answer as the detail rows do."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from collection import rollups
from collection.models import CostData, CostDayByService, CostMonthByAccount
from collection.selectors import cost_breakdown, cost_totals
from collection.selectors import costs as cost_selectors
from collection.selectors.scope import Scope
from collection.services import run_collection
from collection.services.copy_upsert import upsert_rows
from collection.services.costs import FIELDS, UNIQUE, UPDATE
from collection.services.window_replacement import replace_stored_window
from tests import factories
from tests.rollup_truth import assert_rollups_exact, rollup_groups

pytestmark = pytest.mark.django_db

A, B = "111122223333", "444455556666"
TODAY = timezone.now().date()
MONTH = TODAY.replace(day=1)
LAST_MONTH = (MONTH - dt.timedelta(days=1)).replace(day=1)


def row(day, account, service, cost, *, net=None, region="", currency="USD") -> tuple:
    """A FIELDS tuple as the collectors upsert it."""
    amount = Decimal(cost)
    return (day, account, service, region, amount, amount - 1, net, net, currency, False)


def write(rows: list[tuple]) -> None:
    upsert_rows(CostData, fields=FIELDS, rows=rows, unique=UNIQUE, update=UPDATE)


@pytest.fixture
def accounts():
    return [factories.AwsAccountFactory(account_id=a) for a in (A, B)]


def test_demo_first_run_incremental_run_and_backfill(demo_source):
    run_collection(kind="costs", trigger="command")
    assert rollup_groups() > 0
    assert_rollups_exact()
    run_collection(kind="costs", trigger="command")  # incremental: the changed days only
    assert_rollups_exact()
    call_command("backfill_costs", "--start", str(LAST_MONTH - dt.timedelta(days=40)), "--yes", stdout=None)
    assert CostData.objects.filter(date__lt=LAST_MONTH).exists()
    assert_rollups_exact()


def test_restatements_net_cost_learned_currency_and_region_rows(accounts):
    days = [LAST_MONTH + dt.timedelta(days=i) for i in range(3)] + [MONTH]
    write([row(d, a, s, "10.125") for d in days for a in (A, B) for s in ("EC2", "S3")])
    write([row(days[0], A, "EC2", "4", region="eu-west-1")])  # a region row: not in any rollup
    assert_rollups_exact()
    write([row(days[0], A, "EC2", "99.99", net=Decimal("90")), row(MONTH, B, "S3", "0")])  # restated, net known
    assert_rollups_exact()
    write([row(days[1], A, "S3", "7", currency="EUR")])  # the group moves to another currency
    assert_rollups_exact()
    write([row(d, a, s, "10.125") for d in days for a in (A, B) for s in ("EC2", "S3")])  # the same figures again
    assert_rollups_exact()


def test_window_replacement_deletes_and_rows_moved_by_update(accounts):
    write([row(LAST_MONTH + dt.timedelta(days=i), A, s, "3.3") for i in range(5) for s in ("EC2", "S3", "KMS")])
    window = (LAST_MONTH + dt.timedelta(days=1), LAST_MONTH + dt.timedelta(days=3))
    stored = CostData.objects.filter(region="")
    replace_stored_window(stored=stored, window=window, write=lambda: write([row(window[0], A, "EC2", "5")]))
    assert not CostData.objects.filter(date=window[0], service="S3").exists()
    assert_rollups_exact()
    CostData.objects.filter(service="KMS").update(account_id=B)  # moved to another account
    CostData.objects.filter(service="KMS", date=LAST_MONTH).update(date=MONTH)  # and one to another month
    assert_rollups_exact()
    CostData.objects.filter(service="EC2").delete()
    assert_rollups_exact()
    CostData.objects.all().delete()
    assert rollup_groups() == 0


def test_truncate_empties_every_rollup(accounts):
    write([row(MONTH, A, "EC2", "1"), row(MONTH, B, "S3", "2")])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred foreign key check
            cursor.execute(f"TRUNCATE {CostData._meta.db_table}")
        else:
            cursor.execute(f"DELETE FROM {CostData._meta.db_table}")  # noqa: S608 - SQLite has no TRUNCATE
    assert rollup_groups() == 0


def test_factories_and_admin_style_saves_are_kept(accounts):
    cost = factories.CostDataFactory(account=accounts[0], date=MONTH, net_unblended_cost=None)
    cost.net_unblended_cost = Decimal("3")
    cost.save()
    assert_rollups_exact()
    cost.delete()
    assert rollup_groups() == 0


QUESTIONS = [
    {"granularity": "monthly", "group_by": ["service"]},
    {"granularity": "daily", "group_by": ["service"]},
    {"granularity": None, "group_by": ["account"]},
    {"granularity": "monthly", "group_by": ["service"], "account_id": A},
    {"granularity": None, "group_by": ["account", "service"]},
    {"granularity": "daily", "group_by": ["account", "service"]},
    {"granularity": "monthly", "group_by": [], "service": "S3"},
    {"granularity": None, "group_by": ["service"], "scope": Scope(accounts=frozenset({B}), tags=frozenset())},
]
METRICS = ["unblended", "amortized", "net_unblended", "net_amortized"]


@pytest.mark.parametrize("question", QUESTIONS)
@pytest.mark.parametrize("window", ["months", "partial", "stored days"])
def test_rollup_answers_equal_the_detail_rows(accounts, monkeypatch, question, window):
    days = [LAST_MONTH + dt.timedelta(days=i) for i in range(0, 40, 3)]
    write([row(d, a, s, f"{i}.37", net=Decimal(i)) for i, d in enumerate(days) for a in (A, B) for s in ("EC2", "S3")])
    write([row(days[2], A, "EC2", "1"), row(days[3], B, "S3", "1")])  # net unknown: what sums them answers None
    start, end = {
        "months": (LAST_MONTH, (MONTH + dt.timedelta(days=31)).replace(day=1)),
        "partial": (days[1], days[-2]),  # days stored before and after it, in its months: the daily rollups
        "stored days": (LAST_MONTH - dt.timedelta(days=5), days[-1] + dt.timedelta(days=1)),  # the months answer
    }[window]
    answers = {}
    for source in ("rollups", "detail"):
        if source == "detail":
            monkeypatch.setattr(cost_selectors, "answering_rollup", lambda **_: None)
        answers[source] = [
            (
                list(cost_breakdown(start=start, end=end, metric=m, **question)),
                cost_totals(
                    start=start,
                    end=end,
                    metric=m,
                    **{k: v for k, v in question.items() if k in ("account_id", "service", "scope")},
                ),
            )
            for m in METRICS
        ]
    assert answers["rollups"] == answers["detail"]
    assert any(r["amount"] is None for rows, _ in answers["detail"] for r in rows)


def test_month_to_date_net_cost_per_account_from_the_rollups(accounts):
    """The gauges' month to date per account (aws_cost_net) read from the rollups at any hour of the month."""
    write(
        [
            row(MONTH + dt.timedelta(days=i), A, "EC2", "10.5", net=Decimal("10"))
            for i in range((TODAY - MONTH).days + 1)
        ]
    )
    rows = cost_breakdown(
        start=MONTH, end=TODAY + dt.timedelta(days=1), granularity=None, group_by=("account",), metric="net_unblended"
    )
    assert [(r["account_id"], r["amount"]) for r in rows] == [(A, Decimal(10) * ((TODAY - MONTH).days + 1))]


def test_a_query_a_rollup_holds_reads_it(accounts):
    second = MONTH + dt.timedelta(days=1)
    write([row(MONTH, A, "EC2", "3"), row(MONTH, B, "EC2", "4"), row(second, A, "EC2", "1")])
    CostDayByService.objects.filter(date=MONTH).update(unblended_cost=Decimal("42"))  # marks what the rollup says
    assert cost_totals(start=MONTH, end=second) == {"USD": Decimal("42")}  # a day of the month: the daily rollup
    by_account = cost_breakdown(start=MONTH, end=second, group_by=["account", "service"])
    assert [r["amount"] for r in by_account] == [Decimal("3"), Decimal("4")]  # the detail rows' grain
    CostMonthByAccount.objects.filter(month=MONTH, account_id=B).update(unblended_cost=Decimal("40"))
    next_month = (MONTH + dt.timedelta(days=31)).replace(day=1)
    whole = cost_breakdown(start=MONTH, end=next_month, granularity="monthly", group_by=["account"])
    assert [r["amount"] for r in whole] == [Decimal("4"), Decimal("40")]  # a whole month: the monthly rollup
    # To the last stored day, or from before the first: no stored day is left out of the months, which answer.
    for start, end in ((MONTH, second + dt.timedelta(days=1)), (MONTH - dt.timedelta(days=9), next_month)):
        part = cost_breakdown(start=start, end=end, granularity=None, group_by=["account"])
        assert [r["amount"] for r in part] == [Decimal("4"), Decimal("40")]


def test_the_rebuild_sums_every_rollup_again(accounts):
    write([row(LAST_MONTH + dt.timedelta(days=i), a, "EC2", "2.5") for i in range(40) for a in (A, B)])
    write([row(MONTH, A, "S3", "1", net=Decimal("0.5"))])
    CostDayByService.objects.all().delete()  # as after a load with the triggers off
    CostMonthByAccount.objects.update(unblended_cost=Decimal(0))
    with connection.cursor() as cursor:
        for statement in rollups.rebuild_sql(connection.vendor):
            cursor.execute(statement)
    assert_rollups_exact()


def test_the_stored_days_are_read_only_where_a_monthly_rollup_could_answer(accounts, django_assert_num_queries):
    write([row(MONTH, A, "EC2", "3")])
    window = {"start": MONTH, "end": MONTH + dt.timedelta(days=2), "granularity": "monthly"}
    with django_assert_num_queries(1):  # account x service: the detail rows, whatever the stored days
        assert len(cost_breakdown(**window, group_by=["account", "service"])) == 1
    with django_assert_num_queries(2):  # by service: the stored days, then the monthly rollup
        assert len(cost_breakdown(**window, group_by=["service"])) == 1
