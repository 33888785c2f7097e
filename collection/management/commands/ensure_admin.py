"""`manage.py ensure_admin`: create the first admin login on a fresh installation, once."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand

from collection.services.admin_user import ensure_admin_user


class Command(BaseCommand):
    help = (
        "Create a superuser when none exists and print its password (also kept in DATA_DIR/admin-password). "
        "ADMIN_USERNAME and ADMIN_PASSWORD override the defaults (admin, random)."
    )

    def handle(self, *args, **options) -> None:
        username = os.environ.get("ADMIN_USERNAME", "admin")
        secret_file = settings.DATA_DIR / "admin-password"
        password = ensure_admin_user(username=username, password=os.environ.get("ADMIN_PASSWORD"))
        if password:
            settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
            secret_file.write_text(password + "\n")
            secret_file.chmod(0o600)
            self.stdout.write(self.style.SUCCESS(f"Created admin login {username!r} with password {password!r}"))
        elif secret_file.exists():
            self.stdout.write(f"Admin login exists; its first password is in {secret_file}")
        else:
            self.stdout.write("Admin login exists (change it with: python manage.py changepassword USERNAME)")
