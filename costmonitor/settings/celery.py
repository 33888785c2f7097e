"""Celery (scheduling; see the README's "Scheduling"): the broker, acknowledgement and time limits."""

from costmonitor.settings.base import DATA_DIR, TIME_ZONE, env
from costmonitor.settings.redis import CELERY_BROKER_URL

if CELERY_BROKER_URL.startswith("filesystem://"):
    _BROKER_DIR = DATA_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "control_folder": str(_BROKER_DIR / "control"),
    }
else:
    # An unacknowledged task (its worker died) is handed out again after this many seconds; it must exceed
    # the hard time limit, or a slow but healthy run would be delivered twice (check costmonitor.W001).
    # https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#visibility-timeout
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Acknowledge after the run, and give a task back when its worker process dies, so nothing is lost;
# collections are idempotent upserts, so a repeat is harmless. One task per worker process at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=15 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=20 * 60)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Outcomes live in CollectionRun rows, so no result backend is needed.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "costmonitor.beat:HeartbeatScheduler"
# Beat writes each periodic task's last run to the database after every task it sends (celery's beat_sync_every),
# not every 3 minutes (DatabaseScheduler.sync_every), so the admin never shows a run beat already made as not made.
# https://docs.celeryq.dev/en/stable/userguide/configuration.html#beat-sync-every
CELERY_BEAT_SYNC_EVERY = 1
