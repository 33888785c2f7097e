"""`manage.py create_api_token USER [--name NAME] [--expires DAYS] [--accounts ID,ID…]`: print a new API token."""

import re

from django.core.management.base import BaseCommand, CommandError

from api.tokens import DEFAULT_NAME, issue_api_token


def _account_ids(text: str) -> list[str]:
    ids = [part.strip() for part in text.split(",") if part.strip()]
    bad = [i for i in ids if not re.fullmatch(r"[0-9]{12}", i)]
    if bad or not ids:
        raise CommandError(f"--accounts takes 12-digit AWS account ids separated by commas, not {text!r}")
    return ids


class Command(BaseCommand):
    help = (
        "Create a REST API token for USER and print it (send it as 'Authorization: Token <token>'). It is shown "
        "only now: the database keeps its digest. Revoke or rotate it in the admin (API tokens)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default=DEFAULT_NAME, help=f"What the token is for (default {DEFAULT_NAME!r}).")
        parser.add_argument("--expires", type=int, metavar="DAYS", help="Days the token is valid (default: no expiry).")
        parser.add_argument(
            "--accounts", metavar="ID,ID", help="Limit the token to these AWS accounts' data (default: the user's)."
        )
        parser.add_argument("--rotate", action="store_true", help="First revoke the user's tokens of this name.")

    def handle(self, *args, username: str, name: str, expires: int | None, accounts: str | None, rotate: bool, **_):
        try:
            token = issue_api_token(
                username=username,
                name=name,
                expires_days=expires,
                account_ids=_account_ids(accounts) if accounts is not None else (),
                rotate=rotate,
            )
        except LookupError as exc:
            raise CommandError(f"{exc}; create the user first (e.g. manage.py createsuperuser).") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(token)
