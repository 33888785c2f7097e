"""Where Redis is: the cache's (REDIS_URL, may evict) and the Celery broker's (CELERY_BROKER_URL, never evicts)."""

from costmonitor.settings.base import env

REDIS_URL = env.str("REDIS_URL", default="")
if not REDIS_URL and env.str("REDIS_HOST", default=""):
    REDIS_URL = f"redis://{env.str('REDIS_HOST')}:{env.int('REDIS_PORT', default=6379)}/0"
# Redis when configured, else kombu's filesystem transport in DATA_DIR so a fresh machine needs no broker.
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
