"""/api/costs: cost per day or month, grouped by up to two of service, account and region."""

from rest_framework import viewsets

from api.caching import cache_key
from api.csv_export import stream_csv
from api.pagination import paginate
from api.params import CostParams, parse_query
from api.schema import envelope_schema
from api.serializers import CostRowSerializer, CostsSerializer
from api.views.base import CSV_RENDERERS, cached_response, wants_csv
from collection.selectors import GROUP_FIELDS, cost_breakdown, cost_total

FILTERS = ("account_id", "service", "region")


class CostViewSet(viewsets.ViewSet):
    renderer_classes = CSV_RENDERERS

    @staticmethod
    def rows(params: dict, window: dict, filters: dict):
        """The aggregated rows in the requested order; built only on a cache miss or for CSV."""
        descending, order = params["ordering"].startswith("-"), params["ordering"].lstrip("-")
        groups = [GROUP_FIELDS[g] for g in params["group_by"]]
        return cost_breakdown(
            **window, **filters, granularity=params["granularity"], group_by=params["group_by"]
        ).order_by(f"{'-' if descending else ''}{GROUP_FIELDS.get(order, order)}", "period", *groups)

    @envelope_schema(CostsSerializer, params=CostParams, csv=True, summary="Cost per period and group")
    def list(self, request):
        params = parse_query(CostParams, request)
        filters = {name: params.get(name) for name in FILTERS}
        window = {"start": params["start"], "end": params["end_exclusive"], "metric": params["metric"]}
        groups = [GROUP_FIELDS[g] for g in params["group_by"]]
        if wants_csv(request):
            return stream_csv(
                (CostRowSerializer(row).data for row in self.rows(params, window, filters).iterator()),
                columns=["period", *groups, "amount", "currency"],
                filename=f"costs_{params['start']}_{params['end']}.csv",
            )

        def compute():
            rows = self.rows(params, window, filters)
            page_rows, page = paginate(rows, page=params["page"], page_size=params["page_size"])
            data = {**params, "total": cost_total(**window, **filters), "rows": page_rows}
            return CostsSerializer(data).data, page

        key = cache_key(
            prefix="cost", parts=(params.get("account_id"), f"{params['start']}..{params['end']}"), query=params
        )
        return cached_response(dataset="costs", key=key, compute=compute)
