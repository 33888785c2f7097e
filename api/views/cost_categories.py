"""/api/cost-categories: cost per cost category and value over a window, with the uncategorized share of each."""

from rest_framework.permissions import IsAuthenticated

from api.pagination import paginate
from api.params import CostCategoryParams
from api.result_caps import check_groups
from api.schema import envelope_schema
from api.scopes import IsUnscoped
from api.serializers import CategoryRowSerializer, CostCategoriesSerializer
from api.views.base import CSV_RENDERERS, CachedListViewSet, wants_csv
from collection.selectors.cost_categories import category_cost_breakdown, uncategorized_share


# Its own endpoint rather than a group of /api/costs: a category is computed by Cost Explorer over the whole
# organization, so its rows have no account, service or region to filter, group or scope /api/costs' rows by, and
# its answer carries the uncategorized share, as /api/tags carries the untagged one. Unscoped readers only (a
# scoped reader gets a 403): every value may hold any account's cost.
class CostCategoryViewSet(CachedListViewSet):
    renderer_classes = CSV_RENDERERS
    permission_classes = [IsAuthenticated, IsUnscoped]
    dataset, params_class = "cost_categories", CostCategoryParams
    cache_prefix = "cost_categories"

    @envelope_schema(
        CostCategoriesSerializer,
        params=CostCategoryParams,
        csv=True,
        summary="Cost by cost category",
        description="Cost per cost category and value over a window (month to date by default), with each "
        "category's uncategorized share: the cost no rule matched, which Cost Explorer reports as the empty value or "
        "as the category's default value. Computed over the whole organization: unscoped readers only (403 for a "
        "scoped one). `format=csv` downloads every row.",
    )
    def list(self, request):
        params = self.query(request)
        window = {"start": params["start"], "end": params["end_exclusive"], "category": params.get("category")}
        rows = category_cost_breakdown(**window, value=params.get("value"))
        if wants_csv(request):
            return self.csv_export(
                request,
                rows,
                serializer=CategoryRowSerializer,
                columns=["category", "value", "uncategorized", "amount", "currency"],
                filename=f"cost_categories_{params['start']}_{params['end']}.csv",
            )

        def compute():
            page_rows, page = paginate(rows, page=params["page"], page_size=params["page_size"])
            check_groups(page["total_count"])
            data = {**params, "uncategorized": uncategorized_share(**window), "rows": page_rows}
            return CostCategoriesSerializer(data).data, page

        return self.cached_list(request, compute)

    @staticmethod
    def key_parts(params: dict) -> tuple:
        value = params.get("value")
        return params.get("category"), "uncategorized" if value == "" else value
