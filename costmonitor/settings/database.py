"""Database: SQLite in DATA_DIR is the embedded default; PostgreSQL in production and CI."""

from costmonitor.settings.base import DATA_DIR, env

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'costmonitor.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Checks a persistent connection before reuse so a restarted database is reconnected.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded run has a web server and a worker writing at once: WAL lets readers go on during a
    # write, IMMEDIATE takes the write lock up front, and a busy wait replaces "database is locked".
    # https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-transaction-behavior
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 30}
    )
# `.iterator()` (exports, the metrics snapshot) reads a result the client holds, not a server-side cursor: a WITH
# HOLD cursor's rows are computed at commit, after PostgreSQL has stopped the statement's statement_timeout, so an
# export would escape API_STATEMENT_TIMEOUT_MS. What the client holds is bounded (API_MAX_CSV_ROWS).
# https://docs.djangoproject.com/en/5.2/ref/databases/#server-side-cursors
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
