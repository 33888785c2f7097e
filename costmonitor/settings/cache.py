"""Cache: django-redis when REDIS_URL (or the design's REDIS_HOST/REDIS_PORT) is set, else files in DATA_DIR."""

from costmonitor.settings.base import DATA_DIR, env

REDIS_URL = env.str("REDIS_URL", default="")
if not REDIS_URL and env.str("REDIS_HOST", default=""):
    REDIS_URL = f"redis://{env.str('REDIS_HOST')}:{env.int('REDIS_PORT', default=6379)}/0"
CACHE_TTL = env.int("CACHE_TTL", default=3600)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": CACHE_TTL,
            "KEY_PREFIX": "costmonitor",
            "OPTIONS": {
                # https://github.com/jazzband/django-redis#memcached-exceptions-behavior
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=0.5),
                "SOCKET_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=0.5),
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    # Files are local, yet shared by the web server and the worker, so a collection's invalidation reaches every reader.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "TIMEOUT": CACHE_TTL,
            "KEY_PREFIX": "costmonitor",
        }
    }
