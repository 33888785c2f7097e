"""/api/costs: cost per day or month, grouped by up to two of service, account and region, or by charge type."""

from api.pagination import page_metadata
from api.params import CostParams
from api.result_caps import check_groups
from api.schema import envelope_schema
from api.serializers import CostRowSerializer, CostsSerializer
from api.views.base import CSV_RENDERERS, CachedListViewSet, wants_csv, with_coverage
from collection.selectors import GROUP_FIELDS, cost_breakdown, cost_breakdown_page, cost_coverage

FILTERS = ("account_id", "service", "region", "charge_type")


class CostViewSet(CachedListViewSet):
    renderer_classes = CSV_RENDERERS
    dataset, params_class = "costs", CostParams
    cache_prefix = "cost"

    @staticmethod
    def ordering(params: dict) -> list[str]:
        """`ordering` as the breakdown's fields, then period and groups so that pages never overlap."""
        descending, order = params["ordering"].startswith("-"), params["ordering"].lstrip("-")
        groups = [GROUP_FIELDS[g] for g in params["group_by"]]
        return [f"{'-' if descending else ''}{GROUP_FIELDS.get(order, order)}", "period", *groups]

    @envelope_schema(
        CostsSerializer,
        params=CostParams,
        csv=True,
        summary="Cost per period and group",
        description="Cost per day or month over a window (month to date by default), optionally grouped by up to "
        "two of service, account and region, or by charge type, and filtered by any of them; with the window's "
        "total. `format=csv` downloads every row. A window without stored data answers `total` 0 and "
        "`metadata.coverage`, the first and last day stored.",
    )
    def list(self, request):
        params = self.query(request)
        filters = {name: params.get(name) for name in FILTERS}
        window = {"start": params["start"], "end": params["end_exclusive"], "metric": params["metric"]}
        groups = [GROUP_FIELDS[g] for g in params["group_by"]]
        query = {
            **window,
            **filters,
            "granularity": params["granularity"],
            "group_by": params["group_by"],
            "scope": self.scope(request),
        }
        if wants_csv(request):
            return self.csv_export(
                request,
                cost_breakdown(**query).order_by(*self.ordering(params)),
                serializer=CostRowSerializer,
                columns=["period", *groups, "amount", "currency"],
                filename=f"costs_{params['start']}_{params['end']}.csv",
            )

        def compute():
            size = params["page_size"]
            found = cost_breakdown_page(
                **query, ordering=self.ordering(params), offset=(params["page"] - 1) * size, limit=size
            )
            check_groups(found.count)
            page = page_metadata(page=params["page"], page_size=size, count=found.count)
            page = with_coverage(page, found=found.count, coverage=lambda: cost_coverage(scope=query["scope"]))
            data = {**params, "total": found.total, "totals": found.totals, "rows": found.rows}
            return CostsSerializer(data).data, page

        return self.cached_list(request, compute)

    @staticmethod
    def key_parts(params: dict) -> tuple:
        return params.get("account_id"), f"{params['start']}..{params['end']}"
