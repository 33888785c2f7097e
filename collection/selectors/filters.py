"""What every selector shares: optional equality filters (a value left out, None or "", does not narrow), the
days a dataset holds, and the share of a part in each row's total."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Max, Min, QuerySet


def narrowed(qs: QuerySet, **equals) -> QuerySet:
    """`qs` filtered on each field of `equals` whose value was given."""
    return qs.filter(**{field: value for field, value in equals.items() if value})


def stored_days(qs: QuerySet) -> dict[str, date] | None:
    """The first and last `date` of the daily rows of `qs` (`{"first_day", "last_day"}`), or None when it holds
    none: what an answer without rows says is stored, so a reader can tell "no cost" from "no data"."""
    days = qs.aggregate(first_day=Min("date"), last_day=Max("date"))
    return days if days["first_day"] is not None else None


def with_share(rows: Iterable[dict], *, part: str) -> list[dict]:
    """Each row with its `total` and `part` (None read as 0) and `{part}_share`, part / total to 4 places (0..1; None
    when the total is 0)."""
    result = []
    for row in rows:
        total, amount = row["total"] or Decimal(0), row[part] or Decimal(0)
        share = (amount / total).quantize(Decimal("0.0001")) if total else None
        result.append({**row, "total": total, part: amount, f"{part}_share": share})
    return result
