"""Reads of the collection history: what ran, what it cost, when each kind last succeeded."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Max, QuerySet, Sum
from django.db.models.functions import TruncDate

from collection.aws import CE_REQUEST_USD
from collection.data_exports.athena_pricing import SERVICE as ATHENA
from collection.data_exports.athena_pricing import scan_cost_usd
from collection.data_source import source_name
from collection.models import CollectionRun
from collection.months import month_start
from collection.spend_tally import read_tallies

from .filters import narrowed

SUCCESSFUL = (CollectionRun.Status.SUCCEEDED, CollectionRun.Status.PARTIAL)


def open_run_tallies(runs: QuerySet[CollectionRun]) -> dict[int, dict]:
    """What the runs of `runs` still running have spent so far (`collection.spend_tally`), by run id."""
    return read_tallies(run_ids=runs.filter(status=CollectionRun.Status.RUNNING).values_list("pk", flat=True))


def ce_spend(*, since: date) -> dict:
    """Billed Cost Explorer requests and their USD since `since` (UTC day), over every run against AWS.

    A run still running counts what it has sent so far, so a long, killed or rolled-back run is never missed.
    Demo runs make no real request, so they neither show as spend nor use up CE_MONTHLY_REQUEST_BUDGET.
    """
    runs = CollectionRun.objects.filter(started_at__date__gte=since, source="aws")
    totals = runs.aggregate(requests=Sum("ce_requests"), usd=Sum("ce_cost_usd"))
    running = sum(int(tally.get("ce_requests", 0)) for tally in open_run_tallies(runs).values())
    return {
        "requests": (totals["requests"] or 0) + running,
        "usd": (totals["usd"] or Decimal("0.00")) + running * CE_REQUEST_USD,
    }


def ce_spend_this_month(*, today: date | None = None) -> dict:
    """`ce_spend` since the first of the current month: what CE_MONTHLY_REQUEST_BUDGET is checked against."""
    return ce_spend(since=month_start(today=today))


def bytes_scanned_this_month(*, service: str, today: date | None = None) -> int:
    """Bytes billed this month by `service` (athena) over every run against AWS, runs still running included:
    what ATHENA_MONTHLY_BUDGET_USD is checked against."""
    runs = CollectionRun.objects.filter(started_at__date__gte=month_start(today=today), source="aws")
    stored = runs.exclude(status=CollectionRun.Status.RUNNING).filter(bytes_scanned__has_key=service)
    finished = sum(int(scanned[service]) for scanned in stored.values_list("bytes_scanned", flat=True))
    running = sum(int(t.get("bytes_scanned", {}).get(service, 0)) for t in open_run_tallies(runs).values())
    return finished + running


def athena_spend_this_month(*, today: date | None = None) -> dict:
    """Bytes Athena billed this month (`bytes_scanned_this_month`) and their USD at its price per TB: what
    ATHENA_MONTHLY_BUDGET_USD is checked against."""
    billed = bytes_scanned_this_month(service=ATHENA, today=today)
    return {"bytes": billed, "usd": scan_cost_usd(billed)}


def last_success_by_kind() -> dict[str, datetime]:
    """When each kind of collection last finished successfully (succeeded or partial)."""
    rows = (
        CollectionRun.objects.filter(status__in=SUCCESSFUL, finished_at__isnull=False)
        .values("kind")
        .annotate(last=Max("finished_at"))
    )
    return {row["kind"]: row["last"] for row in rows}


def run_queryset(
    *, kind: str | None = None, status: str | None = None, trigger: str | None = None
) -> QuerySet[CollectionRun]:
    """Collection runs, newest first, optionally narrowed by kind, status and trigger."""
    return narrowed(CollectionRun.objects.all(), kind=kind, status=status, trigger=trigger)


def latest_data_source() -> str | None:
    """Where the stored data last came from ("aws" or "demo"); None before the first successful run."""
    run = CollectionRun.objects.filter(status__in=SUCCESSFUL).order_by("-finished_at").only("source").first()
    return run.source if run else None


def current_data_source() -> str:
    """What the data shown is, or will be: the stored data's source, else the source COST_SOURCE resolves to now."""
    return latest_data_source() or source_name()


def latest_run_by_kind() -> dict[str, CollectionRun]:
    """The latest run of each kind that has one (any status), in one query."""
    latest = CollectionRun.objects.values("kind").annotate(last=Max("id")).values("last")
    return {run.kind: run for run in CollectionRun.objects.filter(id__in=latest)}


def last_full_fetch(*, kind: str, covering: date) -> datetime | None:
    """When the latest successful run of `kind` fetched every day from `covering` through the day it ran: a first
    run, a full refresh, a backfill or a changed window that reached both ends (the window is one span)."""
    return CollectionRun.objects.filter(
        kind=kind, status__in=SUCCESSFUL, window_start__lte=covering, window_end__gt=TruncDate("finished_at")
    ).aggregate(at=Max("finished_at"))["at"]


def called_since(*, kind: str, source: str, operation: str, since: datetime) -> bool:
    """Whether a successful run of `kind` from `source` called `operation` ("ce:GetAnomalyMonitors") and finished
    after `since`: one that fetched, not one that found the last fetch recent. By its calls, as the demo's are
    unbilled."""
    return CollectionRun.objects.filter(
        kind=kind, status__in=SUCCESSFUL, source=source, aws_requests__has_key=operation, finished_at__gte=since
    ).exists()
