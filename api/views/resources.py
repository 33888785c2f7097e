"""/api/resources: the costliest resources per service and day, which only Data Exports carry."""

from django.conf import settings

from api.pagination import paginate
from api.params import ResourceParams
from api.result_caps import check_groups
from api.schema import envelope_schema
from api.serializers import ResourceRowSerializer, ResourcesSerializer
from api.views.base import CSV_RENDERERS, CachedListViewSet, wants_csv, with_coverage
from collection.selectors import resource_costs, resource_coverage

# Said with an answer without rows: Cost Explorer keeps resource-level cost for 14 days only, and we read none.
ONLY_FROM_EXPORTS = (
    "Resource costs come only from AWS Data Exports (DATA_EXPORTS_DATASETS including costs, resource ids in the "
    "export); history collected from Cost Explorer has none."
)


class ResourceViewSet(CachedListViewSet):
    renderer_classes = CSV_RENDERERS
    dataset, params_class = "resources", ResourceParams
    cache_prefix = "resources"

    @envelope_schema(
        ResourcesSerializer,
        params=ResourceParams,
        csv=True,
        summary="Costliest resources",
        description="The DATA_EXPORTS_TOP_RESOURCES costliest resources of each service and day over a window (month "
        "to date by default), per day or summed over the window, optionally of one service or account. "
        "`format=csv` downloads every row. Only Data Exports carry resource ids: a window without stored rows "
        "answers no rows, `metadata.coverage` (the first and last day stored) and `metadata.note` saying so.",
    )
    def list(self, request):
        params = self.query(request)
        rows = resource_costs(
            granularity=params["granularity"],
            start=params["start"],
            end=params["end_exclusive"],
            service=params.get("service"),
            account_id=params.get("account_id"),
            scope=self.scope(request),
        )
        if wants_csv(request):
            daily = ["date"] if params["granularity"] == "daily" else []
            return self.csv_export(
                request,
                rows,
                serializer=ResourceRowSerializer,
                columns=[*daily, "service", "account_id", "resource_id", "amount", "currency"],
                filename=f"resources_{params['start']}_{params['end']}.csv",
            )

        def compute():
            page_rows, page = paginate(rows, page=params["page"], page_size=params["page_size"])
            check_groups(page["total_count"])
            found = page["total_count"]
            page = with_coverage(page, found=found, coverage=lambda: resource_coverage(scope=self.scope(request)))
            if not found:
                page["note"] = ONLY_FROM_EXPORTS
            data = {**params, "top": settings.DATA_EXPORTS_TOP_RESOURCES, "rows": page_rows}
            return ResourcesSerializer(data).data, page

        return self.cached_list(request, compute)

    @staticmethod
    def key_parts(params: dict) -> tuple:
        return params.get("account_id"), f"{params['start']}..{params['end']}"
