"""/api/runs: collection history with this month's Cost Explorer spend; staff can start a collection."""

from rest_framework import exceptions, permissions, status, viewsets

from api.pagination import paginate
from api.params import RunParams, RunRequest, parse_query
from api.schema import envelope_schema
from api.scopes import IsUnscoped
from api.serializers import RunSerializer, RunsSerializer
from api.views.base import enveloped
from collection import services
from collection.models import CollectionRun
from collection.selectors import ce_spend_this_month, last_success_by_kind, run_queryset


class RunViewSet(viewsets.ViewSet):
    """Never cached: it shows live collection state, queued and running runs included. Unscoped readers only: runs
    cover every account (their errors may name any) and the organization's Cost Explorer spend."""

    lookup_value_regex = r"\d{1,18}"  # within a bigint
    permission_classes = [permissions.IsAuthenticated, IsUnscoped]

    def get_permissions(self):
        if self.action == "create":
            return [*super().get_permissions(), permissions.IsAdminUser()]
        return super().get_permissions()

    @envelope_schema(RunsSerializer, params=RunParams, summary="Collection history")
    def list(self, request):
        params = parse_query(RunParams, request)
        runs = run_queryset(kind=params.get("kind"), status=params.get("status"), trigger=params.get("trigger"))
        items, page = paginate(runs.order_by("-started_at", "-id"), page=params["page"], page_size=params["page_size"])
        data = {"ce_spend_this_month": ce_spend_this_month(), "last_success": last_success_by_kind(), "runs": items}
        return enveloped(RunsSerializer(data).data, metadata=page)

    @envelope_schema(RunSerializer, summary="One collection run")
    def retrieve(self, request, pk: str):
        run = run_queryset().filter(pk=pk).first()
        if run is None:
            raise exceptions.NotFound(f"No collection run {pk}.")
        return enveloped(RunSerializer(run).data)

    @envelope_schema(RunSerializer, request=RunRequest, status_code=202, summary="Start a collection (staff)")
    def create(self, request):
        body = RunRequest(data=request.data)
        body.is_valid(raise_exception=True)
        run = services.enqueue_collection(kind=body.validated_data["kind"], trigger=CollectionRun.Trigger.API)
        return enveloped(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
