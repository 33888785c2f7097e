"""The environment every settings module reads (`env`, BASE_DIR, DATA_DIR, DEBUG), and Django's own wiring."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured


class Env(environ.Env):
    """django-environ's reader; a value it cannot parse is refused naming its variable, not as a bare ValueError."""

    def get_value(self, var: str, *args, **kwargs):
        try:
            return super().get_value(var, *args, **kwargs)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{var} cannot be read: {exc}") from exc


# The one reader of the environment (12-factor); every concern module imports it from here.
env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(env.str("COSTMONITOR_DATA_DIR", default=str(BASE_DIR / "data")))

DEBUG = env.bool("DEBUG", default=False)
# System checks an operator accepts, e.g. costmonitor.W020 where one Redis serves the cache and the broker.
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_prometheus",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's assets, served locally (no CDN): /api/docs/ works offline
    "csp",
    "django_celery_beat",
    "collection",
    "api",
    "overview",
]

MIDDLEWARE = [
    "costmonitor.request_logging.RequestContextMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "api.metrics.middleware.ApiMetricsMiddleware",
    "api.work_limits.StatementLimitsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
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
        # Project templates first: costmonitor/templates/admin/base_site.html overrides the admin's (demo banner).
        "DIRS": [BASE_DIR / "costmonitor" / "templates"],
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
