"""Limits on each database statement a block runs: a time limit (PostgreSQL's statement_timeout, SQLite's
progress handler) and, on PostgreSQL, the parallel workers one statement may add.

Applied lazily, through the connection's execute wrappers, so a block that runs no statement (a cached API
answer) costs no database round trip. https://docs.djangoproject.com/en/5.2/topics/db/instrumentation/
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, OperationalError, connection

# SQLSTATE of a statement cancelled by statement_timeout (query_canceled).
# https://www.postgresql.org/docs/current/errcodes-appendix.html
QUERY_CANCELED = "57014"
# SQLite calls the progress handler every this many virtual machine instructions (well under a millisecond).
# https://docs.python.org/3/library/sqlite3.html#sqlite3.Connection.set_progress_handler
SQLITE_STEPS = 10_000


class StatementTimeout(OperationalError):
    """A statement ran longer than the block's limit and the database cancelled it."""


class _PostgresLimit:
    """Sets the session's statement_timeout (and max_parallel_workers_per_gather) before the block's first
    statement and resets them when the block ends.

    Inside a transaction the settings are local to it (`SET LOCAL`), on every statement: a rollback would undo a
    session-level SET made there, and the block's later statements would run unlimited.
    https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT
    https://www.postgresql.org/docs/current/runtime-config-resource.html#GUC-MAX-PARALLEL-WORKERS-PER-GATHER
    """

    def __init__(self, milliseconds: int, parallel_workers: int | None) -> None:
        self.timeout = f"{milliseconds}ms"
        self.settings = {"statement_timeout": self.timeout}
        if parallel_workers is not None:
            self.settings["max_parallel_workers_per_gather"] = str(parallel_workers)
        self.session = None

    def __call__(self, execute, sql, params, many, context):
        db = context["connection"]
        if db.in_atomic_block:
            self._set(db, local=True)
        elif self.session is not db.connection:  # a reconnection is a new session with the server's default
            self._set(db, local=False)
            self.session = db.connection
        try:
            return execute(sql, params, many, context)
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) == QUERY_CANCELED:
                raise StatementTimeout(f"statement cancelled after {self.timeout}") from exc
            raise

    def _set(self, db, *, local: bool) -> None:
        calls = ", ".join("set_config(%s, %s, %s)" for _ in self.settings)
        params = [value for name, setting in self.settings.items() for value in (name, setting, local)]
        with db.wrap_database_errors, db.connection.cursor() as cursor:
            cursor.execute(f"SELECT {calls}", params)

    def close(self) -> None:
        if self.session is None or self.session is not connection.connection:
            return
        try:
            with connection.wrap_database_errors, self.session.cursor() as cursor:
                cursor.execute("; ".join(f"RESET {name}" for name in self.settings))
        except DatabaseError:  # a session left in an unknown state must not serve the next request
            connection.close()


class _SqliteLimit:
    """Interrupts each statement once it has run `milliseconds` (SQLite has no server-side setting, nor parallel
    workers)."""

    def __init__(self, milliseconds: int, parallel_workers: int | None) -> None:
        self.seconds = milliseconds / 1000

    def __call__(self, execute, sql, params, many, context):
        if self.seconds <= 0:
            return execute(sql, params, many, context)
        raw = context["connection"].connection
        deadline = time.monotonic() + self.seconds
        raw.set_progress_handler(lambda: time.monotonic() > deadline, SQLITE_STEPS)
        try:
            return execute(sql, params, many, context)
        except OperationalError as exc:
            if str(exc) == "interrupted":
                raise StatementTimeout(f"statement interrupted after {self.seconds} s") from exc
            raise
        finally:
            raw.set_progress_handler(None, SQLITE_STEPS)

    def close(self) -> None:
        return None


LIMITS = {"postgresql": _PostgresLimit, "sqlite": _SqliteLimit}


@contextmanager
def statement_limits(*, milliseconds: int, parallel_workers: int | None = None) -> Iterator[None]:
    """Run the block with every statement on the default connection limited to `milliseconds` (0: no limit) and,
    unless None, to `parallel_workers` workers besides its own process.

    A statement over the time raises StatementTimeout (a DatabaseError). A result read after the block (a streamed
    export) was computed inside it: server-side cursors are off (settings/database.py), and SQLite computes a
    grouped and sorted query before its first row.
    """
    limit_class = LIMITS.get(connection.vendor)
    if (milliseconds <= 0 and parallel_workers is None) or limit_class is None:
        yield
        return
    limit = limit_class(milliseconds, parallel_workers)
    try:
        with connection.execute_wrapper(limit):
            yield
    finally:
        limit.close()
