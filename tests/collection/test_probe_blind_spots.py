"""What no total shows is re-fetched: restated amortized cost, a tag backfill, new tag keys, a weekly full refresh."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from collection.models import CostData, TagCost
from collection.services import demo_answers, demo_data, run_collection

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 18, 10, 0, tzinfo=dt.UTC)
CLOSED_DAY = dt.date(2026, 3, 10)  # in the open month, long past CE's restatement of usage


@pytest.fixture
def clock(demo_source, monkeypatch):
    """A settable clock; every scheduled run asks its own probe (CE_PROBE_MAX_AGE=0)."""
    demo_source.CE_PROBE_MAX_AGE = 0
    current = {"now": NOW}
    monkeypatch.setattr(timezone, "now", lambda: current["now"])
    return current


@pytest.fixture
def scheduled(django_capture_on_commit_callbacks):
    def run(kind: str):
        with django_capture_on_commit_callbacks(execute=True):
            finished = run_collection(kind=kind, trigger="schedule")
        assert finished.status == "succeeded", finished.error_message
        return finished

    return run


def amortized(day: dt.date) -> Decimal:
    return CostData.objects.filter(date=day, region="").aggregate(t=Sum("amortized_cost"))["t"]


def test_amortized_cost_restated_while_unblended_stays_equal_is_fetched_again(clock, scheduled, monkeypatch):
    scheduled("costs")
    before = amortized(CLOSED_DAY)
    monkeypatch.setattr(demo_answers, "AMORTIZED_SHARE", Decimal("0.90"))  # Savings Plans amortization settles
    clock["now"] += dt.timedelta(minutes=10)
    run = scheduled("costs")
    assert run.window_start <= CLOSED_DAY < run.window_end
    unblended = CostData.objects.filter(date=CLOSED_DAY, region="").aggregate(t=Sum("unblended_cost"))["t"]
    assert amortized(CLOSED_DAY) == pytest.approx(unblended * Decimal("0.90"), abs=Decimal("0.01"))
    assert amortized(CLOSED_DAY) != before


def test_a_tag_backfill_moving_cost_between_values_is_fetched_again(clock, scheduled, monkeypatch, settings):
    scheduled("tags")
    before = team_costs(CLOSED_DAY)
    tag_value = demo_data.DemoBill.tag_value
    # AWS re-assigns the "web" accounts' past cost to "data": every total stays equal.
    monkeypatch.setattr(
        demo_data.DemoBill,
        "tag_value",
        lambda bill, key, account: {"web": "data"}.get(tag_value(bill, key, account), tag_value(bill, key, account)),
    )
    settings.TAG_PROBE_HOURS = 0  # probe each key on every run
    clock["now"] += dt.timedelta(minutes=10)
    scheduled("tags")
    after = team_costs(CLOSED_DAY)
    assert after.get("web", 0) == 0 < before["web"]
    assert after["data"] == pytest.approx(before["data"] + before["web"], abs=Decimal("0.0001"))


def test_the_tag_value_probe_asks_once_a_day_per_key(clock, scheduled, monkeypatch):
    asked = []
    answer = demo_answers.DemoAnswers.ce_get_cost_and_usage

    def spy(answers, **params):
        if [group["Type"] for group in params.get("GroupBy", ())] == ["TAG"]:
            asked.append(params["GroupBy"][0]["Key"])
        return answer(answers, **params)

    monkeypatch.setattr(demo_answers.DemoAnswers, "ce_get_cost_and_usage", spy)
    scheduled("tags")  # the first run fetches every open day: nothing to probe
    for _hour in range(23):
        clock["now"] += dt.timedelta(hours=1)
        scheduled("tags")
    assert asked == []
    clock["now"] += dt.timedelta(hours=1, minutes=1)
    scheduled("tags")
    assert sorted(asked) == ["env", "team"]


def test_a_tag_key_seen_for_the_first_time_gets_its_history(clock, scheduled, settings):
    settings.COST_TAG_KEYS = ["team"]
    scheduled("tags")
    settings.COST_TAG_KEYS = ["team", "env"]
    clock["now"] += dt.timedelta(minutes=10)
    run = scheduled("tags")
    days = TagCost.objects.filter(tag_key="env").values("date").distinct().count()
    assert days == TagCost.objects.filter(tag_key="team").values("date").distinct().count() == 29
    assert run.window_start == dt.date(2026, 2, 18)


def test_a_scheduled_run_fetches_the_whole_open_window_once_the_last_full_fetch_is_a_week_old(clock, scheduled):
    scheduled("costs")
    clock["now"] += dt.timedelta(hours=167)
    assert scheduled("costs").window_start > dt.date(2026, 3, 1)  # a changed-days window: days the probe flagged
    clock["now"] += dt.timedelta(hours=2)
    full = scheduled("costs")
    assert (full.window_start, full.window_end) == (dt.date(2026, 3, 1), dt.date(2026, 3, 26))


def team_costs(day: dt.date) -> dict[str, Decimal]:
    rows = TagCost.objects.filter(tag_key="team", date=day).values("tag_value").annotate(total=Sum("amount"))
    return {row["tag_value"]: row["total"] for row in rows}
