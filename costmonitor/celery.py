"""The Celery app, configured from Django settings under the CELERY_ namespace."""

import os
from pathlib import Path

from celery import Celery

from costmonitor import celery_logging  # noqa: F401 - connects the structured logging signal handlers

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "costmonitor.settings")

app = Celery("costmonitor")
# https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# kombu's filesystem transport expects its folders to exist; web, worker and beat all share them.
if app.conf.broker_url.startswith("filesystem://"):
    for folder in app.conf.broker_transport_options.values():
        Path(folder).mkdir(parents=True, exist_ok=True)
