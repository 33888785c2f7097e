"""/api/anomalies: the cost anomalies AWS Cost Anomaly Detection reported, their impact and root causes."""

from django.db.models import Count, Sum

from api.budget_params import AnomalyParams
from api.budget_serializers import AnomaliesSerializer, AnomalySerializer
from api.pagination import paginate
from api.schema import envelope_schema
from api.views.base import CSV_RENDERERS, CachedListViewSet, wants_csv
from collection.selectors.anomalies import anomaly_queryset

FILTERS = ("start", "end", "account_id", "service", "feedback", "min_impact", "open")
CSV_COLUMNS = [f for f in AnomalySerializer.Meta.fields if f != "root_causes"]
ORDERING = {"impact": "impact_usd"}  # the parameter's name of the annotated field


class AnomalyViewSet(CachedListViewSet):
    renderer_classes = CSV_RENDERERS
    dataset, params_class = "anomalies", AnomalyParams
    cache_prefix = "anomalies"

    @envelope_schema(
        AnomaliesSerializer,
        params=AnomalyParams,
        csv=True,
        summary="Cost anomalies",
        description="The anomalies AWS Cost Anomaly Detection reported whose last day is in the window (the last "
        "ANOMALY_DAYS days by default), largest impact first, with their root causes and the feedback given in "
        "AWS. A scoped reader sees only anomalies whose every root cause is in its accounts. `format=csv` "
        "downloads every row (without root causes).",
    )
    def list(self, request):
        params = self.query(request)
        field = params["ordering"].lstrip("-")
        ordering = params["ordering"].replace(field, ORDERING.get(field, field))
        anomalies = anomaly_queryset(**{name: params.get(name) for name in FILTERS}, scope=self.scope(request))
        anomalies = anomalies.order_by(ordering, "anomaly_id")
        if wants_csv(request):
            return self.csv_export(
                request, anomalies, serializer=AnomalySerializer, columns=CSV_COLUMNS, filename="anomalies.csv"
            )

        def compute():
            items, page = paginate(
                anomalies.prefetch_related("root_causes"), page=params["page"], page_size=params["page_size"]
            )
            summary = anomalies.order_by().aggregate(count=Count("pk"), impact=Sum("impact_usd"))
            data = {
                "start": params["start"],
                "end": params["end"],
                "summary": {"count": summary["count"], "impact": summary["impact"] or 0},
                "anomalies": items,
            }
            return AnomaliesSerializer(data).data, page

        return self.cached_list(request, compute)

    @staticmethod
    def key_parts(params: dict) -> tuple:
        return (params.get("account_id"),)
