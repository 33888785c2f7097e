"""Existing DRF tokens (`authtoken_token`, kept in clear) become digests, and their clear rows are deleted.

Each keeps working under its old value, named "migrated DRF token". `rest_framework.authtoken` is no longer
installed: its table, if any, is read and emptied here with plain SQL (the README's upgrade note says it may be
dropped). A database that never had it has nothing to migrate.
"""

import datetime as dt
import hashlib

from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

LEGACY_TABLE = "authtoken_token"


def _aware(created) -> dt.datetime:
    """DRF's `created` as the database driver hands it (SQLite: text or naive UTC), made an aware datetime."""
    if isinstance(created, str):
        created = parse_datetime(created)
    return timezone.make_aware(created, dt.UTC) if timezone.is_naive(created) else created


def digest_legacy_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("api", "ApiToken")
    table = schema_editor.quote_name(LEGACY_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {table}")  # noqa: S608 - a constant table name
        rows = cursor.fetchall()
        ApiToken.objects.bulk_create(
            ApiToken(
                digest=hashlib.sha256(key.encode()).hexdigest(),
                prefix=key[:8],
                name="migrated DRF token",
                user_id=user_id,
                created=_aware(created),
            )
            for key, user_id, created in rows
        )
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("api", "0001_tokens_scopes")]

    operations = [migrations.RunPython(digest_legacy_tokens, migrations.RunPython.noop)]
