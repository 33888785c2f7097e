"""costmonitor project package; loads the Celery app with Django, and with it refuses invalid settings."""

from .celery import app as celery_app

__all__ = ("celery_app",)
