"""What every dataset view shares: an enveloped response with cache and page metadata, cached reads."""

from collections.abc import Callable

from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api import hot_read
from api.caching import cached_read
from api.csv_export import CSVRenderer
from api.envelope import RenderedJSON
from api.params import parse_query

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
    and throttle count in one cache round trip, before authenticating (`api.hot_read`)."""

    dataset: str
    params_class: type[serializers.Serializer]

    def entry_key(self, params: dict) -> str:
        raise NotImplementedError

    def perform_authentication(self, request) -> None:
        if self.action == "list" and not wants_csv(request):
            hot_read.prefetch(
                request, dataset=self.dataset, entry_key=lambda: self.entry_key(parse_query(self.params_class, request))
            )
        super().perform_authentication(request)

    def cached_list(self, request, params: dict, compute: Callable[[], tuple[dict, dict]]) -> Response:
        """Answer from the cache when it holds `params`' entry, else from `compute()` → `(data, page metadata)`.

        The cache keeps `data` rendered, so a hit is answered without serializing it again.
        """

        def rendered() -> tuple[RenderedJSON, dict]:
            data, page = compute()
            return RenderedJSON.of(data), page

        (data, page), cached, age = cached_read(
            dataset=self.dataset,
            key=self.entry_key(params),
            compute=rendered,
            hot_read=getattr(request, "hot_read", None),
        )
        return enveloped(data, metadata={"cached": cached, "cache_age": age, **page})
