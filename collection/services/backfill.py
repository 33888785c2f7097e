"""Backfills: cost history month by month, resumable (finished months are skipped unless forced)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from collection.aws import CE_REQUEST_USD
from collection.data_source import AWS, DEMO, source_name
from collection.kinds import Kind, kind_spec
from collection.models import CollectionRun
from collection.services.runs import run_collection
from collection.services.spend_guard import check_budget
from collection.services.windows import month_periods, validate_window
from collection.window_ends import shown_window

Chunk = tuple[date, date]


class BackfillStopped(Exception):
    """A month failed: the months before it are kept, and running the same backfill again resumes there."""


@dataclass(frozen=True)
class BackfillPlan:
    start: date
    end: date
    chunks: list[Chunk]  # the months still to collect
    finished: int  # months an earlier backfill already collected
    requests: int  # the Cost Explorer requests the chunks are expected to take
    source: str = AWS  # the demo source answers them itself: nothing is billed

    def check_budget(self) -> None:
        """BudgetExceeded when the plan needs more requests than CE_MONTHLY_REQUEST_BUDGET leaves this month."""
        check_budget(needed=self.requests)

    def summary(self) -> str:
        months = f"{len(self.chunks)} month(s) to collect, {self.finished} already done"
        head = f"Backfill {shown_window(self.start, self.end)}: {months}"
        if self.source == DEMO:
            return f"{head}; about {self.requests} Cost Explorer calls, answered by the demo source (USD 0.00)."
        return f"{head}; about {self.requests} Cost Explorer requests (USD {self.requests * CE_REQUEST_USD:.2f})."


@dataclass
class BackfillTotals:
    rows: int = 0
    requests: int = 0
    usd: Decimal = Decimal("0.00")

    def summary(self) -> str:
        return f"Backfilled {self.rows} rows with {self.requests} CE requests (USD {self.usd:.2f})."


def plan_backfill(*, start: date, end: date | None, force: bool, today: date) -> BackfillPlan:
    """The months of [start, end) (end exclusive, tomorrow by default) still to collect; ValueError for a window CE
    cannot answer."""
    end = end or today + timedelta(days=1)
    validate_window(start=start, end=end, today=today)
    chunks = month_periods(start, end)
    done = set()
    if not force:
        done = set(
            CollectionRun.objects.filter(
                kind=Kind.COSTS, trigger=CollectionRun.Trigger.BACKFILL, status=CollectionRun.Status.SUCCEEDED
            ).values_list("window_start", "window_end")
        )
    pending = [chunk for chunk in chunks if chunk not in done]
    spec = kind_spec(Kind.COSTS)
    requests = sum(spec.estimated_requests(start=s, end=e) for s, e in pending)
    finished = len(chunks) - len(pending)
    return BackfillPlan(
        start=start, end=end, chunks=pending, finished=finished, requests=requests, source=source_name()
    )


def run_backfill(*, plan: BackfillPlan, progress: Callable[[list[Chunk]], Iterable[Chunk]] = iter) -> BackfillTotals:
    """Collect each month of `plan` in a run of its own (`progress` wraps the months, e.g. in a progress bar).

    Refused (BudgetExceeded) before any request when the budget cannot cover the plan; BackfillStopped at the
    first month that does not succeed.
    """
    plan.check_budget()
    totals = BackfillTotals()
    for start, end in progress(plan.chunks):
        run = run_collection(kind=Kind.COSTS, trigger=CollectionRun.Trigger.BACKFILL, start=start, end=end)
        totals.rows, totals.requests = totals.rows + run.rows_written, totals.requests + run.ce_requests
        totals.usd += run.ce_cost_usd
        if run.status != CollectionRun.Status.SUCCEEDED:
            raise BackfillStopped(
                f"{shown_window(start, end)} {run.status}: {run.error_code} {run.error_message} — months before it "
                "are kept; run the same command again to resume"
            )
    return totals
