"""/metrics (every account id and cost) is closed on the API port in production; the metrics port serves it on the
address the operator chooses."""

import runpy
import sys
import urllib.request
from wsgiref.util import setup_testing_defaults

import pytest

from api.metrics.views import METRICS_PORT_ENVIRON_KEY
from costmonitor.checks import check_settings
from tests.metrics.servers import server_env
from tests.processes import ROOT, free_port, start, stop, wait_until

pytestmark = pytest.mark.django_db

ON_METRICS_PORT = {METRICS_PORT_ENVIRON_KEY: True}


def test_production_closes_the_api_ports_metrics_unless_a_token_is_set(reload_settings):
    production = {"DEBUG": "false", "METRICS_ON_MAIN_PORT": None}
    assert reload_settings(**production, METRICS_TOKEN=None).METRICS_ON_MAIN_PORT is False
    assert reload_settings(**production, METRICS_TOKEN="s3cret").METRICS_ON_MAIN_PORT is True
    assert reload_settings(DEBUG="true", METRICS_ON_MAIN_PORT=None, METRICS_TOKEN=None).METRICS_ON_MAIN_PORT is True


def test_the_api_port_answers_404_by_default(client, settings):
    settings.METRICS_ON_MAIN_PORT = False
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", **ON_METRICS_PORT).status_code == 200


def test_publishing_it_on_the_api_port_without_a_token_is_refused_in_production(settings):
    settings.DEBUG, settings.METRICS_ON_MAIN_PORT, settings.METRICS_TOKEN = False, True, ""
    (error,) = [message for message in check_settings() if message.id == "costmonitor.E014"]
    assert "METRICS_ON_MAIN_PORT must be false while DEBUG is off and METRICS_TOKEN is unset" in error.msg
    settings.METRICS_TOKEN = "s3cret"
    assert check_settings() == []


def test_the_api_port_needs_the_token_over_https(client, settings):
    settings.METRICS_ON_MAIN_PORT, settings.METRICS_TOKEN, settings.SECURE_SSL_REDIRECT = True, "s3cret", True
    bearer = {"HTTP_AUTHORIZATION": "Bearer s3cret"}
    plain = client.get("/metrics", **bearer)
    assert plain.status_code == 403
    assert b"needs HTTPS" in plain.content
    assert client.get("/metrics", secure=True).status_code == 401
    assert client.get("/metrics", secure=True, **bearer).status_code == 200


@pytest.mark.usefixtures("_keep_test_connection")
def test_the_metrics_port_serves_plain_http_inside_the_network(settings):
    """The real metrics-port WSGI app: no HTTPS redirect, the token when one is set, nothing but /metrics."""
    from api.metrics.wsgi import application

    settings.SECURE_SSL_REDIRECT, settings.METRICS_ON_MAIN_PORT, settings.METRICS_TOKEN = True, False, "s3cret"

    def get(path: str, **headers: str) -> str:
        environ, answer = {}, []
        setup_testing_defaults(environ)
        environ.update({"PATH_INFO": path, "SERVER_NAME": "127.0.0.1", "HTTP_HOST": "127.0.0.1", **headers})
        b"".join(application(environ, lambda status, _headers: answer.append(status)))
        return answer[0]

    assert get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").startswith("200")
    assert get("/metrics").startswith("401")
    assert get("/api/costs", HTTP_AUTHORIZATION="Bearer s3cret").startswith("404")


@pytest.mark.parametrize(
    ("env", "bind"),
    [
        ({}, ["0.0.0.0:5000", "0.0.0.0:8080"]),
        ({"METRICS_ADDR": "10.0.0.5"}, ["0.0.0.0:5000", "10.0.0.5:8080"]),
        ({"BIND_HOST": "127.0.0.1"}, ["127.0.0.1:5000", "127.0.0.1:8080"]),
        ({"METRICS_ADDR": "::1", "METRICS_PORT": "9100"}, ["0.0.0.0:5000", "[::1]:9100"]),
    ],
)
def test_gunicorn_binds_the_metrics_port_on_metrics_addr(monkeypatch, env, bind):
    for name in ("METRICS_ADDR", "BIND_HOST", "PORT", "METRICS_PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["bind"] == bind


@pytest.mark.integration
def test_serve_metrics_listens_on_metrics_addr(tmp_path, metrics_history):
    port = free_port()
    env = server_env(METRICS_ADDR="127.0.0.1", METRICS_PORT=str(port))
    server = start([sys.executable, "manage.py", "serve_metrics"], env=env, log=tmp_path / "metrics.log")
    try:

        def scraped() -> bytes:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as answer:
                return answer.read()

        assert b"aws_cost_total" in wait_until(scraped, what="serve_metrics to answer on METRICS_ADDR")
    finally:
        stop(server)
