"""/api/tags: cost per tag key and value over a window, with the untagged share of each key."""

from api.pagination import paginate
from api.params import TagParams
from api.result_caps import check_groups
from api.schema import envelope_schema
from api.serializers import TagRowSerializer, TagsSerializer
from api.views.base import CSV_RENDERERS, CachedListViewSet, wants_csv, with_coverage
from collection.selectors import tag_cost_breakdown, tag_coverage, untagged_share


class TagViewSet(CachedListViewSet):
    renderer_classes = CSV_RENDERERS
    dataset, params_class = "tags", TagParams
    cache_prefix = "tags"

    @envelope_schema(
        TagsSerializer,
        params=TagParams,
        csv=True,
        summary="Cost by tag",
        description="Cost per tag key and value over a window (month to date by default), optionally per service, "
        "with each key's untagged share. `format=csv` downloads every row. A window without stored data answers no "
        "rows and `metadata.coverage`, the first and last day of tag cost stored.",
    )
    def list(self, request):
        params = self.query(request)
        filters = {
            "start": params["start"],
            "end": params["end_exclusive"],
            "tag_key": params.get("tag_key"),
            "service": params.get("service"),
            "scope": self.scope(request),
        }
        by_service = "service" in params["group_by"]
        rows = tag_cost_breakdown(**filters, tag_value=params.get("tag_value"), by_service=by_service)
        if wants_csv(request):
            return self.csv_export(
                request,
                rows,
                serializer=TagRowSerializer,
                columns=["tag_key", "tag_value", *(["service"] if by_service else []), "amount", "currency"],
                filename=f"tags_{params['start']}_{params['end']}.csv",
            )

        def compute():
            page_rows, page = paginate(rows, page=params["page"], page_size=params["page_size"])
            check_groups(page["total_count"])
            page = with_coverage(page, found=page["total_count"], coverage=lambda: tag_coverage(scope=filters["scope"]))
            data = {**params, "untagged": untagged_share(**filters), "rows": page_rows}
            return TagsSerializer(data).data, page

        return self.cached_list(request, compute)

    @staticmethod
    def key_parts(params: dict) -> tuple:
        tag_value = params.get("tag_value")
        return params.get("tag_key"), "untagged" if tag_value == "" else tag_value
