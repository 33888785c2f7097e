"""History retention: whole UTC months older than HISTORY_RETENTION_MONTHS deleted from the dated history."""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Min, Model, QuerySet

from collection.cache_versions import bump_dataset_versions
from collection.kinds import Dataset
from collection.models import (
    CategoryCost,
    ChargeTypeCost,
    CommitmentRatio,
    CostData,
    CostForecast,
    Reconciliation,
    ResourceCost,
    TagCost,
)
from collection.months import month_start, next_month

logger = logging.getLogger(__name__)

# The current month and the one before are always kept: AWS restates the previous month until it closes it, in
# the first days of the next one (the open window: estimated days and the last COST_RESTATEMENT_DAYS).
MIN_MONTHS = 2


@dataclass(frozen=True)
class Expiring:
    """A table whose rows expire with the month their `day` field falls in, and the cached reads they feed."""

    model: type[Model]
    day: str
    dataset: Dataset | None

    def rows(self, month: date) -> QuerySet:
        return self.model.objects.filter(**{f"{self.day}__gte": month, f"{self.day}__lt": next_month(month)})


# Every dataset of daily history, and the month-keyed rows made from it (forecasts of a month, checks of a month's
# stored total, whose subject is gone with it). Kept: ExportIngestion, the Data Export's change probe (without it
# an expired billing period still within DATA_EXPORTS_MONTHS would be ingested again, whole); cost anomalies, an
# event log of a few a month that AWS itself keeps for 90 days only; the run history; and what holds the current
# state rather than history (accounts, commitments, budgets, recommendations, metric snapshots).
EXPIRING = (
    Expiring(model=CostData, day="date", dataset=Dataset.COSTS),
    Expiring(model=ChargeTypeCost, day="date", dataset=Dataset.COSTS),
    Expiring(model=TagCost, day="date", dataset=Dataset.TAGS),
    Expiring(model=CategoryCost, day="date", dataset=Dataset.COST_CATEGORIES),
    Expiring(model=ResourceCost, day="date", dataset=Dataset.RESOURCES),
    Expiring(model=CommitmentRatio, day="date", dataset=Dataset.COMMITMENTS),
    Expiring(model=CostForecast, day="period_start", dataset=Dataset.FORECAST),
    Expiring(model=Reconciliation, day="period_start", dataset=None),  # read by the command and /metrics only
)


@dataclass(frozen=True)
class MonthExpiry:
    """One month past the retention: its rows per table (deleted, or that a dry run would delete), or why it was
    kept (`kept`, then nothing was deleted)."""

    month: date
    rows: dict[str, int] = field(default_factory=dict)
    kept: str = ""

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def line(self, *, dry_run: bool) -> str:
        """One line for an operator: the month, then its rows per table, or why it stays."""
        if self.kept:
            return f"{self.month:%Y-%m}: kept, {self.kept}"
        tables = ", ".join(f"{table} {rows}" for table, rows in self.rows.items() if rows) or "no rows"
        return f"{self.month:%Y-%m}: {'would delete' if dry_run else 'deleted'} {self.total} rows ({tables})"


def retention_start(*, today: date, months: int) -> date | None:
    """The first day kept with `months` months of history, the current one included; None: 0 keeps everything."""
    if months == 0:
        return None
    if months < MIN_MONTHS:
        raise ValueError(f"HISTORY_RETENTION_MONTHS must be 0 or at least {MIN_MONTHS}, not {months}")
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def _months_before(start: date) -> list[date]:
    """The first day of every month before `start` that holds a row of an expiring table, oldest first."""
    earliest = [
        day
        for table in EXPIRING
        if (day := table.model.objects.filter(**{f"{table.day}__lt": start}).aggregate(day=Min(table.day))["day"])
    ]
    months, month = [], month_start(today=min(earliest)) if earliest else start
    while month < start:
        months.append(month)
        month = next_month(month)
    return months


def _still_open(month: date) -> str:
    """Why `month` must stay although past the retention (its rows are still estimated), else ""."""
    for table in EXPIRING:
        estimated = any(f.name == "estimated" for f in table.model._meta.fields)
        if estimated and table.rows(month).filter(estimated=True).exists():
            return f"{table.model.__name__} still holds estimated rows (the month is still open)"
    return ""


def _expire_month(month: date, *, dry_run: bool) -> MonthExpiry:
    """Delete `month` from every expiring table in one transaction (a dry run counts instead): all or nothing."""
    with transaction.atomic():
        if reason := _still_open(month):
            return MonthExpiry(month=month, kept=reason)
        rows = {}
        for table in EXPIRING:
            # No receiver and no reverse relation: Django deletes with one DELETE, fetching no row.
            rows[table.model.__name__] = table.rows(month).count() if dry_run else table.rows(month).delete()[0]
        return MonthExpiry(month=month, rows=rows)


def expire_history(*, today: date, months: int, dry_run: bool = False) -> list[MonthExpiry]:
    """Delete every whole month before the last `months` (today's included; 0: none) from `EXPIRING`, oldest
    first, each month in its own transaction, and invalidate the cached reads of what went; a month still open
    (estimated rows) is kept and said so. A dry run deletes nothing and reports what it would.

    Not for a caller's transaction: each month commits on its own, so an interrupted run leaves whole months.
    """
    start = retention_start(today=today, months=months)
    if start is None:
        return []
    expired = []
    for month in _months_before(start):
        expiry = _expire_month(month, dry_run=dry_run)
        expired.append(expiry)
        log = logger.warning if expiry.kept else logger.info
        log("history retention (%s months): %s", months, expiry.line(dry_run=dry_run))
    if not dry_run and (gone := [e for e in expired if e.total]):
        datasets = {t.dataset for t in EXPIRING if t.dataset and any(e.rows[t.model.__name__] for e in gone)}
        bump_dataset_versions(datasets=sorted(datasets))
    return expired
