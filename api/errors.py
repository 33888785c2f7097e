"""Errors as envelopes with stable codes: the DRF exception handler and Django's 400/403/404/500 under /api/."""

import logging

from django.conf import settings
from django.core.exceptions import (
    DisallowedHost,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
)
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from api.envelope import EnvelopeJSONRenderer, envelope
from api.work_limits import QueryTimeout
from costmonitor.statement_limits import StatementTimeout

logger = logging.getLogger(__name__)

ENVELOPED_PREFIXES = ("/api/", "/health")


class InternalError(exceptions.APIException):
    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail = "The server failed to answer this request; the error is logged."
    default_code = "internal_error"


class BadRequest(exceptions.APIException):
    """What Django refuses before any view reads the request: a bad Host, too many parameters, a too large body."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request is malformed."
    default_code = "bad_request"


class TooManyParameters(BadRequest):
    default_detail = f"The request has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} parameters."
    default_code = "too_many_parameters"


class RequestTooLarge(BadRequest):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."
    default_code = "request_too_large"


class DisallowedHostError(BadRequest):
    default_detail = "The Host header names a host this server does not serve (ALLOWED_HOSTS)."
    default_code = "disallowed_host"


def django_refusal(exc: SuspiciousOperation) -> BadRequest:
    """The envelope's exception for one of Django's SuspiciousOperation refusals; never its text (it echoes input)."""
    for django_class, api_class in (
        (TooManyFieldsSent, TooManyParameters),
        (RequestDataTooBig, RequestTooLarge),
        (DisallowedHost, DisallowedHostError),
    ):
        if isinstance(exc, django_class):
            return api_class()
    return BadRequest()


def _validation_details(detail, field: str | None = None) -> list[dict]:
    """Flatten DRF's nested validation detail into `[{"field", "code", "message"}]`."""
    if isinstance(detail, dict):  # int keys index a list parameter's items: the field is still the parameter
        return [
            item
            for key, value in detail.items()
            for item in _validation_details(value, field if isinstance(key, int) else key)
        ]
    if isinstance(detail, list):
        return [item for value in detail for item in _validation_details(value, field)]
    return [{"field": field, "code": detail.code, "message": str(detail)}]


def error_body(exc: exceptions.APIException) -> dict:
    """The envelope's `error` for a DRF exception: its code upper-cased, a message and details."""
    if isinstance(exc, exceptions.ValidationError):
        details = _validation_details(exc.detail)
        fields = sorted({d["field"] for d in details if d["field"]})
        message = f"Invalid parameter: {', '.join(fields)}." if fields else "Invalid request."
        return {"code": "VALIDATION_ERROR", "message": message, "details": details}
    details = getattr(exc, "details", None)
    if isinstance(exc, exceptions.Throttled):
        details = {"retry_after": exc.wait}
    return {"code": str(exc.default_code).upper(), "message": str(exc.detail), "details": details}


def envelope_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every error, expected or not, leaves as an envelope with a stable code."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, SuspiciousOperation):  # request.GET or the body read in the view: too many fields, too big
        exc = django_refusal(exc)
    elif isinstance(exc, StatementTimeout):
        logger.warning("query stopped by API_STATEMENT_TIMEOUT_MS answering %s: %s", context["request"].path, exc)
        exc = QueryTimeout()
    elif not isinstance(exc, exceptions.APIException):
        logger.exception("unhandled error answering %s", context["request"].path)
        exc = InternalError()
    response = exception_handler(exc, context)  # sets Retry-After, WWW-Authenticate, and rolls back
    response.data = error_body(exc)
    request = context["request"]
    if getattr(request, "accepted_renderer", None) is not None and request.accepted_renderer.format == "csv":
        # An error to a CSV request is still an envelope: finalize_response renders with this renderer.
        request.accepted_renderer, request.accepted_media_type = EnvelopeJSONRenderer(), "application/json"
    return response


def _enveloped_json(exc: exceptions.APIException) -> JsonResponse:
    return JsonResponse(envelope(error=error_body(exc)), status=exc.status_code)


def bad_request(request, exception):
    """Django's handler400 (a bad Host, too many parameters or too large a body, met outside DRF's views)."""
    if request.path.startswith(ENVELOPED_PREFIXES):
        refusal = django_refusal(exception) if isinstance(exception, SuspiciousOperation) else BadRequest()
        return _enveloped_json(refusal)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    """Django's handler403: the envelope under /api/ and /health, Django's page elsewhere."""
    if request.path.startswith(ENVELOPED_PREFIXES):
        return _enveloped_json(exceptions.PermissionDenied())
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    """Django's handler404: the envelope under /api/ and /health, Django's page elsewhere."""
    if request.path.startswith(ENVELOPED_PREFIXES):
        return _enveloped_json(exceptions.NotFound())
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Django's handler500: the envelope under /api/ and /health, Django's page elsewhere."""
    if request.path.startswith(ENVELOPED_PREFIXES):
        return _enveloped_json(InternalError())
    return defaults.server_error(request)
