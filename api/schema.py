"""OpenAPI description of the envelope: each endpoint's data wrapped, and every error class documented."""

import functools

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers

ERRORS = {
    400: "VALIDATION_ERROR (details name each offending field), PARSE_ERROR, or RESULT_TOO_LARGE (details: count, "
    "limit, setting): ask for a shorter window, e.g. a month at a time.",
    401: "NOT_AUTHENTICATED or AUTHENTICATION_FAILED: send `Authorization: Token …` or a session.",
    403: "PERMISSION_DENIED.",
    404: "NOT_FOUND.",
    405: "METHOD_NOT_ALLOWED: the API is read-only except POST /api/runs/.",
    429: "THROTTLED: details.retry_after says when to retry.",
    500: "INTERNAL_ERROR.",
    503: "QUERY_TIMEOUT (the query ran past API_STATEMENT_TIMEOUT_MS) or SERVER_BUSY (details.retry_after).",
}


class CoverageSerializer(serializers.Serializer):
    first_day = serializers.DateField(
        help_text="The first day the dataset holds (daily cost, tag cost, or resource cost)."
    )
    last_day = serializers.DateField(help_text="The last day the dataset holds.")


class MetadataSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField(help_text="When the response was made, ISO-8601 UTC.")
    cached = serializers.BooleanField(help_text="Whether `data` came from the cache.")
    cache_age = serializers.FloatField(allow_null=True, help_text="Seconds since `data` was cached; null if not.")
    page = serializers.IntegerField(required=False, help_text="This page's number (paginated answers).")
    page_size = serializers.IntegerField(required=False, help_text="Items per page (paginated answers).")
    total_count = serializers.IntegerField(required=False, help_text="Items on every page together.")
    total_pages = serializers.IntegerField(required=False, help_text="How many pages there are.")
    coverage = CoverageSerializer(
        allow_null=True,
        required=False,
        help_text="Only on an answer without rows of a windowed dataset (/api/costs, /api/tags, /api/resources): "
        "the days it stores that the reader may see, so no data tells from no cost; null when nothing is stored.",
    )
    note = serializers.CharField(
        required=False,
        help_text="Only on an /api/resources answer without rows: resource costs come only from AWS Data Exports.",
    )
    data_source = serializers.ChoiceField(
        choices=["aws", "demo"],
        allow_null=True,
        required=False,
        help_text="Where the dataset's stored data came from: demo is synthetic; null before any collection.",
    )


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, upper-case error code.")
    message = serializers.CharField(help_text="What went wrong, for a person to read.")
    details = serializers.JSONField(allow_null=True, help_text="For VALIDATION_ERROR: [{field, code, message}].")


class ErrorEnvelopeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["error"], help_text="Always error.")
    data = serializers.JSONField(allow_null=True, help_text="Always null.")
    metadata = MetadataSerializer(help_text="About the response.")
    error = ErrorSerializer(help_text="What was refused or failed.")


@functools.cache
def envelope_serializer(data_serializer: type[serializers.Serializer], many: bool = False) -> type:
    """The success envelope around `data_serializer`, a named component of the schema."""
    name = data_serializer.__name__.removesuffix("Serializer")
    # many=False: a list action still answers one envelope object, which spectacular would wrap in an array.
    envelope_class = type(
        f"{name}{'List' if many else ''}EnvelopeSerializer",
        (serializers.Serializer,),
        {
            "__module__": __name__,
            "status": serializers.ChoiceField(choices=["success"], help_text="Always success."),
            "data": data_serializer(many=many, help_text="The answer."),
            "metadata": MetadataSerializer(help_text="About the response: cache, pages, data source."),
            "error": serializers.JSONField(allow_null=True, help_text="Always null."),
        },
    )
    return extend_schema_serializer(many=False)(envelope_class)


CSV_FORMAT = OpenApiParameter(
    "format", str, enum=["json", "csv"], description="csv streams every row of the query as text/csv, unpaginated."
)


def envelope_schema(
    data: type[serializers.Serializer],
    *,
    params: type[serializers.Serializer] | None = None,
    csv: bool = False,
    many: bool = False,
    status_code: int = 200,
    request: type[serializers.Serializer] | None = None,
    summary: str = "",
    description: str,
    path_parameter: OpenApiParameter | None = None,
    errors: dict[int, str] | None = None,
):
    """`extend_schema` for an enveloped endpoint: its parameters, its data, CSV when offered, every error (`errors`:
    those of this endpoint only), and `description`, what a reader of the docs is told it answers."""
    responses = {(status_code, "application/json"): envelope_serializer(data, many)}
    if csv:
        responses[(status_code, "text/csv")] = OpenApiResponse(OpenApiTypes.STR, description="CSV rows.")
    for code, error in {**ERRORS, **(errors or {})}.items():
        responses[(code, "application/json")] = OpenApiResponse(ErrorEnvelopeSerializer, description=error)
    parameters = [p for p in (params, CSV_FORMAT if csv else None, path_parameter) if p]
    return extend_schema(
        summary=summary, description=description, parameters=parameters, request=request, responses=responses
    )


def download_schema(*, params: type[serializers.Serializer], formats: dict[str, str], summary: str, description: str):
    """`extend_schema` for an endpoint that answers a file (`formats`: `?format=` value → media type, the first the
    default) and errors in the envelope."""
    responses = {(200, media_type): OpenApiResponse(OpenApiTypes.BINARY) for media_type in formats.values()}
    for code, error in ERRORS.items():
        responses[(code, "application/json")] = OpenApiResponse(ErrorEnvelopeSerializer, description=error)
    names = list(formats)
    file_format = OpenApiParameter(
        "format", str, enum=names, description=f"The file's format: {', '.join(names)} (default {names[0]})."
    )
    return extend_schema(
        summary=summary, description=description, parameters=[params, file_format], responses=responses
    )
