"""`manage.py reconcile_costs`: stored monthly totals against Cost Explorer's MONTHLY answer, differences printed."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from collection.kinds import Kind
from collection.models import CollectionRun
from collection.selectors.reconciliation import reconciliations
from collection.services.reconciliation import month_window
from collection.services.runs import run_collection

ALERT_USD = 1  # ReconciliationDifference's threshold (deploy/prometheus/alerts.yml): such lines are highlighted


class Command(BaseCommand):
    help = (
        "Compare the stored total of each account and cost metric for a month with Cost Explorer's MONTHLY answer "
        "(one request), print the differences (Cost Explorer minus stored) and record a CollectionRun."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: the last closed month, the previous UTC month).")

    def handle(self, *args, month: str | None, **options) -> None:
        try:
            start, end = month_window(month=month, today=timezone.now().date())
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        run = run_collection(kind=Kind.RECONCILIATION, trigger=CollectionRun.Trigger.COMMAND, start=start, end=end)
        if run.status == CollectionRun.Status.SUCCEEDED:
            for row in reconciliations(start=start, end=end):
                self.stdout.write((self.style.WARNING if abs(row.difference) > ALERT_USD else str)(row.line()))
        style = self.style.SUCCESS if run.status == CollectionRun.Status.SUCCEEDED else self.style.WARNING
        self.stdout.write(style(run.summary()))
        if run.fell_short:
            raise CommandError(f"reconciliation did not complete ({run.error_code})")
