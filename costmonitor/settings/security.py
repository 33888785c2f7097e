"""Security: the secret key (refused when a placeholder), served hosts, HTTPS, cookies, the Content-Security-Policy."""

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from costmonitor.settings.base import DEBUG, env

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
SECURE_REDIRECT_EXEMPT = [r"^health(/live|/ready)?/?$", r"^metrics/?$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy on every response (django-csp 4 format): the admin, the browsable API and
# /api/docs/ load scripts, styles, images and fonts from this origin only (Swagger UI from
# drf-spectacular-sidecar, its start script from /api/docs/?script), nothing inline, no plugins, no framing.
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
