"""REST API (api/): auth, envelope, pagination, throttling, caching, OpenAPI. See the README's "REST API"."""

from costmonitor.settings.base import env

# Mask account ids (1234****5678) in API responses and metric labels too, not only in logs.
MASK_ACCOUNT_IDS = env.bool("MASK_ACCOUNT_IDS", default=False)
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=100)
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=1000)
# Longest cost window one request may ask for: Cost Explorer keeps at most 38 months of history.
API_MAX_WINDOW_DAYS = env.int("API_MAX_WINDOW_DAYS", default=1160)
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="600/min")
# Failed token attempts allowed per client address (api.throttling.FailedTokenThrottle); past it, a 429.
API_AUTH_FAILURE_RATE = env.str("API_AUTH_FAILURE_RATE", default="20/min")
# --- Bounded work per request (api/work_limits.py, api/result_caps.py) ---
# Each database statement of an /api/ request; over it, a 503 QUERY_TIMEOUT. 0: no limit.
API_STATEMENT_TIMEOUT_MS = env.int("API_STATEMENT_TIMEOUT_MS", default=5000)
# /health's statements: it must answer fast even when the database is busy with API work.
HEALTH_STATEMENT_TIMEOUT_MS = env.int("HEALTH_STATEMENT_TIMEOUT_MS", default=500)
# PostgreSQL parallel workers one API statement may add to its own process (max_parallel_workers_per_gather).
API_DB_PARALLEL_WORKERS = env.int("API_DB_PARALLEL_WORKERS", default=0)
# Uncached answers and exports computed at once per gunicorn worker process; its other threads serve /health
# and cached answers. Heavy work then runs on as many CPUs as there are workers.
API_MAX_CONCURRENT_QUERIES = env.int("API_MAX_CONCURRENT_QUERIES", default=1)
# An uncached answer or an export counts as this many requests against API_THROTTLE_RATE.
API_UNCACHED_REQUEST_COST = env.int("API_UNCACHED_REQUEST_COST", default=10)
# Groups (rows of the whole breakdown, all pages) an uncached /api/costs or /api/tags answer may have.
API_MAX_GROUPS = env.int("API_MAX_GROUPS", default=50_000)
# Rows one CSV export may hold; a longer one is exported month by month.
API_MAX_CSV_ROWS = env.int("API_MAX_CSV_ROWS", default=100_000)
# The design's TTLs per dataset (seconds); /api/runs is never cached, it shows live collection state.
API_CACHE_TTLS = {
    "costs": env.int("API_CACHE_TTL_COSTS", default=3600),
    "resources": env.int("API_CACHE_TTL_RESOURCES", default=3600),
    "forecast": env.int("API_CACHE_TTL_FORECAST", default=7200),
    "tags": env.int("API_CACHE_TTL_TAGS", default=1800),
    "cost_categories": env.int("API_CACHE_TTL_COST_CATEGORIES", default=1800),
    "optimization": env.int("API_CACHE_TTL_OPTIMIZATION", default=14400),
    "accounts": env.int("API_CACHE_TTL_ACCOUNTS", default=3600),
    "budgets": env.int("API_CACHE_TTL_BUDGETS", default=14400),
    "anomalies": env.int("API_CACHE_TTL_ANOMALIES", default=14400),
    "commitments": env.int("API_CACHE_TTL_COMMITMENTS", default=14400),
}
# Bytes of the largest answer kept in the cache; a bigger one is served, not cached.
API_CACHE_MAX_ENTRY_BYTES = env.int("API_CACHE_MAX_ENTRY_BYTES", default=65_536)
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
    "DEFAULT_RENDERER_CLASSES": ["api.envelope.EnvelopeJSONRenderer", "api.browsable.BrowsableAPIRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.FormParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.UserRateThrottle"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.StrictFormatNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.envelope_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Proxies in front that append to X-Forwarded-For: the client address of the failed-token throttle. 0: the
    # connection's address, never a header a client can forge. https://www.django-rest-framework.org/api-guide/throttling/
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    # Swagger UI from drf-spectacular-sidecar's static files, not a CDN: pinned, served by this origin (CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
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
        "LiveStatusEnum": ["alive"],
        "ReadyStatusEnum": ["ready"],
        "AccountStatusEnum": "collection.models.AwsAccount.Status",
        "RunStatusEnum": "collection.models.CollectionRun.Status",
    },
}
