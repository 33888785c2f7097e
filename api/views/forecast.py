"""/api/forecast: the latest Cost Explorer forecast per scope and period, with its bounds."""

from rest_framework import viewsets

from api.caching import cache_key
from api.pagination import paginate
from api.params import ForecastParams, parse_query
from api.schema import envelope_schema
from api.serializers import ForecastSerializer
from api.views.base import cached_response
from collection.selectors import latest_forecasts


class ForecastViewSet(viewsets.ViewSet):
    @envelope_schema(ForecastSerializer, many=True, params=ForecastParams, summary="Latest forecasts")
    def list(self, request):
        params = parse_query(ForecastParams, request)

        def compute():
            forecasts = latest_forecasts(account_id=params.get("account_id"))
            items, page = paginate(forecasts, page=params["page"], page_size=params["page_size"])
            return ForecastSerializer(items, many=True).data, page

        key = cache_key(prefix="forecast", parts=(params.get("account_id"), "latest"), query=params)
        return cached_response(dataset="forecast", key=key, compute=compute)
