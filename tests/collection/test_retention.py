"""History retention: whole months before the last HISTORY_RETENTION_MONTHS leave every dated table, nothing else."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import QuerySet
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from collection import models, tasks
from collection.cache_versions import dataset_version
from collection.task_names import EXPIRE_HISTORY_TASK
from tests import factories
from tests.rollup_truth import assert_rollups_exact

# Each expiring table, by the day field that places its rows in a month.
EXPIRING = {
    models.CostData: "date",
    models.ChargeTypeCost: "date",
    models.TagCost: "date",
    models.CategoryCost: "date",
    models.ResourceCost: "date",
    models.CommitmentRatio: "date",
    models.CostForecast: "period_start",
    models.Reconciliation: "period_start",
}
JAN_1 = dt.datetime(2028, 1, 1, 0, 15, tzinfo=dt.UTC)  # the instants of scripts/calendar.sh
FEB_29 = dt.datetime(2028, 2, 29, 23, 30, tzinfo=dt.UTC)


def store_day(day: dt.date, *, estimated: bool = False) -> None:
    """A row of `day` in every expiring table, and what never expires: a Data Export period and an anomaly."""
    account = factories.AwsAccountFactory(account_id="111111111111")
    factories.CostDataFactory(date=day, account=account, estimated=estimated)
    factories.ChargeTypeCostFactory(date=day, account=account)
    factories.TagCostFactory(date=day)
    factories.CategoryCostFactory(date=day)
    factories.ResourceCostFactory(date=day, account=account)
    factories.CommitmentRatioFactory(date=day)
    factories.CostForecastFactory(period_start=day, period_end=day + dt.timedelta(days=1), generated_on=day)
    factories.ReconciliationFactory(period_start=day, period_end=day + dt.timedelta(days=1))
    factories.ExportIngestionFactory(billing_period=day.replace(day=1), kind=f"costs-{day:%d}")
    factories.CostAnomalyFactory(start_date=day, end_date=day)


def stored_days() -> dict[str, set[dt.date]]:
    return {
        model.__name__: set(model.objects.values_list(day, flat=True).distinct()) for model, day in EXPIRING.items()
    }


def everywhere(*days: dt.date) -> dict[str, set[dt.date]]:
    return {model.__name__: set(days) for model in EXPIRING}


def expire(*args: str) -> str:
    out = io.StringIO()
    call_command("expire_history", *args, stdout=out)
    return out.getvalue()


def first_of_previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@pytest.mark.parametrize(
    ("now", "months", "first_kept"),
    [
        (JAN_1, 2, dt.date(2027, 12, 1)),  # the previous month is another year's
        (JAN_1, 13, dt.date(2027, 1, 1)),
        (FEB_29, 2, dt.date(2028, 1, 1)),  # 30 minutes before March, February is still the current month
        (FEB_29, 14, dt.date(2027, 1, 1)),
    ],
)
def test_whole_months_before_the_retention_go_from_every_dated_table(db, settings, now, months, first_kept):
    settings.HISTORY_RETENTION_MONTHS = months
    with time_machine.travel(now, tick=False):
        today = now.date()
        last_gone, older = first_kept - dt.timedelta(days=1), first_kept - dt.timedelta(days=40)
        for day in (older, last_gone, first_kept, today):
            store_day(day)
        out = expire()
    assert stored_days() == everywhere(first_kept, today)
    assert models.ExportIngestion.objects.count() == models.CostAnomaly.objects.count() == 4
    assert f"keeping {first_kept:%Y-%m} onwards" in out
    assert f"{last_gone:%Y-%m}: deleted 8 rows (CostData 1, ChargeTypeCost 1, TagCost 1," in out
    assert "deleted 16 rows in 2 months." in out
    assert_rollups_exact()  # the cost rollups lose the expired months with their detail rows
    assert not models.CostMonthByService.objects.filter(month__lt=first_kept).exists()


def test_the_current_and_the_previous_month_are_always_kept(db, settings):
    """At whatever instant the suite runs (the calendar pass's too)."""
    settings.HISTORY_RETENTION_MONTHS = 2
    today = timezone.now().date()
    previous = first_of_previous_month(today)
    for day in (previous - dt.timedelta(days=1), previous, today):
        store_day(day)
    expire()
    assert stored_days() == everywhere(previous, today)


def test_retention_off_deletes_nothing(db, settings):
    settings.HISTORY_RETENTION_MONTHS = 0
    long_ago = dt.date(2015, 3, 31)
    store_day(long_ago)
    assert "HISTORY_RETENTION_MONTHS is 0: every month is kept" in expire()
    assert tasks.expire_history() == {"months": 0, "rows": 0, "kept": 0}
    assert stored_days() == everywhere(long_ago)


def test_a_dry_run_prints_per_month_and_table_and_writes_nothing(db, settings):
    settings.HISTORY_RETENTION_MONTHS = 2
    gone = first_of_previous_month(first_of_previous_month(timezone.now().date()))
    for day in (gone, gone + dt.timedelta(days=1), first_of_previous_month(gone)):
        store_day(day)
    versions = {dataset: dataset_version(dataset=dataset) for dataset in ("costs", "tags")}
    before = stored_days()
    planned = expire("--dry-run")
    assert f"{gone:%Y-%m}: would delete 16 rows (CostData 2, ChargeTypeCost 2, TagCost 2, CategoryCost 2," in planned
    assert "would delete 24 rows in 2 months (dry run)." in planned
    assert stored_days() == before
    assert {dataset: dataset_version(dataset=dataset) for dataset in versions} == versions
    done = expire()
    assert done.replace("deleted", "would delete") == planned.replace(" (dry run)", "")
    assert stored_days() == everywhere()
    assert all(dataset_version(dataset=dataset) > version for dataset, version in versions.items())


def test_a_month_still_estimated_is_kept(db, settings):
    settings.HISTORY_RETENTION_MONTHS = 2
    open_month = first_of_previous_month(first_of_previous_month(timezone.now().date()))
    closed = first_of_previous_month(open_month)
    store_day(open_month, estimated=True)
    store_day(closed)
    out = expire()
    assert f"{open_month:%Y-%m}: kept, CostData still holds estimated rows (the month is still open)" in out
    assert stored_days() == everywhere(open_month)
    assert tasks.expire_history() == {"months": 0, "rows": 0, "kept": 1}


def test_a_month_is_deleted_whole_or_not_at_all(db, settings, monkeypatch):
    """A failure in the middle of the second month leaves it whole; the first is gone whole."""
    settings.HISTORY_RETENTION_MONTHS = 2
    second = first_of_previous_month(first_of_previous_month(timezone.now().date()))
    first = first_of_previous_month(second)
    store_day(first)
    store_day(second)
    delete = QuerySet.delete

    def failing_delete(queryset):
        if queryset.model is models.TagCost and queryset.filter(date=second).exists():
            raise RuntimeError("the database went away")
        return delete(queryset)

    monkeypatch.setattr(QuerySet, "delete", failing_delete)
    with pytest.raises(RuntimeError):
        expire()
    assert stored_days() == everywhere(second)


def test_the_daily_task_is_scheduled_by_migrate_and_expires(default_schedule, settings):
    task = PeriodicTask.objects.get(name="expire history")
    assert (task.task, task.interval.every, task.interval.period, json.loads(task.kwargs)) == (
        EXPIRE_HISTORY_TASK,
        1,
        "days",
        {},
    )
    assert models.SeededSchedule.objects.filter(kind="expire_history").exists()
    settings.HISTORY_RETENTION_MONTHS = 3
    gone = first_of_previous_month(first_of_previous_month(first_of_previous_month(timezone.now().date())))
    store_day(gone)
    store_day(gone + dt.timedelta(days=2))
    assert tasks.expire_history() == {"months": 1, "rows": 16, "kept": 0}
    assert stored_days() == everywhere()
