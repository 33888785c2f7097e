"""What every selector shares: optional equality filters (a value left out, None or "", does not narrow), and the
days a dataset holds."""

from datetime import date

from django.db.models import Max, Min, QuerySet


def narrowed(qs: QuerySet, **equals) -> QuerySet:
    """`qs` filtered on each field of `equals` whose value was given."""
    return qs.filter(**{field: value for field, value in equals.items() if value})


def stored_days(qs: QuerySet) -> dict[str, date] | None:
    """The first and last `date` of the daily rows of `qs` (`{"first_day", "last_day"}`), or None when it holds
    none: what an answer without rows says is stored, so a reader can tell "no cost" from "no data"."""
    days = qs.aggregate(first_day=Min("date"), last_day=Max("date"))
    return days if days["first_day"] is not None else None
