"""REST API (api/): auth, envelope, pagination, throttling, caching, OpenAPI. See the README's "REST API"."""

from costmonitor.settings.base import env

# Mask account ids (1234****5678) in API responses and metric labels too, not only in logs.
MASK_ACCOUNT_IDS = env.bool("MASK_ACCOUNT_IDS", default=False)
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
        "LiveStatusEnum": ["alive"],
        "ReadyStatusEnum": ["ready"],
        "AccountStatusEnum": "collection.models.AwsAccount.Status",
        "RunStatusEnum": "collection.models.CollectionRun.Status",
    },
}
