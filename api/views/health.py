"""/health: no authentication; 200 healthy or degraded (with which checks failed), 503 without a database."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.views import APIView

from api.health_checks import health_report
from api.schema import ErrorEnvelopeSerializer, envelope_serializer
from api.views.base import enveloped


class DatabaseUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database is unreachable."
    default_code = "database_unavailable"

    def __init__(self, details: dict):
        super().__init__()
        self.details = details


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["healthy", "degraded"])
    checks = serializers.DictField(help_text="database, cache, broker, collections (per kind), duration_seconds.")


class HealthView(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = []

    @extend_schema(
        summary="Service health",
        responses={
            200: envelope_serializer(HealthSerializer),
            503: OpenApiResponse(ErrorEnvelopeSerializer, description="DATABASE_UNAVAILABLE; details hold the checks."),
        },
    )
    def get(self, request):
        state, checks = health_report()
        if state == "unhealthy":
            raise DatabaseUnavailable(checks)
        return enveloped({"status": state, "checks": checks})
