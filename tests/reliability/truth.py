"""Completeness against the emulator's ground truth: every day, every line, every cent, nothing twice."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Sum

from collection.models import CostData
from tests.reliability.emulator import CostExplorerEmulator


def first_run_window(emulator: CostExplorerEmulator, *, days: int = 14) -> tuple[dt.date, dt.date]:
    """The window of a first collection with COST_HISTORY_DAYS=days: [today - days, today + 1)."""
    return emulator.today - dt.timedelta(days=days), emulator.today + dt.timedelta(days=1)


def assert_complete(emulator: CostExplorerEmulator, *, start: dt.date, end: dt.date) -> dict:
    """The stored all-regions rows of [start, end) are exactly the emulator's lines; returns the figures."""
    stored = CostData.objects.filter(date__gte=start, date__lt=end, region="")
    expected = {(day, account, service): amount for day, account, service, amount in emulator.lines(start, end)}
    rows = {(r.date, r.account_id, r.service): r.unblended_cost for r in stored}
    assert len(rows) == stored.count(), "a line is stored twice"
    missing, extra = expected.keys() - rows.keys(), rows.keys() - expected.keys()
    assert not missing, f"{len(missing)} lines missing, e.g. {sorted(missing)[:3]}"
    assert not extra, f"{len(extra)} lines AWS never returned, e.g. {sorted(extra)[:3]}"
    wrong = {key for key, amount in expected.items() if rows[key] != amount}
    assert not wrong, f"{len(wrong)} amounts differ, e.g. {sorted(wrong)[:3]}"
    truth = emulator.ground_truth(start, end)
    assert sum(rows.values(), Decimal("0")) == truth
    # The database's own SUM: exact on PostgreSQL (numeric); SQLite adds its decimals as floats, exact to the cent.
    total = stored.aggregate(total=Sum("unblended_cost"))["total"] or Decimal("0")
    assert total.quantize(Decimal("0.01")) == truth.quantize(Decimal("0.01"))
    assert total == truth or connection.vendor == "sqlite"
    per_day = stored.values("date").annotate(n=Count("id")).values_list("date", "n")
    days = {day for day, *_ in expected}
    assert {day for day, _ in per_day} == days, "a day is missing"
    credits = sum((a for (_, _, s), a in expected.items() if s == "Credits"), Decimal("0"))
    return {
        "days": len(days),
        "rows": len(rows),
        "rows_lost": len(missing),
        "duplicates": 0,
        "total_usd": str(truth.quantize(Decimal("0.01"))),
        "credits_usd": str(credits.quantize(Decimal("0.01"))),
    }
