"""What every dataset view shares: an enveloped response with cache and page metadata, cached reads."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api import hot_read
from api.caching import cached_read, fresh_payload
from api.csv_export import CSVRenderer
from api.envelope import EnvelopeJSONRenderer, RenderedJSON
from api.negotiation import wants_default_renderer
from api.params import parse_query
from api.throttling import UserRateThrottle
from collection.selectors import latest_data_source

CSV_RENDERERS = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]


def enveloped(data, *, metadata: dict | None = None, status: int = 200) -> Response:
    """A Response whose envelope (rendered by EnvelopeJSONRenderer) carries `metadata`."""
    response = Response(data, status=status)
    response.envelope_metadata = metadata or {}
    return response


def wants_csv(request) -> bool:
    return request.accepted_renderer.format == "csv"


class CachedListViewSet(viewsets.ViewSet):
    """A list whose cached answer is named by its query alone (`entry_key`): read with the request's user
    and throttle count in one cache round trip (`api.hot_read`), and answered before DRF's request cycle
    when that read alone admits the request."""

    dataset: str
    params_class: type[serializers.Serializer]
    _query: dict | None = None
    _entry_key: str | None = None

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        # `dispatch` answers a hit on what the round trip checked (an authenticated token, its throttle count),
        # so a view asking for other checks would have them skipped: refuse it where it is declared.
        policies = (list(cls.permission_classes), list(cls.throttle_classes))
        if policies != ([IsAuthenticated], [UserRateThrottle]):
            raise ImproperlyConfigured(
                f"{cls.__name__}: a CachedListViewSet admits cached hits by IsAuthenticated and UserRateThrottle only."
            )

    def entry_key(self, params: dict) -> str:
        raise NotImplementedError

    def query(self, request) -> dict:
        """The request's validated query parameters, parsed once per request (DRF makes a view per request)."""
        if self._query is None:
            self._query = parse_query(self.params_class, request)
        return self._query

    def query_entry_key(self, request) -> str:
        """`entry_key` of the request's query, computed once per request."""
        if self._entry_key is None:
            self._entry_key = self.entry_key(self.query(request))
        return self._entry_key

    def dispatch(self, request, *args, **kwargs):
        """A cached JSON answer that the cache round trip alone admits leaves before DRF's request cycle.

        The round trip already did that cycle's work for it: the token's user, the throttle count and the
        rendered data. Anything else (a miss, a bad parameter, an unknown or throttled token, Redis down,
        another format) goes through DRF as usual, with what the round trip read.
        """
        if request.method == "GET" and self.action_map.get("get") == "list" and wants_default_renderer(request):
            hot_read.prefetch(request, dataset=self.dataset, entry_key=lambda: self.query_entry_key(request))
            hot = request.hot_read
            if hot is not None and hot.admits() and (hit := fresh_payload(hot.entry, version=hot.version)):
                (data, page), age = hit
                return self.cached_response(data, metadata={"cached": True, "cache_age": age, **page})
        return super().dispatch(request, *args, **kwargs)

    def cached_response(self, data: RenderedJSON, *, metadata: dict) -> HttpResponse:
        """The response DRF would make of `enveloped(data, metadata=metadata)` for JSON, made directly."""
        renderer = EnvelopeJSONRenderer()
        response = HttpResponse(renderer.render_success(data, metadata=metadata), content_type=renderer.media_type)
        for name, value in self.default_response_headers.items():
            response[name] = value
        return response

    def perform_authentication(self, request) -> None:
        if self.action == "list" and not wants_csv(request):
            hot_read.prefetch(request, dataset=self.dataset, entry_key=lambda: self.query_entry_key(request))
        super().perform_authentication(request)

    def cached_list(self, request, compute: Callable[[], tuple[dict, dict]]) -> Response:
        """Answer from the cache when it holds the query's entry, else from `compute()` → `(data, page metadata)`.

        The cache keeps `data` rendered, so a hit is answered without serializing it again.
        """

        def rendered() -> tuple[RenderedJSON, dict]:
            data, page = compute()
            # Demo data must never pass for a real bill. Kept with the entry: a finished run bumps the version.
            return RenderedJSON.of(data), {**page, "data_source": latest_data_source()}

        (data, page), cached, age = cached_read(
            dataset=self.dataset,
            key=self.query_entry_key(request),
            compute=rendered,
            hot_read=getattr(request, "hot_read", None),
        )
        return enveloped(data, metadata={"cached": cached, "cache_age": age, **page})
