"""/api/cost-categories: cost per cost category and value over a window, with the uncategorized share of each."""

from rest_framework.permissions import IsAuthenticated

from api.params import CostCategoryParams
from api.schema import envelope_schema
from api.scopes import IsUnscoped
from api.serializers import CategoryRowSerializer, CostCategoriesSerializer
from api.views.breakdowns import ShareBreakdownViewSet
from collection.selectors.cost_categories import category_cost_breakdown, category_coverage, uncategorized_share


# Its own endpoint rather than a group of /api/costs: a category is computed by Cost Explorer over the whole
# organization, so its rows have no account, service or region to filter, group or scope /api/costs' rows by, and
# its answer carries the uncategorized share, as /api/tags carries the untagged one. Unscoped readers only (a
# scoped reader gets a 403): every value may hold any account's cost.
class CostCategoryViewSet(ShareBreakdownViewSet):
    permission_classes = [IsAuthenticated, IsUnscoped]
    dataset, params_class = "cost_categories", CostCategoryParams
    cache_prefix = "cost_categories"
    row_serializer, answer_serializer = CategoryRowSerializer, CostCategoriesSerializer

    @envelope_schema(
        CostCategoriesSerializer,
        params=CostCategoryParams,
        csv=True,
        summary="Cost by cost category",
        description="Cost per cost category and value over a window (month to date by default), with each "
        "category's uncategorized share: the cost no rule matched, which Cost Explorer reports as the empty value or "
        "as the category's default value. Computed over the whole organization: unscoped readers only (403 for a "
        "scoped one). `format=csv` downloads every row. A window without stored data answers no rows and "
        "`metadata.coverage`, the first and last day of category cost stored.",
    )
    def list(self, request):
        params = self.query(request)
        window = {"start": params["start"], "end": params["end_exclusive"], "category": params.get("category")}
        return self.breakdown_answer(
            request,
            params,
            rows=category_cost_breakdown(**window, value=params.get("value")),
            columns=["category", "value", "uncategorized", "amount", "currency"],
            share=lambda: {"uncategorized": uncategorized_share(**window)},
            coverage=category_coverage,
        )

    @staticmethod
    def key_parts(params: dict) -> tuple:
        value = params.get("value")
        return params.get("category"), "uncategorized" if value == "" else value
