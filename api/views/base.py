"""What every dataset view shares: an enveloped response with cache and page metadata, cached reads."""

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api import hot_read
from api.auth_cache import scope_label
from api.authentication import CachedTokenAuthentication
from api.caching import cached_read, fresh_payload
from api.csv_export import CSVRenderer, row_values, stream_csv
from api.envelope import EnvelopeJSONRenderer, RenderedJSON
from api.negotiation import wants_default_renderer
from api.params import parse_query, query_items, validated_query
from api.result_caps import capped_rows
from api.scopes import request_scope
from api.throttling import UserRateThrottle
from api.work_limits import expensive_work, take_slot
from collection.selectors import Scope, latest_data_source
from costmonitor.cache_keys import entry_key

CSV_RENDERERS = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]

# The view methods that decide who is let in; `HotRead.admits` stands for them only where a view keeps them.
_CHECKS = (
    "initial",
    "perform_authentication",
    "get_authenticators",
    "get_permissions",
    "get_throttles",
    "check_permissions",
    "check_throttles",
)


def enveloped(data, *, metadata: dict | None = None, status: int = 200) -> Response:
    """A Response whose envelope (rendered by EnvelopeJSONRenderer) carries `metadata`."""
    response = Response(data, status=status)
    response.envelope_metadata = metadata or {}
    return response


def with_coverage(page: dict, *, found: int, coverage: Callable[[], dict | None]) -> dict:
    """`page` metadata, with `coverage` (the first and last stored day, or None) when the answer has no rows:
    every windowed dataset's answer without data says what is stored, so a reader tells "no cost" from "no data"."""
    if found:
        return page
    days = coverage()
    return {**page, "coverage": days and {name: str(day) for name, day in days.items()}}


def wants_csv(request) -> bool:
    return request.accepted_renderer.format == "csv"


# A list whose cached answer is named by its query (`cache_prefix`, `key_parts`): read with the request's
# user and throttle count in one cache round trip (`api.hot_read`), and answered before DRF's request cycle
# when that read alone admits the request.
#
# Only a view whose checks are the ones that read evaluates (token authentication first, IsAuthenticated,
# UserRateThrottle, none of DRF's check methods overridden) is read and answered that way, which is decided
# per request; any other goes through DRF's whole cycle and asks the cache itself, so a cached hit never
# skips a check a view asks for. (A comment, not a docstring: drf-spectacular would publish a docstring as
# every subclass's endpoint description.)
class CachedListViewSet(viewsets.ViewSet):
    dataset: str
    cache_prefix: str
    params_class: type[serializers.Serializer]
    _query: dict | None = None
    _scope: tuple[Scope | None] | None = None

    @staticmethod
    def key_parts(params: dict) -> tuple:
        """The design's key parts of `params` (a view's own), between `cache_prefix` and the query's digest."""
        raise NotImplementedError

    def query(self, request) -> dict:
        """The request's validated query parameters, parsed once per request (DRF makes a view per request)."""
        if self._query is None:
            self._query = parse_query(self.params_class, request)
        return self._query

    def scope(self, request) -> Scope | None:
        """What the authenticated request may see (`api.scopes.request_scope`), found once per request."""
        if self._scope is None:
            self._scope = (request_scope(request),)
        return self._scope[0]

    def query_entry_key(self, request, label: str | None = None) -> str:
        """The cache key of the request's answer under the scope named `label` (by default, the request's own)."""
        if label is None:
            label = scope_label(self.scope(request))
        today = timezone.now().date()
        return _entry_key(type(self), query_items(request), today, settings.MASK_ACCOUNT_IDS, label)

    def dispatch(self, request, *args, **kwargs):
        """A cached JSON answer that the cache round trip alone admits leaves before DRF's request cycle.

        The round trip already did that cycle's work for it: the token's user, the throttle count and the
        rendered data. Anything else (a miss, a bad parameter, an unknown or throttled token, Redis down,
        another format, a view with other checks) goes through DRF as usual, with what the round trip read.
        """
        if request.method == "GET" and self.action_map.get("get") == "list" and wants_default_renderer(request):
            hot = self.prefetch(request)
            if hot is not None and hot.admits():
                hit = fresh_payload(hot.found.get(hot.entry_key), version=hot.found.get(hot.version_key))
                if hit is not None:
                    (data, page), age = hit
                    return self.cached_response(data, metadata={"cached": True, "cache_age": age, **page})
        return super().dispatch(request, *args, **kwargs)

    def prefetch(self, request) -> hot_read.HotRead | None:
        """The request's round trip (`api.hot_read.prefetch`), for a view whose checks `HotRead.admits` evaluates."""
        view = type(self)
        if not (
            view.authentication_classes[:1] == [CachedTokenAuthentication]
            and list(view.permission_classes) == [IsAuthenticated]
            and list(view.throttle_classes) == [UserRateThrottle]
            and all(getattr(view, name) is getattr(CachedListViewSet, name) for name in _CHECKS)
        ):
            return None
        throttle = UserRateThrottle()
        return hot_read.prefetch(
            request,
            dataset=self.dataset,
            entry_key=lambda label: self.query_entry_key(request, label),
            rate_limit=throttle.num_requests,
            period=throttle.duration,
        )

    def cached_response(self, data: RenderedJSON, *, metadata: dict) -> HttpResponse:
        """The response DRF would make of `enveloped(data, metadata=metadata)` for JSON, made directly."""
        renderer = EnvelopeJSONRenderer()
        response = HttpResponse(renderer.render_success(data, metadata=metadata), content_type=renderer.media_type)
        for name, value in self.default_response_headers.items():
            response[name] = value
        return response

    def perform_authentication(self, request) -> None:
        if self.action == "list" and not wants_csv(request):
            self.prefetch(request)
        super().perform_authentication(request)

    def cached_list(self, request, compute: Callable[[], tuple[dict, dict]]) -> Response:
        """Answer from the cache when it holds the query's entry, else from `compute()` → `(data, page metadata)`.

        The cache keeps `data` rendered, so a hit is answered without serializing it again.
        """

        def rendered() -> tuple[RenderedJSON, dict]:
            with expensive_work(request):
                data, page = compute()
            # Demo data must never pass for a real bill. Kept with the entry: a finished run bumps the version.
            return RenderedJSON.of(data), {**page, "data_source": latest_data_source()}

        (data, page), cached, age = cached_read(
            request, dataset=self.dataset, key=self.query_entry_key(request), compute=rendered
        )
        return enveloped(data, metadata={"cached": cached, "cache_age": age, **page})

    def csv_export(
        self, request, rows: QuerySet, *, serializer: type[serializers.Serializer], columns: list[str], filename: str
    ) -> StreamingHttpResponse:
        """`rows` as a streamed CSV download, each through `serializer`, at most API_MAX_CSV_ROWS of them.

        An export holds one of the process's slots (`api.work_limits`) until its download ends: streaming
        keeps a thread busy as long as computing does.
        """
        values = row_values(serializer, columns)
        return slot_export(
            request,
            rows,
            lambda found, release: stream_csv(
                found, values=values, columns=columns, filename=filename, on_close=release
            ),
        )


def slot_export(
    request,
    rows: Any,
    respond: Callable[[Iterator, Callable[[], None]], HttpResponseBase],
    *,
    capped: Callable[[Any], Iterator] = capped_rows,
) -> HttpResponseBase:
    """`respond(found, release)`: the export of `rows` (at most API_MAX_CSV_ROWS of them, `capped(rows)`: by
    default `capped_rows`) while one of the process's slots (`api.work_limits`) is held, until `release()` (or
    `respond` raises)."""
    slot = take_slot(request)
    try:
        return respond(capped(rows), slot.release)
    except BaseException:
        slot.release()
        raise


# An entry key depends only on the view, the query, the day (its default window), settings and the reader's scope,
# so, as its validation (`validated_query`), it is computed once per process and day; a refused query is never
# memoized.
@functools.lru_cache(maxsize=1024)
def _entry_key(view: type[CachedListViewSet], query: tuple, today: dt.date, masked: bool, scope: str) -> str:
    params = validated_query(view.params_class, query, today)
    return entry_key(prefix=view.cache_prefix, parts=view.key_parts(params), query=params, masked=masked, scope=scope)


@receiver(setting_changed)
def _forget_entry_keys(**kwargs) -> None:
    _entry_key.cache_clear()
