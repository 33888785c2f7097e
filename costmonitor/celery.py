"""The Celery app, configured from Django settings under the CELERY_ namespace."""

import os
from pathlib import Path

from celery import Celery
from django.core.exceptions import ImproperlyConfigured

from costmonitor import celery_logging, heartbeat  # noqa: F401 - connect their signal handlers
from costmonitor.checks import refuse_invalid_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "costmonitor.settings")

# Transports that live in this process or on local disk: nothing to reach, and no broadcast (no ping of a worker).
LOCAL_BROKERS = ("filesystem://", "memory://")

app = Celery("costmonitor")
# https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
app.config_from_object("django.conf:settings", namespace="CELERY")
# costmonitor/__init__.py imports this app, so every process passes here first: web (gunicorn.conf.py), worker,
# beat and manage.py commands load the settings here and refuse to start, with one line and no traceback, on
# settings that cannot be loaded or that a system check (costmonitor/checks.py) reports as an error.
try:
    refuse_invalid_settings()
except ImproperlyConfigured as exc:
    raise SystemExit(f"costmonitor: configuration error: {exc}") from None
app.autodiscover_tasks()

# kombu's filesystem transport expects its folders to exist; web, worker and beat all share them.
if app.conf.broker_url.startswith("filesystem://"):
    for folder in app.conf.broker_transport_options.values():
        Path(folder).mkdir(parents=True, exist_ok=True)
