"""A WSGI app serving only /metrics, for the design's separate metrics port (see serve_metrics)."""

from collections.abc import Callable, Iterable

from django.core.wsgi import get_wsgi_application

from .views import METRICS_PORT_ENVIRON_KEY

django_application = get_wsgi_application()


def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """Everything but /metrics is a 404, so the port exposes no admin, API or health."""
    if environ.get("PATH_INFO", "").rstrip("/") != "/metrics":
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"Only /metrics is served on this port.\n"]
    environ[METRICS_PORT_ENVIRON_KEY] = True
    return django_application(environ, start_response)
