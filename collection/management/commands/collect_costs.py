"""`manage.py collect_costs`: run one collection (or all of them) now and print what it wrote and spent."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from collection.management.commands._arguments import day_argument
from collection.models import CollectionRun
from collection.services import run_collection
from collection.services.windows import validate_window

# Accounts first (names), forecast after costs (it reuses the costs run's change probe).
KINDS = ["accounts", "costs", "tags", "forecast", "optimization"]
WINDOWED = {"costs", "tags"}


class Command(BaseCommand):
    help = (
        "Run a collection now and record it as a CollectionRun; prints rows written, Cost Explorer requests and USD. "
        "Without --start/--end, costs and tags fetch only the days that changed since the last run."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--kind",
            choices=[*KINDS, "all"],
            default="all",
            help="What to collect (default: all, in dependency order).",
        )
        parser.add_argument("--start", type=day_argument, help="First day, YYYY-MM-DD (costs and tags only).")
        parser.add_argument(
            "--end", type=day_argument, help="Day after the last one, YYYY-MM-DD, exclusive (default: tomorrow)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Call nothing and write nothing: record and print the estimated Cost Explorer requests.",
        )

    def handle(self, *args, kind: str, start, end, dry_run: bool, **options) -> None:
        today = timezone.now().date()
        if end and not start:
            raise CommandError("--end needs --start")
        if start:
            end = end or today + timedelta(days=1)
            if kind not in WINDOWED | {"all"}:
                raise CommandError(f"--start/--end apply to costs and tags, not to {kind}")
            try:
                validate_window(start=start, end=end, today=today)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        failed = []
        for each in KINDS if kind == "all" else [kind]:
            window = (start, end) if each in WINDOWED else (None, None)
            run = run_collection(kind=each, trigger="command", start=window[0], end=window[1], dry_run=dry_run)
            self._report(run)
            if run.status == "failed" or (run.status == "skipped" and run.error_code != "DryRun"):
                failed.append(f"{each}: {run.error_code}")
        if failed:
            raise CommandError(f"collection did not complete ({', '.join(failed)})")

    def _report(self, run: CollectionRun) -> None:
        window = f" {run.window_start}..{run.window_end}" if run.window_start else ""
        line = (
            f"{run.kind}{window}: {run.status}, {run.rows_written} rows, "
            f"{run.ce_requests} CE requests (USD {run.ce_cost_usd}), source {run.source}"
        )
        if run.error_code:
            line += f" — {run.error_code}: {run.error_message}"
        style = self.style.SUCCESS if run.status == "succeeded" else self.style.WARNING
        self.stdout.write(style(line))
