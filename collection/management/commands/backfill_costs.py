"""`manage.py backfill_costs`: daily cost history back to Cost Explorer's limit, month by month, resumable."""

import sys
from functools import partial

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from collection.errors import AWSCostCollectorError
from collection.management.commands._arguments import add_window_end, day_argument, window_end
from collection.services.backfill import BackfillStopped, plan_backfill, run_backfill


class Command(BaseCommand):
    help = (
        "Collect daily cost history from --start to --end (both included) in month chunks, one CollectionRun "
        "each. Months already backfilled are skipped unless --force. Prints the Cost Explorer requests and USD it "
        "will spend first, and asks for confirmation on a terminal."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--start", type=day_argument, required=True, help="First day, YYYY-MM-DD (not before CE's history limit)."
        )
        add_window_end(parser, default="today")
        parser.add_argument("--force", action="store_true", help="Collect months already backfilled again.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument("--dry-run", action="store_true", help="Print the plan and its cost, then stop.")

    def handle(self, *args, start, end, end_exclusive, force: bool, yes: bool, dry_run: bool, **options) -> None:
        end = window_end(self, end=end, end_exclusive=end_exclusive)
        try:
            plan = plan_backfill(start=start, end=end, force=force, today=timezone.now().date())
            self.stdout.write(plan.summary())
            plan.check_budget()
            if dry_run or not plan.chunks:
                return
            if not yes and sys.stdin.isatty() and input("Proceed? [y/N] ").strip().lower() not in {"y", "yes"}:
                raise CommandError("backfill cancelled; nothing was collected")
            progress = partial(tqdm, desc="backfill", unit="month", file=sys.stderr)
            totals = run_backfill(plan=plan, progress=progress)
        except (ValueError, AWSCostCollectorError, BackfillStopped) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(totals.summary()))
