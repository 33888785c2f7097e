"""collect (and its former name collect_costs) and backfill_costs: argument validation, output, resumable backfills."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from collection.models import CollectionRun, ResourceCost
from tests.factories import CollectionRunFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def call(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_collect_prints_rows_requests_and_usd(demo_source):
    out = call("collect", "--kind", "costs")
    assert "costs" in out
    rows = 1856 + ResourceCost.objects.count()  # costs and charge types, and the demo export's resources
    assert f"succeeded, {rows} rows, 0 CE requests (USD 0.00), source demo" in out


def test_collect_all_runs_every_kind(demo_source):
    call("collect")
    assert set(CollectionRun.objects.values_list("kind", flat=True)) == set(CollectionRun.Kind.values)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2026-02-30"], "not a date"),
        (["--start", str(TODAY), "--end", str(TODAY - dt.timedelta(days=2))], "is before start"),
        (["--start", str(TODAY + dt.timedelta(days=3))], "in the future"),
        (["--start", "2001-01-01"], "beyond Cost Explorer's history"),
        (["--end", str(TODAY)], "an end needs a start"),
        (
            ["--kind", "forecast", "--start", str(TODAY)],
            r"apply only to costs, tags, cost_categories, reconciliation \(not to forecast\)",
        ),
        (["--kind", "bills"], "invalid choice"),
    ],
)
def test_collect_rejects_bad_arguments(demo_source, args, message):
    with pytest.raises(CommandError, match=message):
        call("collect", *args)
    assert not CollectionRun.objects.exists()


def test_collect_fails_with_non_zero_exit_when_the_run_fails(demo_source):
    demo_source.CE_MONTHLY_REQUEST_BUDGET = 2
    CollectionRunFactory(ce_requests=2)  # this month's budget is spent
    with pytest.raises(CommandError, match="CEBudgetExceeded"):
        call("collect", "--kind", "costs")


def test_collect_costs_still_collects_and_logs_that_it_is_deprecated(demo_source, caplog):
    call("collect_costs", "--kind", "accounts")
    assert "collect_costs is deprecated" in caplog.text
    assert CollectionRun.objects.get().kind == "accounts"


def test_backfill_is_chunked_by_month_and_resumable(demo_source):
    start = (TODAY.replace(day=1) - dt.timedelta(days=40)).replace(day=1)
    out = call("backfill_costs", "--start", str(start), "--yes")
    assert "Backfilled" in out
    chunks = CollectionRun.objects.filter(trigger="backfill", status="succeeded")
    assert chunks.count() == 3
    assert set(chunks.values_list("window_start__day", flat=True)) == {1}
    again = call("backfill_costs", "--start", str(start), "--yes")
    assert "0 month(s) to collect, 3 already done" in again
    assert chunks.count() == 3
    call("backfill_costs", "--start", str(start), "--yes", "--force")
    assert chunks.count() == 6


def test_backfill_dry_run_prints_the_cost_and_collects_nothing(aws_source):
    out = call("backfill_costs", "--start", str(TODAY.replace(day=1)), "--dry-run")
    assert "Cost Explorer requests (USD" in out
    assert not CollectionRun.objects.exists()


def test_a_demo_backfill_plan_says_it_bills_nothing(demo_source):
    out = call("backfill_costs", "--start", str(TODAY.replace(day=1)), "--dry-run")
    assert "Cost Explorer calls, answered by the demo source (USD 0.00)" in out
    assert "requests (USD 0." not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--start"),
        (["--start", "yesterday"], "not a date"),
        (["--start", "2001-01-01"], "beyond Cost Explorer's history"),
        (["--start", str(TODAY), "--end", str(TODAY - dt.timedelta(days=1))], "is before start"),
    ],
)
def test_backfill_rejects_bad_arguments(demo_source, args, message):
    with pytest.raises(CommandError, match=message):
        call("backfill_costs", *args)


def test_backfill_refuses_beyond_the_budget(demo_source):
    demo_source.CE_MONTHLY_REQUEST_BUDGET = 1
    with pytest.raises(CommandError, match="CE_MONTHLY_REQUEST_BUDGET"):
        call("backfill_costs", "--start", str(TODAY - dt.timedelta(days=200)), "--yes")


@pytest.mark.parametrize("command", ["collect", "backfill_costs"])
def test_help_documents_every_option(command, capsys):
    with pytest.raises(SystemExit):
        call_command(command, "--help")
    text = capsys.readouterr().out
    options = ["--start", "--end", "--end-exclusive", "--dry-run"]
    for option in options + (["--kind"] if command == "collect" else ["--force", "--yes"]):
        assert option in text
