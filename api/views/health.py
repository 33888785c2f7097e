"""/health, /health/live and /health/ready: no authentication, enveloped answers.

/health: 200 healthy or degraded (with which checks failed), 503 without a database; it also says which checks
each probe makes. /health/live: 200 while the process serves (liveness checks nothing else, so a database outage
never gets a web container restarted). /health/ready: 200 when the database and the broker answer, else 503.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.views import APIView

from api.health_checks import PROBES, health_report, is_ready, readiness_report
from api.schema import ErrorEnvelopeSerializer, envelope_serializer
from api.views.base import enveloped


class Unavailable(exceptions.APIException):
    """A 503 whose envelope's details hold the checks."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE

    def __init__(self, details: dict):
        super().__init__()
        self.details = details


class DatabaseUnavailable(Unavailable):
    default_detail = "The database is unreachable."
    default_code = "database_unavailable"


class NotReady(Unavailable):
    default_detail = "Not ready: the database or the broker is unreachable."
    default_code = "not_ready"


class ProbeSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="The probe's URL path.")
    checks = serializers.ListField(child=serializers.CharField(), help_text="What the probe checks.")


class ProbesSerializer(serializers.Serializer):
    liveness = ProbeSerializer(help_text="The liveness probe: restart the process when it fails.")
    readiness = ProbeSerializer(help_text="The readiness probe: send no traffic while it fails.")


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["healthy", "degraded"], help_text="degraded: the database answers but something else does not."
    )
    ready = serializers.BooleanField(help_text="What /health/ready answers: its checks all pass.")
    checks = serializers.DictField(
        help_text="database, cache, broker, collections (per kind), data_source, schedule (paused: scheduled AWS "
        "collections wait for the first-run go-ahead; resume: the command that gives it), duration_seconds."
    )
    probes = ProbesSerializer(help_text="The path of each probe and the checks it makes.")


class LiveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["alive"], help_text="Always alive.")


class ReadySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ready"], help_text="Always ready (else a 503).")
    checks = serializers.DictField(help_text="database, broker.")


class ProbeView(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = []


class HealthView(ProbeView):
    @extend_schema(
        summary="Service health",
        description="Whether the database, cache and broker answer and each collection kind is fresh; healthy "
        "or degraded (200), or a 503 when the database is down. No authentication.",
        responses={
            200: envelope_serializer(HealthSerializer),
            503: OpenApiResponse(ErrorEnvelopeSerializer, description="DATABASE_UNAVAILABLE; details hold the checks."),
        },
    )
    def get(self, request):
        state, checks = health_report()
        if state == "unhealthy":
            raise DatabaseUnavailable(checks)
        return enveloped({"status": state, "ready": is_ready(checks), "checks": checks, "probes": PROBES})


class LiveView(ProbeView):
    @extend_schema(
        summary="Liveness: the process serves",
        description="200 as long as the process answers requests; checks nothing else. No authentication.",
        responses={200: envelope_serializer(LiveSerializer)},
    )
    def get(self, request):
        return enveloped({"status": "alive"})


class ReadyView(ProbeView):
    @extend_schema(
        summary="Readiness: the database and the broker are reachable",
        description="200 when the database and the broker answer, so the process can serve and queue work; a "
        "503 NOT_READY otherwise. No authentication.",
        responses={
            200: envelope_serializer(ReadySerializer),
            503: OpenApiResponse(ErrorEnvelopeSerializer, description="NOT_READY; details hold the checks."),
        },
    )
    def get(self, request):
        ready, checks = readiness_report()
        if not ready:
            raise NotReady(checks)
        return enveloped({"status": "ready", "checks": checks})
