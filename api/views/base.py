"""What every dataset view shares: an enveloped response with cache and page metadata, cached reads."""

from collections.abc import Callable

from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.caching import cached_read
from api.csv_export import CSVRenderer
from api.envelope import RenderedJSON

CSV_RENDERERS = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]


def enveloped(data, *, metadata: dict | None = None, status: int = 200) -> Response:
    """A Response whose envelope (rendered by EnvelopeJSONRenderer) carries `metadata`."""
    response = Response(data, status=status)
    response.envelope_metadata = metadata or {}
    return response


def cached_response(*, dataset: str, key: str, compute: Callable[[], tuple[dict, dict]]) -> Response:
    """Answer from the cache when it holds `key`, else from `compute()` → `(data, page metadata)`.

    The cache keeps `data` rendered, so a hit is answered without serializing it again.
    """

    def rendered() -> tuple[RenderedJSON, dict]:
        data, page = compute()
        return RenderedJSON.of(data), page

    (data, page), cached, age = cached_read(dataset=dataset, key=key, compute=rendered)
    return enveloped(data, metadata={"cached": cached, "cache_age": age, **page})


def wants_csv(request) -> bool:
    return request.accepted_renderer.format == "csv"
