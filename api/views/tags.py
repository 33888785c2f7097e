"""/api/tags: cost per tag key and value over a window, with the untagged share of each key."""

from api.params import TagParams
from api.schema import envelope_schema
from api.serializers import TagRowSerializer, TagsSerializer
from api.views.breakdowns import ShareBreakdownViewSet
from collection.selectors import tag_cost_breakdown, tag_coverage, untagged_share


class TagViewSet(ShareBreakdownViewSet):
    dataset, params_class = "tags", TagParams
    cache_prefix = "tags"
    row_serializer, answer_serializer = TagRowSerializer, TagsSerializer

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
        return self.breakdown_answer(
            request,
            params,
            rows=tag_cost_breakdown(**filters, tag_value=params.get("tag_value"), by_service=by_service),
            columns=["tag_key", "tag_value", *(["service"] if by_service else []), "amount", "currency"],
            share=lambda: {"untagged": untagged_share(**filters)},
            coverage=lambda: tag_coverage(scope=filters["scope"]),
        )

    @staticmethod
    def key_parts(params: dict) -> tuple:
        tag_value = params.get("tag_value")
        return params.get("tag_key"), "untagged" if tag_value == "" else tag_value
