"""Cost Explorer requests per day on the design's schedule: our incremental strategy against naive re-fetching.

Organization: 50 accounts x 20 services (the demo source, 500 groups a page), tag keys discovered; each costs run
that fetches a window fetches it by charge type too (the demo's 2.8 charge types per account).
Schedule: every kind of the registry (collection/kinds.py) that spends Cost Explorer requests, at its default
interval (costs hourly, tags every 30 min, forecast every 2 h, optimization every 4 h, cost categories and anomalies
every 8 h, reconciliation and commitments daily, and any kind added there; budgets read the free AWS Budgets API),
for 24 h after a first (history-filling) run of each; the day holds one round of tag-value probes
(TAG_PROBE_HOURS=24), and the weekly full refresh (COST_FULL_REFRESH_HOURS=168) is measured once and counted as a
seventh a day. Each kind's share of the day's requests is printed beside it.
Naive: every run re-fetches its whole window (the last 30 days for costs and tags) and its forecast and
recommendations. Cost Explorer refreshes 3 times a day (demo: 00:00, 08:00, 16:00).
Run: python bench/ce_requests.py
"""

import datetime as dt
import logging
from decimal import Decimal
from unittest import mock

from _setup import bench_database
from django.db.models import Sum
from django.utils import timezone

from collection.kinds import KINDS, Kind, kind_spec
from collection.models import CollectionRun, CostData
from collection.services import run_collection
from collection.services.demo_data import REFRESH_HOURS, DemoBill
from collection.services.demo_source import DemoClients

START = dt.datetime(2026, 3, 17, 6, 0, tzinfo=dt.UTC)
MINUTES = {"minutes": 1, "hours": 60, "days": 24 * 60}  # django-celery-beat's IntervalSchedule periods
# Every kind that spends Cost Explorer requests, in the registry's order, every its default interval (minutes).
SCHEDULE = {spec.kind: spec.every[0] * MINUTES[spec.every[1]] for spec in KINDS.values() if spec.spends_ce}
ORG = {"n_accounts": 50, "n_services": 20, "today_refresh_hours": REFRESH_HOURS}
NAIVE_DAYS = 30
FULL_REFRESH_DAYS = 7  # COST_FULL_REFRESH_HOURS' default, in days

Trigger = CollectionRun.Trigger


def simulate(*, naive: bool) -> tuple[dict[str, float], int]:
    """CE requests per kind over one simulated day, and how many costs runs left a day stale."""
    # The history-filling runs, 31 minutes before the day: the tag-value probe falls due in its last tags run.
    clock = {"now": START - dt.timedelta(minutes=31)}
    spent = dict.fromkeys(SCHEDULE, 0)
    stale = 0
    with (
        mock.patch.object(timezone, "now", side_effect=lambda: clock["now"]),
        mock.patch(
            "collection.services.runs.open_source",
            side_effect=lambda counter, now, **_: DemoClients(counter=counter, now=now, **ORG),
        ),
    ):
        for kind in SCHEDULE:  # the first run fills history; it is not part of the daily figure
            run_collection(kind=kind, trigger=Trigger.SCHEDULE)
        events = sorted(
            (START + dt.timedelta(minutes=m), order, kind)
            for order, (kind, every) in enumerate(SCHEDULE.items())
            for m in range(0, 24 * 60, every)
        )
        for when, _, kind in events:
            clock["now"] = when
            window = {}
            if naive and kind_spec(kind).windowed:
                window = {
                    "start": when.date() - dt.timedelta(days=NAIVE_DAYS),
                    "end": when.date() + dt.timedelta(days=1),
                }
            run = run_collection(kind=kind, trigger=Trigger.COMMAND if naive else Trigger.SCHEDULE, **window)
            assert run.status == CollectionRun.Status.SUCCEEDED, run.error_message
            spent[kind] += run.ce_calls  # the demo source's calls, as AWS would bill them
            if kind == Kind.COSTS:
                stale += _stale_days(when)
        if not naive:
            # A week after the history, the scheduled runs re-fetch every open day: a seventh of that a day.
            clock["now"] = START + dt.timedelta(days=7)
            for kind in (Kind.COSTS, Kind.TAGS):
                spent[kind] += run_collection(kind=kind, trigger=Trigger.SCHEDULE).ce_calls / FULL_REFRESH_DAYS
    return spent, stale


def _stale_days(now: dt.datetime) -> int:
    """Days of the last two weeks whose stored total differs from what Cost Explorer (demo) shows now."""
    bill = DemoBill(now=now, **ORG)
    days = [now.date() - dt.timedelta(days=i) for i in range(14)]
    stored = dict(
        CostData.objects.filter(date__in=days, region="")
        .values("date")
        .annotate(t=Sum("unblended_cost"))
        .values_list("date", "t")
    )
    return sum(abs(stored.get(d, 0) - bill.day_total(d)) > Decimal("0.01") for d in days)


def main() -> None:
    logging.disable(logging.WARNING)
    with bench_database(COST_SOURCE="demo", COST_TAG_KEYS=[], AWS_RETRY_DELAY_SCALE=0):
        ours, stale = simulate(naive=False)
    with bench_database(COST_SOURCE="demo", COST_TAG_KEYS=[], AWS_RETRY_DELAY_SCALE=0):
        naive, _ = simulate(naive=True)
    total, naive_total = sum(ours.values()), sum(naive.values())
    print(f"{'kind':<18}{'every':>7}{'ours/day':>10}{'share':>8}{'naive/day':>11}")
    for kind, every in SCHEDULE.items():
        print(f"{kind:<18}{every:>6}m{ours[kind]:>10.1f}{ours[kind] / total:>8.1%}{naive[kind]:>11.0f}")
    print(f"{'total':<18}{'':>7}{total:>10.1f}{1:>8.1%}{naive_total:>11.0f}")
    print(f"USD per day: ours {total / 100:.2f}, naive {naive_total / 100:.2f}")
    print(f"ratio ours/naive: {total / naive_total:.3f}  (target <= 0.1)")
    print(f"ours: {total:.1f} requests/day (target < 120); costs runs that left a day stale: {stale}")


if __name__ == "__main__":
    main()
