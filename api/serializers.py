"""Response shapes of the API's `data`, one serializer per dataset; account ids leave through `public_account_id`."""

from rest_framework import serializers

from collection.models import AwsAccount, CollectionRun, CostForecast, OptimizationRecommendation
from costmonitor.masking import public_account_id

MONEY = {"max_digits": 24, "decimal_places": 10}


class PublicAccountIdField(serializers.CharField):
    """An account id, masked (1234****5678) when MASK_ACCOUNT_IDS is on."""

    def to_representation(self, value):
        return public_account_id(str(value))


class WindowSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="Inclusive.")


class CostRowSerializer(serializers.Serializer):
    period = serializers.DateField(required=False, help_text="The day, or the first day of the month.")
    service = serializers.CharField(required=False)
    account_id = PublicAccountIdField(required=False)
    region = serializers.CharField(required=False)
    charge_type = serializers.CharField(
        required=False, help_text="Cost Explorer's RECORD_TYPE as AWS spells it: Usage, Credit, Tax, …"
    )
    amount = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="null: a net metric not collected for every day of the row yet."
    )
    currency = serializers.CharField()


class CostsSerializer(WindowSerializer):
    granularity = serializers.CharField()
    group_by = serializers.ListField(child=serializers.CharField())
    metric = serializers.CharField()
    total = serializers.DecimalField(
        **MONEY,
        allow_null=True,
        help_text="Total of the whole window under the filters, in its one currency (0 without costs); null when "
        "the window holds costs in several currencies, which are never added: read `totals`, or for a net metric "
        "some day lacks.",
    )
    totals = serializers.DictField(
        child=serializers.DecimalField(**MONEY, allow_null=True),
        help_text="Total of the whole window under the filters per currency (ISO 4217 code); null for a net metric "
        "some day lacks.",
    )
    rows = CostRowSerializer(many=True)


class ForecastSerializer(serializers.ModelSerializer):
    account_id = serializers.SerializerMethodField(help_text="null for the whole organization.")

    class Meta:
        model = CostForecast
        fields = [
            "account_id",
            "period_start",
            "period_end",
            "granularity",
            "metric",
            "mean",
            "lower_bound",
            "upper_bound",
            "prediction_interval",
            "currency",
            "generated_at",
        ]
        extra_kwargs = {"period_end": {"help_text": "Exclusive, as in Cost Explorer."}}

    def get_account_id(self, obj) -> str | None:
        return public_account_id(obj.scope) if obj.scope else None


class TagRowSerializer(serializers.Serializer):
    tag_key = serializers.CharField()
    tag_value = serializers.CharField(allow_blank=True, help_text='"" is the untagged cost.')
    service = serializers.CharField(required=False)
    amount = serializers.DecimalField(**MONEY)
    currency = serializers.CharField()


class UntaggedShareSerializer(serializers.Serializer):
    tag_key = serializers.CharField()
    currency = serializers.CharField(help_text="One entry per tag key and currency: currencies are never added.")
    total = serializers.DecimalField(**MONEY)
    untagged = serializers.DecimalField(**MONEY)
    untagged_share = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)


class TagsSerializer(WindowSerializer):
    untagged = UntaggedShareSerializer(many=True, help_text="Per tag key and currency, over the whole window.")
    rows = TagRowSerializer(many=True)


class RecommendationSerializer(serializers.ModelSerializer):
    account_id = PublicAccountIdField()

    class Meta:
        model = OptimizationRecommendation
        fields = [
            "id",
            "type",
            "category",
            "account_id",
            "resource_id",
            "details",
            "estimated_monthly_savings",
            "currency",
            "first_seen",
            "last_seen",
            "active",
        ]


class SavingsSummarySerializer(serializers.Serializer):
    type = serializers.CharField()
    currency = serializers.CharField()
    count = serializers.IntegerField()
    estimated_monthly_savings = serializers.DecimalField(**MONEY)


class OptimizationSerializer(serializers.Serializer):
    summary = SavingsSummarySerializer(
        many=True, help_text="Per type and currency (never added up), over every matching recommendation."
    )
    recommendations = RecommendationSerializer(many=True)


class AccountSerializer(serializers.ModelSerializer):
    account_id = PublicAccountIdField()

    class Meta:
        model = AwsAccount
        fields = ["account_id", "name", "email", "status", "is_payer", "first_seen", "last_seen"]


class RunSerializer(serializers.ModelSerializer):
    """A run; its `error_detail` (the exception's own text) only when the context says the reader may see it."""

    error_detail = serializers.CharField(
        required=False,
        help_text="The exception's own text: only for staff with the collection.view_collectionrun permission.",
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("show_error_detail", False):
            data.pop("error_detail")
        return data

    class Meta:
        model = CollectionRun
        fields = [
            "id",
            "kind",
            "trigger",
            "status",
            "source",
            "started_at",
            "finished_at",
            "window_start",
            "window_end",
            "rows_written",
            "skipped_entries",
            "ce_requests",
            "ce_cost_usd",
            "aws_requests",
            "aws_retries",
            "error_code",
            "error_message",
            "error_detail",
        ]


class CeSpendSerializer(serializers.Serializer):
    requests = serializers.IntegerField()
    usd = serializers.DecimalField(max_digits=12, decimal_places=2)


class RunsSerializer(serializers.Serializer):
    ce_spend_this_month = CeSpendSerializer(help_text="Billed Cost Explorer requests and USD since the 1st (UTC).")
    last_success = serializers.DictField(
        child=serializers.DateTimeField(), help_text="When each kind last finished successfully."
    )
    runs = RunSerializer(many=True)
