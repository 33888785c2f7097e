"""Counts and times REST API requests by method and route, for api_requests_total and friends."""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from prometheus_client import Counter, Histogram

API_PREFIX = "/api/"
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "unmatched"  # every path that resolves to no route: bounded, unlike raw paths

REQUESTS = Counter("api_requests_total", "REST API requests", ["method", "endpoint"])
DURATION = Histogram("api_request_duration_seconds", "REST API request duration", ["method", "endpoint"])
ERRORS = Counter("api_errors_total", "REST API responses with status 4xx or 5xx", ["method", "endpoint", "status"])


def route_of(request: HttpRequest) -> str:
    """The URL pattern that served the request, e.g. /api/costs/<int:pk>, never the raw path."""
    match = getattr(request, "resolver_match", None)
    # "api-unknown" is the catch-all that answers unknown /api/ paths with the 404 envelope: still unmatched.
    if match is None or not match.route or match.url_name == "api-unknown":
        return UNMATCHED
    return "/" + match.route.replace("^", "").replace("$", "")


class ApiMetricsMiddleware:
    """Place it early in MIDDLEWARE so the duration covers the other middleware too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        labels = {"method": request.method if request.method in METHODS else "other", "endpoint": route_of(request)}
        DURATION.labels(**labels).observe(time.perf_counter() - started)
        REQUESTS.labels(**labels).inc()
        if response.status_code >= 400:
            ERRORS.labels(**labels, status=str(response.status_code)).inc()
        return response
