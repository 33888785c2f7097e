"""The web role's WSGI app: the API, admin and /health on PORT; only /metrics on METRICS_PORT (the design's ports)."""

from collections.abc import Callable, Iterable
from functools import cache

from django.conf import settings

from costmonitor.wsgi import application as web_application


@cache
def metrics_application() -> Callable:
    # Imported once costmonitor.wsgi has set Django up: the metrics app's views need the apps loaded.
    from api.metrics.wsgi import application

    return application


def listening_port(environ: dict) -> int | None:
    """The local port a request arrived on; gunicorn passes the connection as `gunicorn.socket`."""
    sock = environ.get("gunicorn.socket")
    address = sock.getsockname() if sock is not None else None
    return address[1] if isinstance(address, tuple) else None


def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
    if listening_port(environ) == settings.METRICS_PORT:
        return metrics_application()(environ, start_response)
    return web_application(environ, start_response)
