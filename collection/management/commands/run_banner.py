"""`manage.py run_banner --url URL`: what `make run` prints once it serves: where, which login, which data."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand

from collection.aws import caller_account
from collection.data_source import DEMO, source_name
from collection.errors import AWSAPIError
from collection.selectors.first_run import spend_confirmed
from collection.services.first_run import CONFIRM_COMMAND
from costmonitor.masking import mask_text, public_account_id

# The README's command for a login's API token (Quickstart), printed as it is written there.
CREATE_API_KEY_COMMAND = "DEBUG=true .venv/bin/python manage.py create_api_token {username}"
RULE = "=" * 78


class Command(BaseCommand):
    help = "Print make run's closing banner: the URL, the admin login, the token command and the data source."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", required=True, help="Where the web server answers, e.g. http://127.0.0.1:8000")

    def handle(self, *args, url: str, **options) -> None:
        url = url.rstrip("/")
        username = os.environ.get("ADMIN_USERNAME", "admin")
        secret = settings.DATA_DIR / "admin-password"
        password = f"the password is in {secret}" if secret.exists() else "with the password you gave it"
        lines = [
            RULE,
            f"costmonitor is running at {url}/",
            f"  Log in     {url}/admin/ as {username!r}, {password}",
            f"  API token  {CREATE_API_KEY_COMMAND.format(username=username)}",
            f"  API        {url}/api/ (docs at /api/docs/), {url}/metrics, {url}/health",
            f"  Data       {self.data_line()}",
            "  Stop       Ctrl-C stops the web server, the worker and beat",
            RULE,
        ]
        self.stdout.write("\n".join(lines))

    @staticmethod
    def data_line() -> str:
        if source_name() == DEMO:
            return (
                "DEMO: a synthetic bill, not yours (no AWS credentials found, or COST_SOURCE=demo); "
                "set AWS_PROFILE or AWS keys to collect your own"
            )
        try:
            account = caller_account()
        except AWSAPIError as exc:  # its message says what to set
            return f"AWS, account unknown: {mask_text(str(exc))}"
        if not spend_confirmed():
            return (
                f"AWS account {public_account_id(account)}: scheduled collections are PAUSED until you confirm "
                f"their Cost Explorer spend: DEBUG=true .venv/bin/python {CONFIRM_COMMAND}"
            )
        return (
            f"AWS account {public_account_id(account)}: collections read your bill, each Cost Explorer request USD 0.01"
        )
