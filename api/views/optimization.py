"""/api/optimization: rightsizing, Savings Plans and Compute Optimizer recommendations, savings per type."""

from api.pagination import paginate
from api.params import OptimizationParams
from api.schema import envelope_schema
from api.serializers import OptimizationSerializer, RecommendationSerializer
from api.views.base import CSV_RENDERERS, CachedListViewSet, wants_csv
from collection.selectors import recommendation_queryset, savings_by_type

FILTERS = ("type", "category", "account_id", "min_savings", "active")
CSV_COLUMNS = [f for f in RecommendationSerializer.Meta.fields if f != "details"]


class OptimizationViewSet(CachedListViewSet):
    renderer_classes = CSV_RENDERERS
    dataset, params_class = "optimization", OptimizationParams
    cache_prefix = "optimization"

    @envelope_schema(
        OptimizationSerializer,
        params=OptimizationParams,
        csv=True,
        summary="Recommendations",
        description="Savings recommendations (rightsizing, Savings Plans purchases, Compute Optimizer), largest "
        "savings first, with the estimated monthly savings per type. `format=csv` downloads every row.",
    )
    def list(self, request):
        params = self.query(request)
        filters = {**{name: params.get(name) for name in FILTERS}, "scope": self.scope(request)}
        recommendations = recommendation_queryset(**filters).order_by(params["ordering"], "id")
        if wants_csv(request):
            return self.csv_export(
                request,
                recommendations,
                serializer=RecommendationSerializer,
                columns=CSV_COLUMNS,
                filename="optimization.csv",
            )

        def compute():
            items, page = paginate(recommendations, page=params["page"], page_size=params["page_size"])
            data = {"summary": savings_by_type(**filters), "recommendations": items}
            return OptimizationSerializer(data).data, page

        return self.cached_list(request, compute)

    @staticmethod
    def key_parts(params: dict) -> tuple:
        return (params.get("type"),)
