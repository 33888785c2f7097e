"""How often each collection kind is scheduled: beat's enabled periodic tasks, as edited in the admin."""

import datetime as dt
import logging

from celery import schedules
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from collection.task_names import COLLECT_TASK, periodic_task_kind

logger = logging.getLogger(__name__)

# A crontab's interval is its longest gap between runs over the coming week and a day (a weekday-only
# schedule's weekend included), so an alert built on it never fires early; at most this many runs are
# looked at (an every-minute crontab: 200 minutes).
CRONTAB_HORIZON = dt.timedelta(days=8)
CRONTAB_MAX_RUNS = 200


def scheduled_intervals() -> dict[str, float]:
    """Seconds between scheduled runs of each kind that has an enabled, repeating periodic task.

    An interval schedule gives its period, a crontab its longest gap; with several tasks for one kind, the
    shortest counts. Solar and clocked schedules have no interval, and a kind without a task has no entry.
    """
    now = timezone.now()
    tasks = PeriodicTask.objects.filter(enabled=True, one_off=False, task=COLLECT_TASK)
    intervals: dict[str, float] = {}
    for task in tasks.select_related("interval", "crontab", "solar", "clocked"):
        kind = periodic_task_kind(task=task.task, kwargs=task.kwargs)
        if kind is None:
            continue
        try:
            seconds = _seconds_between_runs(task.schedule, now=now)
        except ValueError as exc:  # a crontab whose day never comes (31 February): beat refuses it too
            logger.warning("periodic task %r has no usable schedule: %s", task.name, exc)
            continue
        if seconds and seconds < intervals.get(kind, float("inf")):
            intervals[kind] = seconds
    return intervals


def _seconds_between_runs(schedule: schedules.BaseSchedule, *, now: dt.datetime) -> float | None:
    if isinstance(schedule, schedules.crontab):
        return _longest_crontab_gap(schedule, now=now)
    if isinstance(schedule, schedules.schedule):
        return schedule.run_every.total_seconds()
    return None


def _longest_crontab_gap(schedule: schedules.crontab, *, now: dt.datetime) -> float | None:
    # remaining_delta(t) gives the next run after t as `start + delta` (celery.schedules.crontab).
    previous, longest = None, 0.0
    fire = now
    for _ in range(CRONTAB_MAX_RUNS):
        start, delta, _now = schedule.remaining_delta(fire)
        fire = start + delta
        if previous is not None:
            longest = max(longest, (fire - previous).total_seconds())
            if fire - now > CRONTAB_HORIZON:
                break
        previous = fire
    return longest or None
