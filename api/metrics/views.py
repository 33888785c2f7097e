"""GET /metrics, optionally behind a bearer token, optionally only on the separate metrics port."""

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


@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_ON_MAIN_PORT and not request.META.get(METRICS_PORT_ENVIRON_KEY):
        raise Http404("/metrics is served on the metrics port only")
    if not _authorized(request):
        response = HttpResponse("A valid bearer token (METRICS_TOKEN) is required.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        response["Content-Type"] = "text/plain; charset=utf-8"
        return response
    return HttpResponse(render_metrics(), content_type=CONTENT_TYPE)
