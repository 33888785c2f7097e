"""`manage.py create_api_token USERNAME`: print the user's REST API token (created on first use)."""

from django.core.management.base import BaseCommand, CommandError

from api.tokens import issue_api_token


class Command(BaseCommand):
    help = "Print USERNAME's REST API token, creating it if needed (send it as 'Authorization: Token <key>')."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Replace an existing token with a new one.")

    def handle(self, *args, username: str, rotate: bool, **options):
        try:
            key = issue_api_token(username=username, rotate=rotate)
        except LookupError as exc:
            raise CommandError(f"{exc}; create the user first (e.g. manage.py createsuperuser).") from exc
        self.stdout.write(key)
