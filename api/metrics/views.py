"""GET /metrics: on the metrics port; on the API port only in development or behind METRICS_TOKEN, over HTTPS."""

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from .exposition import CONTENT_TYPE, render_metrics

# Set by api.metrics.wsgi on requests that arrive through the separate metrics port.
METRICS_PORT_ENVIRON_KEY = "costmonitor.metrics_port"


def _authorized(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return True
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def _text(body: str, *, status: int) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    on_metrics_port = bool(request.META.get(METRICS_PORT_ENVIRON_KEY))
    if not on_metrics_port:
        # Off by default in production; on without a token there, costmonitor.E014 refuses to start.
        if not settings.METRICS_ON_MAIN_PORT:
            raise Http404("/metrics is served on the metrics port only")
        # /health and /metrics are exempt from the HTTPS redirect, for the metrics port's plain-HTTP scrapes
        # (its requests carry the same path); on the API port a token must not travel in clear, nor the costs.
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return _text("/metrics on this port needs HTTPS; or scrape the metrics port.\n", status=403)
    if not _authorized(request):
        response = _text("A valid bearer token (METRICS_TOKEN) is required.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(render_metrics(), content_type=CONTENT_TYPE)
