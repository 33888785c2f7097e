"""Drop every cached token → user entry when users, tokens or scopes change, bulk updates included.

`QuerySet.update()` and `.delete()` of a query send no model signal, so this watches the SQL instead: every
connection runs its statements through `_watch` (Django's database instrumentation,
https://docs.djangoproject.com/en/5.2/topics/db/instrumentation/), and a statement writing to one of those tables
starts a new auth generation (`api.auth_cache.new_generation`) once its transaction commits, so a concurrent
request cannot cache the state it replaces. A rolled-back write drops nothing.
"""

import functools

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.backends.signals import connection_created

from api.auth_cache import new_generation
from api.models import AccessScope, ApiToken

_WRITES = ("INSERT", "UPDATE", "DELETE")


@functools.cache
def _watched_tables() -> tuple[str, ...]:
    """The users' table, the tokens' and scopes', and their many-to-many tables, as the SQL quotes them."""
    tables = []
    for model in (get_user_model(), ApiToken, AccessScope):
        tables.append(model._meta.db_table)
        tables.extend(field.remote_field.through._meta.db_table for field in model._meta.local_many_to_many)
    return tuple(f'"{table}"' for table in tables)


def _changes_access(sql: str) -> bool:
    return sql.lstrip()[:6].upper() in _WRITES and any(table in sql for table in _watched_tables())


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and _changes_access(sql):
        transaction.on_commit(new_generation, using=context["connection"].alias)
    return result


def watch_connection(sender, connection, **kwargs) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def connect() -> None:
    connection_created.connect(watch_connection, dispatch_uid="api-watch-access-writes")
