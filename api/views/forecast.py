"""/api/forecast: the latest Cost Explorer forecast per scope and period, with its bounds."""

from api.pagination import paginate
from api.params import ForecastParams
from api.schema import envelope_schema
from api.serializers import ForecastSerializer
from api.views.base import CachedListViewSet
from collection.selectors import latest_forecasts


class ForecastViewSet(CachedListViewSet):
    dataset, params_class = "forecast", ForecastParams
    cache_prefix = "forecast"

    @envelope_schema(
        ForecastSerializer,
        many=True,
        params=ForecastParams,
        summary="Latest forecasts",
        description="The latest Cost Explorer forecast of each scope (the organization, or one account) and period "
        "(this month, next month), with the bounds of its prediction interval.",
    )
    def list(self, request):
        params = self.query(request)

        def compute():
            forecasts = latest_forecasts(account_id=params.get("account_id"), scope=self.scope(request))
            items, page = paginate(forecasts, page=params["page"], page_size=params["page_size"])
            return ForecastSerializer(items, many=True).data, page

        return self.cached_list(request, compute)

    @staticmethod
    def key_parts(params: dict) -> tuple:
        return params.get("account_id"), "latest"
