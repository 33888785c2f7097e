"""/api/runs: collection history with this month's Cost Explorer spend; permitted users can start a collection."""

from drf_spectacular.utils import OpenApiParameter
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

# The admin's "Run now" asks the same: every collection spends Cost Explorer requests.
RUN_PERMISSION = "collection.add_collectionrun"
# The exception text of a failed run names internal hosts and SQL: the admin shows it to staff who may view runs.
DETAIL_PERMISSION = "collection.view_collectionrun"

RUN_ID_PATH = r"[0-9]{1,18}"  # within a bigint; ASCII digits only (\d also matches Arabic-Indic digits)


class CanStartCollections(permissions.BasePermission):
    message = f"Starting a collection needs the {RUN_PERMISSION} permission."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.has_perm(RUN_PERMISSION))


class RunInProgress(exceptions.APIException):
    """409: a run of that kind is already queued or running; `details` name it, and no second run is queued."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "run_in_progress"

    def __init__(self, run: CollectionRun) -> None:
        super().__init__(f"A {run.kind} run is already {run.status}: run {run.pk}; no other run was queued.")
        self.details = {"run_id": run.pk, "kind": run.kind, "status": run.status}


def _serializer_context(request) -> dict:
    user = request.user
    return {"show_error_detail": bool(user.is_staff and user.has_perm(DETAIL_PERMISSION))}


# Never cached: it shows live collection state, queued and running runs included. Unscoped readers only: runs
# cover every account (their errors may name any) and the organization's Cost Explorer spend.
class RunViewSet(viewsets.ViewSet):
    lookup_value_regex = RUN_ID_PATH
    permission_classes = [permissions.IsAuthenticated, IsUnscoped]

    def get_permissions(self):
        if self.action == "create":
            return [*super().get_permissions(), CanStartCollections()]
        return super().get_permissions()

    @envelope_schema(
        RunsSerializer,
        params=RunParams,
        summary="Collection history",
        description="Collection runs, newest first, with this month's billed Cost Explorer requests and when each "
        "kind last succeeded. Live (never cached); only for tokens not limited to some accounts.",
    )
    def list(self, request):
        params = parse_query(RunParams, request)
        runs = run_queryset(kind=params.get("kind"), status=params.get("status"), trigger=params.get("trigger"))
        items, page = paginate(runs.order_by("-started_at", "-id"), page=params["page"], page_size=params["page_size"])
        data = {"ce_spend_this_month": ce_spend_this_month(), "last_success": last_success_by_kind(), "runs": items}
        return enveloped(RunsSerializer(data, context=_serializer_context(request)).data, metadata=page)

    @envelope_schema(
        RunSerializer,
        summary="One collection run",
        path_parameter=OpenApiParameter(
            "id", str, OpenApiParameter.PATH, pattern=f"^{RUN_ID_PATH}$", description="The run's id."
        ),
        description="One collection run by its id: what it collected, its Cost Explorer requests and any error.",
    )
    def retrieve(self, request, pk: str):
        run = run_queryset().filter(pk=pk).first()
        if run is None:
            raise exceptions.NotFound(f"No collection run {pk}.")
        return enveloped(RunSerializer(run, context=_serializer_context(request)).data)

    @envelope_schema(
        RunSerializer,
        request=RunRequest,
        status_code=202,
        summary=f"Start a collection (permission {RUN_PERMISSION})",
        description="Queues a collection of `kind` now and answers the queued run (202); poll /api/runs/{id}/ "
        "for its outcome. It takes no window: the collector picks its own, as a schedule's (a window is "
        "`manage.py collect --start --end`, or a periodic task's `start` and `end`, the last day included). A run "
        "of that kind already queued or running is a 409 and nothing new is queued.",
        errors={409: "RUN_IN_PROGRESS: a run of that kind is queued or running; details.run_id names it."},
    )
    def create(self, request):
        body = RunRequest(data=request.data)
        body.is_valid(raise_exception=True)
        queued = services.queue_collection(kind=body.validated_data["kind"], trigger=CollectionRun.Trigger.API)
        if not queued.created:
            raise RunInProgress(queued.run)
        return enveloped(
            RunSerializer(queued.run, context=_serializer_context(request)).data, status=status.HTTP_202_ACCEPTED
        )
