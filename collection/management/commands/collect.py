"""`manage.py collect`: run one collection (or all of them) now and print what each wrote and spent."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from collection.kinds import Kind
from collection.management.commands._arguments import add_window_end, day_argument, window_end
from collection.models import CollectionRun
from collection.services.on_demand import ALL, collect_now, plan_now


class Command(BaseCommand):
    help = (
        "Run a collection now and record it as a CollectionRun; prints rows written, Cost Explorer requests and USD. "
        "Without --start/--end, costs and tags fetch only the days that changed since the last run."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--kind", choices=[*Kind.values, ALL], default=ALL, help="What to collect (default: all, accounts first)."
        )
        parser.add_argument(
            "--start", type=day_argument, help="First day, YYYY-MM-DD (costs, tags and reconciliation only)."
        )
        add_window_end(parser, default="today")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the plan (per kind: window, estimated Cost Explorer requests and USD; a total); call and "
            "store nothing.",
        )

    def handle(self, *args, kind: str, start, end, end_exclusive, dry_run: bool, **options) -> None:
        today, trigger = timezone.now().date(), CollectionRun.Trigger.COMMAND
        end = window_end(self, end=end, end_exclusive=end_exclusive)
        try:
            if dry_run:
                plan = plan_now(kind=kind, start=start, end=end, today=today)
                self.stdout.write(
                    "\n".join([f"Dry run (source {plan.source}), nothing collected or stored:", *plan.lines()])
                )
                return
            runs = collect_now(kind=kind, start=start, end=end, today=today, trigger=trigger)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        for run in runs:
            style = self.style.SUCCESS if run.status == CollectionRun.Status.SUCCEEDED else self.style.WARNING
            self.stdout.write(style(run.summary()))
        if failed := [f"{run.kind}: {run.error_code}" for run in runs if run.fell_short]:
            raise CommandError(f"collection did not complete ({', '.join(failed)})")
