"""Django settings for costmonitor, read from the environment (12-factor); see the README's settings table."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from costmonitor.log import configure_logging

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(environ.Env().str("COSTMONITOR_DATA_DIR", default=str(BASE_DIR / "data")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# Placeholder keys that must never sign anything in production.
_INSECURE_KEYS = {"", "change-me", "changeme", "django-insecure-dev-only"}
SECRET_KEY = env.str("SECRET_KEY", default="")
if SECRET_KEY in _INSECURE_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing or a placeholder while DEBUG is off; "
            "set SECRET_KEY to a long random value (or DEBUG=true for local development)."
        )
    SECRET_KEY = "django-insecure-dev-only"  # noqa: S105 - DEBUG only, and refused above otherwise

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Operations: HTTPS and cookie hardening, on by default whenever DEBUG is off (manage.py check --deploy) ---
# Behind a TLS-terminating proxy, SECURE_PROXY_SSL_HEADER names the header it sets, e.g. HTTP_X_FORWARDED_PROTO,https.
_proxy_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_header and len(_proxy_header) != 2:
    raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER must be 'HEADER,value', e.g. HTTP_X_FORWARDED_PROTO,https")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_header) or None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Container healthchecks and Prometheus scrape over plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^health/?$", r"^metrics/?$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_prometheus",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_celery_beat",
    "collection",
    "api",
]

MIDDLEWARE = [
    "costmonitor.request_logging.RequestContextMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "api.metrics.middleware.ApiMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "costmonitor.urls"
WSGI_APPLICATION = "costmonitor.wsgi.application"
ASGI_APPLICATION = "costmonitor.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# Database: SQLite in DATA_DIR is the embedded default; PostgreSQL in production and CI.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'costmonitor.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Checks a persistent connection before reuse so a restarted database is reconnected.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded run has a web server and a worker writing at once: WAL lets readers go on during a
    # write, IMMEDIATE takes the write lock up front, and a busy wait replaces "database is locked".
    # https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-transaction-behavior
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 30}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: django-redis when REDIS_URL (or the design's REDIS_HOST/REDIS_PORT) is set, else files in DATA_DIR
# (local, yet shared by the web server and the worker so a collection's invalidation reaches every reader).
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
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "TIMEOUT": CACHE_TTL,
            "KEY_PREFIX": "costmonitor",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Operations: structured logging (costmonitor/log.py), masked JSON lines; console when DEBUG on a terminal ---
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOG_FORMAT = env.str("LOG_FORMAT", default="auto").lower()
LOGGING = configure_logging(level=LOG_LEVEL, fmt=LOG_FORMAT, debug=DEBUG)

# AWS access and collection (see collection/aws.py).
AWS_REGION = env.str("AWS_REGION", default="us-east-1")
API_TIMEOUT = env.int("API_TIMEOUT", default=30)

# Celery (scheduling; see the README's "Scheduling"). Redis when configured, else kombu's filesystem
# transport in DATA_DIR so a fresh machine needs no broker. https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _BROKER_DIR = DATA_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "control_folder": str(_BROKER_DIR / "control"),
    }
else:
    # An unacknowledged task (its worker died) is handed out again after this many seconds; it must exceed
    # the hard time limit, or a slow but healthy run would be delivered twice.
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
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Mask account ids (1234****5678) in API responses and metric labels too, not only in logs.
MASK_ACCOUNT_IDS = env.bool("MASK_ACCOUNT_IDS", default=False)

# Collection engine (collection/aws.py, collection/services/): source, spend, windows. See README "Collection".
COST_SOURCE = env.str("COST_SOURCE", default="auto")  # aws | demo | auto (aws when boto3 finds credentials)
if COST_SOURCE not in {"auto", "aws", "demo"}:
    raise ImproperlyConfigured(f"COST_SOURCE must be auto, aws or demo, not {COST_SOURCE!r}.")
AWS_ROLE_ARN = env.str("AWS_ROLE_ARN", default="")
AWS_EXTERNAL_ID = env.str("AWS_EXTERNAL_ID", default="")
AWS_MAX_ATTEMPTS = env.int("AWS_MAX_ATTEMPTS", default=5)
AWS_RETRY_DELAY_SCALE = env.float("AWS_RETRY_DELAY_SCALE", default=1.0)
CE_MONTHLY_REQUEST_BUDGET = env.int("CE_MONTHLY_REQUEST_BUDGET", default=None)
CE_HISTORY_MONTHS = env.int("CE_HISTORY_MONTHS", default=13)
CE_PROBE_MAX_AGE = env.int("CE_PROBE_MAX_AGE", default=1800)
COST_TAG_KEYS = env.list("COST_TAG_KEYS", default=[])
COST_HISTORY_DAYS = env.int("COST_HISTORY_DAYS", default=90)
COST_RESTATEMENT_DAYS = env.int("COST_RESTATEMENT_DAYS", default=3)
COST_REGION_BREAKDOWN = env.bool("COST_REGION_BREAKDOWN", default=False)
FORECAST_PER_ACCOUNT = env.bool("FORECAST_PER_ACCOUNT", default=False)
RECOMMENDATION_REFRESH_HOURS = env.int("RECOMMENDATION_REFRESH_HOURS", default=12)
COLLECTION_LOCK_TTL = env.int("COLLECTION_LOCK_TTL", default=30)
for _name in ("AWS_MAX_ATTEMPTS", "CE_HISTORY_MONTHS", "COST_HISTORY_DAYS", "COLLECTION_LOCK_TTL"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be a positive integer.")
if CE_MONTHLY_REQUEST_BUDGET is not None and CE_MONTHLY_REQUEST_BUDGET < 0:
    raise ImproperlyConfigured("CE_MONTHLY_REQUEST_BUDGET must be 0 or more (unset: no budget).")
# --- REST API (api/): auth, envelope, pagination, throttling, caching, OpenAPI. See the README's "REST API".
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=100)
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=1000)
# Longest cost window one request may ask for: Cost Explorer keeps at most 38 months of history.
API_MAX_WINDOW_DAYS = env.int("API_MAX_WINDOW_DAYS", default=1160)
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="600/min")
# The design's TTLs per dataset (seconds); /api/runs is never cached, it shows live collection state.
API_CACHE_TTLS = {
    "costs": env.int("API_CACHE_TTL_COSTS", default=3600),
    "forecast": env.int("API_CACHE_TTL_FORECAST", default=7200),
    "tags": env.int("API_CACHE_TTL_TAGS", default=1800),
    "optimization": env.int("API_CACHE_TTL_OPTIMIZATION", default=14400),
    "accounts": env.int("API_CACHE_TTL_ACCOUNTS", default=3600),
}
# Seconds a token's user stays cached (api.authentication); changes drop it sooner. 0: every request queries.
API_AUTH_CACHE_SECONDS = env.int("API_AUTH_CACHE_SECONDS", default=300)
# /health reports "degraded" when a kind that has succeeded before has not succeeded for this long.
HEALTH_STALE_AFTER = env.int("HEALTH_STALE_AFTER", default=2 * 24 * 3600)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header is what makes a missing credential a 401, not a 403.
        "api.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["api.envelope.EnvelopeJSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.FormParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.UserRateThrottle"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.StrictFormatNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.envelope_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "costmonitor API",
    "DESCRIPTION": "AWS cost history from Cost Explorer. Every response is wrapped in the standard envelope.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Several components have a "status" field with different choices: name each set.
    "ENUM_NAME_OVERRIDES": {
        "SuccessStatusEnum": ["success"],
        "ErrorStatusEnum": ["error"],
        "HealthStatusEnum": ["healthy", "degraded"],
        "AccountStatusEnum": "collection.models.AwsAccount.Status",
        "RunStatusEnum": "collection.models.CollectionRun.Status",
    },
}

# Metrics and alerting (see the README's "Metrics and alerting"; api/metrics/).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")  # bearer token required on /metrics when set
METRICS_DAILY_DAYS = env.int("METRICS_DAILY_DAYS", default=7)  # days of aws_cost_daily series
if not 1 <= METRICS_DAILY_DAYS <= 62:
    raise ImproperlyConfigured(f"METRICS_DAILY_DAYS must be between 1 and 62, got {METRICS_DAILY_DAYS}.")
MONTHLY_BUDGET_USD = env.float("MONTHLY_BUDGET_USD", default=0.0)  # 0: no budget gauge, no ForecastOverBudget
if MONTHLY_BUDGET_USD < 0:
    raise ImproperlyConfigured(f"MONTHLY_BUDGET_USD must not be negative, got {MONTHLY_BUDGET_USD}.")
METRICS_ON_MAIN_PORT = env.bool("METRICS_ON_MAIN_PORT", default=True)  # false: only `serve_metrics` serves it
METRICS_ADDR = env.str("METRICS_ADDR", default="0.0.0.0")  # noqa: S104 - the metrics port is meant for scrapers
METRICS_PORT = env.int("METRICS_PORT", default=8080)
