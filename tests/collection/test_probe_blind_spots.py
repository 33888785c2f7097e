"""When the probes look and what they fetch: tag-value probes once a day, new tag keys, a weekly full refresh.

What they see (restated amortized or net cost, a tag backfill) ends equal to a ground truth in test_scheduled_truth.
"""

import datetime as dt

import pytest
from django.utils import timezone

from collection.models import TagCost
from collection.services import demo_answers, run_collection

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
