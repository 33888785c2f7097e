"""Calendar months in UTC days: the first of a month and the first of the next, for windows, gauges and spend."""

from datetime import date, timedelta

from django.utils import timezone


def month_start(*, today: date | None = None) -> date:
    """The first day of `today`'s month (today's UTC month by default)."""
    return (today or timezone.now().date()).replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after `day`'s: from the 28th, four days on is always in the next month."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
