"""Shared bench setup: Django on a throwaway test database (from DATABASE_URL) and an in-process cache."""

import os
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "costmonitor.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")

import django  # noqa: E402

django.setup()

from django.test import override_settings  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

# The answer cache and the collections' state cache (settings/cache.py), both in this process.
LOCAL_CACHE = {
    alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
    for alias in ("default", "state")
}


@contextmanager
def bench_database(**settings):
    """A fresh test_<name> database and a private cache for the duration of a bench; both removed after."""
    old = setup_databases(verbosity=0, interactive=False)
    try:
        with override_settings(CACHES=LOCAL_CACHE, **settings):
            yield
    finally:
        teardown_databases(old, verbosity=0)
