"""`manage.py backfill_costs`: daily cost history back to Cost Explorer's limit, month by month, resumable."""

import sys
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from collection.aws import CE_REQUEST_USD
from collection.management.commands._arguments import day_argument
from collection.services import run_collection
from collection.services.backfill import backfill_estimate, backfill_plan
from collection.services.spend_guard import remaining_ce_requests
from collection.services.windows import validate_window


class Command(BaseCommand):
    help = (
        "Collect daily cost history for [--start, --end) in month chunks, one CollectionRun each. Months already "
        "backfilled are skipped unless --force. Prints the Cost Explorer requests and USD it will spend first, "
        "and asks for confirmation on a terminal."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--start", type=day_argument, required=True, help="First day, YYYY-MM-DD (not before CE's history limit)."
        )
        parser.add_argument(
            "--end", type=day_argument, help="Day after the last one, YYYY-MM-DD, exclusive (default: tomorrow)."
        )
        parser.add_argument("--force", action="store_true", help="Collect months already backfilled again.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument("--dry-run", action="store_true", help="Print the plan and its cost, then stop.")

    def handle(self, *args, start, end, force: bool, yes: bool, dry_run: bool, **options) -> None:
        today = timezone.now().date()
        end = end or today + timedelta(days=1)
        try:
            validate_window(start=start, end=end, today=today)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        chunks, finished = backfill_plan(start=start, end=end, force=force)
        requests = backfill_estimate(chunks=chunks)
        self.stdout.write(
            f"Backfill {start}..{end}: {len(chunks)} month(s) to collect, {finished} already done; "
            f"about {requests} Cost Explorer requests (USD {requests * CE_REQUEST_USD:.2f})."
        )
        remaining = remaining_ce_requests()
        if remaining is not None and requests > remaining:
            raise CommandError(
                f"refused: about {requests} requests needed, {remaining} left in CE_MONTHLY_REQUEST_BUDGET this month"
            )
        if dry_run or not chunks:
            return
        if not yes and sys.stdin.isatty() and input("Proceed? [y/N] ").strip().lower() not in {"y", "yes"}:
            raise CommandError("backfill cancelled; nothing was collected")
        spent, usd, rows = 0, 0, 0
        for chunk_start, chunk_end in tqdm(chunks, desc="backfill", unit="month", file=sys.stderr):
            run = run_collection(kind="costs", trigger="backfill", start=chunk_start, end=chunk_end)
            spent, usd, rows = spent + run.ce_requests, usd + run.ce_cost_usd, rows + run.rows_written
            if run.status != "succeeded":
                raise CommandError(
                    f"{chunk_start}..{chunk_end} {run.status}: {run.error_code} {run.error_message} "
                    f"— months before it are kept; run the same command again to resume"
                )
        self.stdout.write(self.style.SUCCESS(f"Backfilled {rows} rows with {spent} CE requests (USD {usd:.2f})."))
