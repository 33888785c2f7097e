"""`manage.py expire_history`: delete whole months older than HISTORY_RETENTION_MONTHS, or show them (--dry-run)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from collection.services.retention import expire_history, retention_start


class Command(BaseCommand):
    help = (
        "Delete every whole UTC month older than the last HISTORY_RETENTION_MONTHS (the current month included) from "
        "the daily history, one transaction per month, printing per month and table the rows deleted. The daily "
        "'expire history' periodic task does the same."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Print what would be deleted; delete nothing.")

    def handle(self, *args, dry_run: bool, **options) -> None:
        months, today = settings.HISTORY_RETENTION_MONTHS, timezone.now().date()
        start = retention_start(today=today, months=months)
        if start is None:
            self.stdout.write("HISTORY_RETENTION_MONTHS is 0: every month is kept, nothing is deleted.")
            return
        self.stdout.write(f"HISTORY_RETENTION_MONTHS={months}: keeping {start:%Y-%m} onwards.")
        expired = expire_history(today=today, months=months, dry_run=dry_run)
        for month in expired:
            self.stdout.write((self.style.WARNING if month.kept else str)(month.line(dry_run=dry_run)))
        rows, gone = sum(m.total for m in expired), sum(1 for m in expired if not m.kept)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(self.style.SUCCESS(f"{verb} {rows} rows in {gone} months{' (dry run)' if dry_run else ''}."))
