"""Request logging: a request id and the endpoint on every log line a request causes, and one line per request."""

import re
import secrets
import time
from collections.abc import Callable
from typing import Any

import structlog
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

logger = structlog.get_logger("costmonitor.request")

# An incoming X-Request-ID is kept only when it is short and plain, so a client cannot forge log lines through it.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Probes scraped every few seconds log at DEBUG, so they do not drown the requests people make.
QUIET_PATHS = ("/health", "/health/live", "/health/ready", "/metrics")


def request_id_for(request: HttpRequest) -> str:
    """The caller's X-Request-ID when it is well-formed, else a fresh one."""
    given = request.headers.get("X-Request-ID", "")
    # 32 URL-safe characters rather than a uuid's hex: hex ids often hold 12 digits in a row, which the log
    # masking (rightly) takes for an account id and would garble.
    return given if _REQUEST_ID.match(given) else secrets.token_urlsafe(24)


class RequestContextMiddleware:
    """Binds request_id, endpoint, method and user_agent for the request's log lines and echoes X-Request-ID."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request_id_for(request)
        # Bound until the response is closed, not just until this returns: Django logs 4xx/5xx responses
        # ("django.request") after the middleware chain, and those lines need the request's context too.
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            request_id=request.request_id,
            endpoint=request.path,
            method=request.method,
            user_agent=request.headers.get("User-Agent", ""),
        )
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        quiet = request.path.rstrip("/") in QUIET_PATHS
        (logger.debug if quiet else logger.info)(
            "request", status=response.status_code, duration_ms=round((time.perf_counter() - started) * 1000, 1)
        )
        return response


@receiver(request_finished)
def clear_request_context(**_kwargs: Any) -> None:
    structlog.contextvars.clear_contextvars()
