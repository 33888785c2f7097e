"""The base of a cost breakdown with the share no key matched: /api/tags (untagged), /api/cost-categories."""

from collections.abc import Callable

from django.db.models import QuerySet
from rest_framework import serializers

from api.pagination import paginate
from api.result_caps import check_groups
from api.views.base import CSV_RENDERERS, CachedListViewSet, wants_csv, with_coverage


class ShareBreakdownViewSet(CachedListViewSet):
    """Rows of cost per key and value: a page with the unmatched share in JSON, or every row in CSV."""

    renderer_classes = CSV_RENDERERS
    row_serializer: type[serializers.Serializer]
    answer_serializer: type[serializers.Serializer]

    def breakdown_answer(
        self,
        request,
        params: dict,
        *,
        rows: QuerySet,
        columns: list[str],
        share: Callable[[], dict],
        coverage: Callable[[], dict | None],
    ):
        """`rows` answered as the request asks; `share()` (the unmatched share, keyed as the answer names it) and
        `coverage()` (the stored days, told when the window holds none) are computed on a cache miss only."""
        if wants_csv(request):
            filename = f"{self.cache_prefix}_{params['start']}_{params['end']}.csv"
            return self.csv_export(request, rows, serializer=self.row_serializer, columns=columns, filename=filename)

        def compute():
            page_rows, page = paginate(rows, page=params["page"], page_size=params["page_size"])
            check_groups(page["total_count"])
            page = with_coverage(page, found=page["total_count"], coverage=coverage)
            return self.answer_serializer({**params, **share(), "rows": page_rows}).data, page

        return self.cached_list(request, compute)
