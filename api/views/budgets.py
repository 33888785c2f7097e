"""/api/budgets: the AWS budgets with their limit, actual and forecast spend, and their notification thresholds."""

from api.budget_params import BudgetParams
from api.budget_serializers import BudgetSerializer
from api.pagination import paginate
from api.schema import envelope_schema
from api.views.base import CSV_RENDERERS, CachedListViewSet, wants_csv
from collection.selectors.budgets import budget_queryset

FILTERS = ("name", "budget_type", "time_unit", "unit", "over_limit", "active")
CSV_COLUMNS = [f for f in BudgetSerializer.Meta.fields if f not in {"cost_filters", "linked_accounts", "notifications"}]


class BudgetViewSet(CachedListViewSet):
    renderer_classes = CSV_RENDERERS
    dataset, params_class = "budgets", BudgetParams
    cache_prefix = "budgets"

    @envelope_schema(
        BudgetSerializer,
        many=True,
        params=BudgetParams,
        csv=True,
        summary="Budgets",
        description="The budgets set in AWS Budgets, each with its limit, actual and forecast spend of the current "
        "period in its unit, and its notification thresholds. A budget is the whole organization's unless its "
        "filters limit it to linked accounts: a scoped reader sees only the budgets limited to its own accounts. "
        "`format=csv` downloads every row (without filters and thresholds).",
    )
    def list(self, request):
        params = self.query(request)
        filters = {name: params.get(name) for name in FILTERS}
        budgets = budget_queryset(**filters, scope=self.scope(request)).order_by(params["ordering"], "pk")
        if wants_csv(request):
            return self.csv_export(
                request, budgets, serializer=BudgetSerializer, columns=CSV_COLUMNS, filename="budgets.csv"
            )

        def compute():
            items, page = paginate(
                budgets.prefetch_related("notifications"), page=params["page"], page_size=params["page_size"]
            )
            return BudgetSerializer(items, many=True).data, page

        return self.cached_list(request, compute)

    @staticmethod
    def key_parts(params: dict) -> tuple:
        return (params.get("budget_type"),)
