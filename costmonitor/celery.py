"""The Celery app, configured from Django settings under the CELERY_ namespace."""

import os

from celery import Celery

from costmonitor import celery_logging  # noqa: F401 - connects the structured logging signal handlers

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "costmonitor.settings")

app = Celery("costmonitor")
# https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
