"""The cache that holds collections' coordination state (locks, spend tallies), kept apart from evicting answers."""

from django.conf import settings
from django.core.cache import caches
from django.utils.connection import ConnectionProxy

# Like `django.core.cache.cache`, a proxy that looks the backend up per thread on each use (settings/cache.py says
# where it is: the broker's Redis, or files beside the filesystem broker).
state_cache = ConnectionProxy(caches, settings.STATE_CACHE)
