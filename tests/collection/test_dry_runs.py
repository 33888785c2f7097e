"""Dry runs (`collect --dry-run`, its former name `collect_costs`, `backfill_costs --dry-run`): the plan per kind with
its window, requests and USD and a total; nothing stored, no AWS request made."""

import datetime as dt
import io
import re

import pytest
from botocore.client import BaseClient
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from collection.kinds import Kind
from collection.services.windows import first_run_window
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_aws_call(monkeypatch):
    """Every botocore client call (each AWS request, STS included) fails the test."""

    def refuse(self, operation_name, api_params):
        raise AssertionError(f"a dry run called AWS: {operation_name}")

    monkeypatch.setattr(BaseClient, "_make_api_call", refuse)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def dry_run(*args) -> str:
    before = row_counts()
    out = io.StringIO()
    call_command(*args, "--dry-run", stdout=out, stderr=io.StringIO())
    assert row_counts() == before, "a dry run stored something"
    return out.getvalue()


@pytest.mark.usefixtures("no_aws_call")
@pytest.mark.parametrize("command", ["collect", "collect_costs"])
def test_a_dry_run_of_every_kind_prints_each_window_requests_usd_and_a_total(aws_source, command):
    factories.CollectionRunFactory(kind="costs", status="failed")  # an earlier run: a dry run closes nothing either
    out = dry_run(command)
    today = timezone.now().date()
    start, end = first_run_window(today=today, source="aws")
    lines = dict(re.findall(r"^  (\w+) +(.*)$", out, re.M))
    assert set(lines) == {*Kind.values, "total"}  # every registered kind, in the registry's words
    assert lines["costs"].startswith(f"{start} to {end - dt.timedelta(days=1)}: about ")
    assert lines["accounts"] == "no window: about 0 Cost Explorer requests (USD 0.00)"
    assert lines["forecast"] == "no window: about 1 Cost Explorer requests (USD 0.01)"
    per_kind = [int(re.search(r"about (\d+)", line)[1]) for kind, line in lines.items() if kind != "total"]
    total = sum(per_kind)
    assert lines["total"] == f"about {total} Cost Explorer requests (USD {total / 100:.2f})"
    assert total > 30  # the first run's history: COST_HISTORY_DAYS of pages


@pytest.mark.usefixtures("no_aws_call")
def test_a_dry_run_of_a_window_plans_that_window_and_a_later_run_only_the_changed_days(aws_source):
    today = timezone.now().date()
    start = today.replace(day=1) - dt.timedelta(days=1)
    out = dry_run("collect", "--kind", "costs", "--start", str(start))
    assert f"costs           {start} to {today}: about " in out
    factories.CostDataFactory(date=today)
    out = dry_run("collect", "--kind", "costs")
    assert "costs           the days that changed since the last run: about 2 Cost Explorer requests (USD 0.02)" in out


@pytest.mark.usefixtures("no_aws_call")
def test_a_demo_dry_run_says_it_bills_nothing(demo_source):
    out = dry_run("collect", "--kind", "forecast")
    assert "Dry run (source demo)" in out
    assert "total           about 1 Cost Explorer calls answered by the demo source (USD 0.00)" in out


@pytest.mark.usefixtures("no_aws_call")
def test_a_backfill_dry_run_prints_its_months_and_cost_and_stores_nothing(aws_source):
    start = timezone.now().date().replace(day=1)
    out = dry_run("backfill_costs", "--start", str(start))
    assert re.search(
        rf"Backfill {start} to \S+: 1 month\(s\) to collect, 0 already done; about \d+ Cost Explorer "
        r"requests \(USD \d+\.\d\d\)",
        out,
    )


def test_a_dry_run_with_bad_arguments_is_refused_and_stores_nothing(aws_source):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="apply only to"):
        dry_run("collect", "--kind", "forecast", "--start", str(timezone.now().date()))
