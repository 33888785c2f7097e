"""Caches: answers in django-redis at REDIS_URL (else files in DATA_DIR); collections' state beside the broker."""

from costmonitor.settings.base import DATA_DIR, env
from costmonitor.settings.redis import CELERY_BROKER_URL, REDIS_URL

CACHE_TTL = env.int("CACHE_TTL", default=3600)
STATE_CACHE = "state"


def _redis(location: str, *, prefix: str) -> dict:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "TIMEOUT": CACHE_TTL,
        "KEY_PREFIX": prefix,
        "OPTIONS": {
            # https://github.com/jazzband/django-redis#memcached-exceptions-behavior
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=0.5),
            "SOCKET_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=0.5),
        },
    }


def _files(folder: str, *, prefix: str) -> dict:
    # Files are local, yet shared by the web server and the worker, so a collection's invalidation reaches every reader.
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / folder),
        "TIMEOUT": CACHE_TTL,
        "KEY_PREFIX": prefix,
    }


CACHES = {
    "default": _redis(REDIS_URL, prefix="costmonitor") if REDIS_URL else _files("cache", prefix="costmonitor"),
    # What must outlive the cache's evictions (its Redis runs allkeys-lru, docs/deployment.md): collections'
    # single-flight locks and open runs' spend tallies. An evicted lock would let two runs of a kind spend at once,
    # an evicted tally would hide spend from the monthly budget; so they live in the broker's Redis (noeviction),
    # under their own prefix, or in files beside the filesystem broker.
    STATE_CACHE: (
        _redis(CELERY_BROKER_URL, prefix="costmonitor-state")
        if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
        else _files("state", prefix="costmonitor-state")
    ),
}
if REDIS_URL:
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
