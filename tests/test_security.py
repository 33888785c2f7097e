"""Secure by default: production settings pass `check --deploy`, HTTPS is enforced, placeholder keys are refused."""

import os
import re
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.processes import ROOT, run

PRODUCTION_KEY = "a-production-like-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def env_example() -> dict[str, str]:
    text = (ROOT / "costmonitor.env.example").read_text()
    return dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", text, flags=re.MULTILINE))


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env, timeout=60)


def test_production_settings_pass_check_deploy_without_warnings():
    """The costmonitor.env.example configuration with a real key, and with the defaults alone, pass with no warnings."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_", "DEBUG"))}
    for env in ({**base, **env_example(), "SECRET_KEY": PRODUCTION_KEY}, {**base, "SECRET_KEY": PRODUCTION_KEY}):
        result = deploy_check(env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout


def test_check_deploy_catches_an_insecure_configuration():
    env = {**os.environ, "SECRET_KEY": PRODUCTION_KEY, "SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0"}
    result = deploy_check(env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
    assert "security.W008" in result.stderr + result.stdout


def test_https_is_on_by_default_when_debug_is_off(reload_settings):
    fresh = reload_settings(DEBUG="false", SECURE_SSL_REDIRECT=None, SECURE_HSTS_SECONDS=None)
    assert fresh.SECURE_SSL_REDIRECT is True
    assert fresh.SECURE_HSTS_SECONDS == 31536000
    assert fresh.SESSION_COOKIE_SECURE is True
    assert fresh.CSRF_COOKIE_SECURE is True
    assert fresh.SECURE_PROXY_SSL_HEADER is None


def test_development_defaults_stay_on_plain_http(reload_settings):
    fresh = reload_settings(DEBUG="true", SECURE_SSL_REDIRECT=None, SECURE_HSTS_SECONDS=None)
    assert fresh.SECURE_SSL_REDIRECT is False
    assert fresh.SECURE_HSTS_SECONDS == 0
    assert fresh.SESSION_COOKIE_SECURE is False


def test_proxy_ssl_header_is_read_and_validated(reload_settings):
    assert reload_settings(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https").SECURE_PROXY_SSL_HEADER == (
        "HTTP_X_FORWARDED_PROTO",
        "https",
    )
    with pytest.raises(ImproperlyConfigured, match="SECURE_PROXY_SSL_HEADER"):
        reload_settings(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")


@pytest.mark.parametrize("key", [None, "", "django-insecure-dev-only", "change-me"])
def test_refuses_to_start_with_a_missing_or_placeholder_key(reload_settings, key):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        reload_settings(DEBUG="false", SECRET_KEY=key)


def test_the_example_environment_cannot_start_unedited(reload_settings):
    """costmonitor.env.example holds no usable secret: copied as is, costmonitor refuses to start."""
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        reload_settings(DEBUG=env_example()["DEBUG"], SECRET_KEY=env_example()["SECRET_KEY"])


@pytest.mark.django_db
def test_plain_http_is_redirected_but_probes_are_not(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    redirected = client.get("/admin/login/")
    assert redirected.status_code == 301
    assert redirected["Location"].startswith("https://")
    assert client.get("/admin/login/", headers={"X-Forwarded-Proto": "https"}).status_code == 301
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/admin/login/", headers={"X-Forwarded-Proto": "https"}).status_code == 200
    for probe in ("/health", "/health/live", "/health/ready", "/metrics"):
        assert client.get(probe).status_code != 301
