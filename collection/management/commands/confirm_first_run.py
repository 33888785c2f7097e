"""`manage.py confirm_first_run`: the estimate of the first real-AWS collections, and the go-ahead they wait for."""

import getpass
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from collection.aws import CE_REQUEST_USD, caller_account
from collection.data_source import DEMO, source_name
from collection.errors import AWSAPIError
from collection.models import SpendConfirmation
from collection.services.first_run import CONFIRM_COMMAND, confirm_spend
from collection.services.on_demand import first_run_plan
from costmonitor.masking import public_account_id


class Command(BaseCommand):
    help = (
        "On a new installation reading AWS: check the credentials, print the Cost Explorer requests and USD the "
        "first collections will spend (per kind and in total), and record the go-ahead scheduled collections wait "
        "for. Asks on a terminal; --yes confirms without asking. Nothing to do on the demo source or once confirmed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--yes", action="store_true", help="Confirm without asking.")

    def handle(self, *args, yes: bool, **options) -> None:
        if source_name() == DEMO:
            self.stdout.write("Demo source: nothing is billed, nothing to confirm.")
            return
        if confirmation := SpendConfirmation.objects.first():
            self.stdout.write(f"Cost Explorer spending already {confirmation}.")
            return
        try:
            account = caller_account()
        except AWSAPIError as exc:
            raise CommandError(str(exc)) from None
        plan = first_run_plan(today=timezone.now().date())
        budget = settings.CE_MONTHLY_REQUEST_BUDGET
        cap = f"{budget} requests a month (USD {budget * CE_REQUEST_USD:.2f})" if budget else "none"
        self.stdout.write(
            "\n".join(
                [
                    f"AWS account {public_account_id(account)}: the first collections fill the history, at USD "
                    f"{CE_REQUEST_USD} a Cost Explorer request:",
                    *plan.lines(),
                    f"  CE_MONTHLY_REQUEST_BUDGET caps every month's spend: {cap}.",
                ]
            )
        )
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(
                    f"not confirmed (no terminal to ask on): run `{CONFIRM_COMMAND} --yes`, or `CONFIRM_AWS_SPEND=yes "
                    "make run`; until then scheduled collections are skipped (SpendNotConfirmed)"
                )
            if input("Start collecting from AWS? [y/N] ").strip().lower() not in {"y", "yes"}:
                raise CommandError(
                    f"not confirmed: scheduled collections are skipped (SpendNotConfirmed) until `{CONFIRM_COMMAND}`"
                )
        confirm_spend(by=getpass.getuser(), estimated_requests=plan.requests)
        self.stdout.write(self.style.SUCCESS("Confirmed: scheduled collections now collect from AWS."))
