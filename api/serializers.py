"""Response shapes of the API's `data`, one serializer per dataset; account ids leave through `public_account_id`."""

from rest_framework import serializers

from collection.models import AwsAccount, CollectionRun, CostForecast, OptimizationRecommendation
from costmonitor.masking import public_account_id

MONEY = {"max_digits": 24, "decimal_places": 10}
# first_seen and last_seen of what collections find (accounts, recommendations).
SEEN = {
    "first_seen": {"help_text": "When a collection first found it."},
    "last_seen": {"help_text": "When a collection last found it."},
}


class PublicAccountIdField(serializers.CharField):
    """An account id, masked (1234****5678) when MASK_ACCOUNT_IDS is on."""

    def to_representation(self, value):
        return public_account_id(str(value))


class WindowSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First day of the window.")
    end = serializers.DateField(help_text="Last day of the window, inclusive.")


class CostRowSerializer(serializers.Serializer):
    period = serializers.DateField(required=False, help_text="The day, or the first day of the month.")
    service = serializers.CharField(required=False, help_text="The service (grouped by service).")
    account_id = PublicAccountIdField(required=False, help_text="The account (grouped by account).")
    region = serializers.CharField(required=False, help_text="The region code (grouped by region).")
    charge_type = serializers.CharField(
        required=False, help_text="Cost Explorer's RECORD_TYPE as AWS spells it: Usage, Credit, Tax, …"
    )
    amount = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="null: a net metric not collected for every day of the row yet."
    )
    currency = serializers.CharField(help_text="ISO 4217 code of amount.")


class CostsSerializer(WindowSerializer):
    granularity = serializers.CharField(help_text="daily or monthly, as asked.")
    group_by = serializers.ListField(child=serializers.CharField(), help_text="The grouping fields, as asked.")
    metric = serializers.CharField(help_text="The cost metric of every amount, as asked.")
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
    rows = CostRowSerializer(many=True, help_text="This page's rows, in `ordering`.")


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
        extra_kwargs = {
            "period_start": {"help_text": "First day of the forecast period."},
            "period_end": {"help_text": "Day after the forecast period (exclusive), as in Cost Explorer."},
            "granularity": {"help_text": "MONTHLY or DAILY, as Cost Explorer forecast it."},
            "metric": {"help_text": "The cost metric forecast."},
            "mean": {"help_text": "The forecast amount."},
            "lower_bound": {"help_text": "Low end of the prediction interval."},
            "upper_bound": {"help_text": "High end of the prediction interval."},
            "prediction_interval": {"help_text": "Confidence of the bounds, in percent (e.g. 80)."},
            "currency": {"help_text": "ISO 4217 code of the amounts."},
            "generated_at": {"help_text": "When Cost Explorer was asked."},
        }

    def get_account_id(self, obj) -> str | None:
        return public_account_id(obj.scope) if obj.scope else None


class TagRowSerializer(serializers.Serializer):
    tag_key = serializers.CharField(help_text="The tag key.")
    tag_value = serializers.CharField(allow_blank=True, help_text='"" is the untagged cost.')
    service = serializers.CharField(required=False, help_text="The service (group_by=service).")
    amount = serializers.DecimalField(**MONEY, help_text="Cost over the window.")
    currency = serializers.CharField(help_text="ISO 4217 code of amount.")


class UntaggedShareSerializer(serializers.Serializer):
    tag_key = serializers.CharField(help_text="The tag key.")
    currency = serializers.CharField(help_text="One entry per tag key and currency: currencies are never added.")
    total = serializers.DecimalField(**MONEY, help_text="All cost reported under this key.")
    untagged = serializers.DecimalField(**MONEY, help_text="The part of total without this tag.")
    untagged_share = serializers.DecimalField(
        max_digits=5, decimal_places=4, allow_null=True, help_text="untagged / total, 0 to 1; null when total is 0."
    )


class TagsSerializer(WindowSerializer):
    untagged = UntaggedShareSerializer(many=True, help_text="Per tag key and currency, over the whole window.")
    rows = TagRowSerializer(many=True, help_text="This page's rows.")


class CategoryRowSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="The cost category, by its name as AWS lists it.")
    value = serializers.CharField(allow_blank=True, help_text='The value; "" is the cost no rule matched.')
    uncategorized = serializers.BooleanField(
        help_text="The cost no rule matched: the empty value, or the category's default value."
    )
    amount = serializers.DecimalField(**MONEY, help_text="Unblended cost over the window.")
    currency = serializers.CharField(help_text="ISO 4217 code of amount.")


class UncategorizedShareSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="The cost category.")
    currency = serializers.CharField(help_text="One entry per category and currency: currencies are never added.")
    total = serializers.DecimalField(**MONEY, help_text="All cost of the window: every category divides all of it.")
    uncategorized = serializers.DecimalField(
        **MONEY, help_text="The part of total no rule matched (the empty value and the default value)."
    )
    uncategorized_share = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        allow_null=True,
        help_text="uncategorized / total, 0 to 1; null when total is 0.",
    )


class CostCategoriesSerializer(WindowSerializer):
    uncategorized = UncategorizedShareSerializer(many=True, help_text="Per category and currency, over the window.")
    rows = CategoryRowSerializer(many=True, help_text="This page's rows.")


class PublicResourceIdField(PublicAccountIdField):
    """A resource id; the account id an ARN holds (arn:aws:ec2:…:123456789012:…) masked as account ids are."""


class ResourceRowSerializer(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="The day (granularity=daily).")
    service = serializers.CharField(help_text="The service, as AWS names it.")
    account_id = PublicAccountIdField(help_text="The account the resource's cost is in.")
    resource_id = PublicResourceIdField(
        help_text="The resource as the export names it (line_item_resource_id, FOCUS ResourceId): an instance id, a "
        "bucket, an ARN, …"
    )
    amount = serializers.DecimalField(**MONEY, help_text="Unblended cost of the day, or of the window (total).")
    currency = serializers.CharField(help_text="ISO 4217 code of amount.")


class ResourcesSerializer(WindowSerializer):
    granularity = serializers.CharField(help_text="daily or total, as asked.")
    top = serializers.IntegerField(
        help_text="How many resources are kept per service and day (DATA_EXPORTS_TOP_RESOURCES): the costliest."
    )
    rows = ResourceRowSerializer(many=True, help_text="This page's rows.")


class RecommendationSerializer(serializers.ModelSerializer):
    account_id = PublicAccountIdField(help_text="The account of the resource.")

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
        extra_kwargs = {
            "id": {"help_text": "The recommendation's id here."},
            "type": {"help_text": "Where it comes from: rightsizing, Savings Plans or Compute Optimizer."},
            "category": {"help_text": "What to do, as AWS says it (e.g. Terminate, Modify)."},
            "resource_id": {"help_text": "The resource concerned (e.g. an instance id), or empty."},
            "details": {"help_text": "AWS's own fields about it, as collected."},
            "estimated_monthly_savings": {"help_text": "What AWS estimates it saves a month."},
            "currency": {"help_text": "ISO 4217 code of the savings."},
            **SEEN,
            "active": {"help_text": "Whether the latest collection still found it."},
        }


class SavingsSummarySerializer(serializers.Serializer):
    type = serializers.CharField(help_text="The recommendations' type.")
    currency = serializers.CharField(help_text="ISO 4217 code of the savings.")
    count = serializers.IntegerField(
        help_text="How many recommendations are counted: each resource once across every type (a rightsizing and a "
        "Compute Optimizer recommendation on one instance count once, the one saving more)."
    )
    estimated_monthly_savings = serializers.DecimalField(
        **MONEY, help_text="The counted recommendations' estimated savings a month together: rows add up."
    )
    overlapping = serializers.IntegerField(
        help_text="This type's recommendations not counted, because another one on the same resource saves more."
    )


class OptimizationSerializer(serializers.Serializer):
    summary = SavingsSummarySerializer(
        many=True,
        help_text="Per type and currency (currencies never added up), over every matching recommendation, each "
        "resource counted once: the rows of one currency add up to the savings available.",
    )
    recommendations = RecommendationSerializer(many=True, help_text="This page's recommendations, in `ordering`.")


class AccountSerializer(serializers.ModelSerializer):
    account_id = PublicAccountIdField(help_text="The 12-digit AWS account id (masked with MASK_ACCOUNT_IDS).")

    class Meta:
        model = AwsAccount
        fields = ["account_id", "name", "email", "status", "is_payer", "first_seen", "last_seen"]
        extra_kwargs = {
            "name": {"help_text": "The account's name in AWS Organizations."},
            "email": {"help_text": "The account's root email in AWS Organizations."},
            "status": {"help_text": "The account's status in AWS Organizations."},
            "is_payer": {"help_text": "Whether it is the organization's payer (management) account."},
            **SEEN,
        }


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
            "notes",
            "error_code",
            "error_message",
            "error_detail",
        ]
        extra_kwargs = {
            "id": {"help_text": "The run's id."},
            "kind": {"help_text": "What it collects."},
            "trigger": {"help_text": "What started it: the schedule, the CLI, the API, …"},
            "status": {"help_text": "queued, running, then how it ended."},
            "started_at": {"help_text": "When it was queued."},
            "finished_at": {"help_text": "When it ended; null until then."},
            "window_start": {"help_text": "First day collected."},
            "window_end": {
                "help_text": "Day after the last day collected (exclusive, as in Cost Explorer; the end a user types, "
                "in the API, the commands and task arguments, is the last day, included)."
            },
            "rows_written": {"help_text": "Rows inserted or updated."},
            "ce_cost_usd": {"help_text": "What its Cost Explorer requests cost, in USD."},
            "error_code": {"help_text": "The stable error code of a failed run, else empty."},
        }


class CeSpendSerializer(serializers.Serializer):
    requests = serializers.IntegerField(help_text="Billed Cost Explorer requests.")
    usd = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="What they cost, in USD.")


class RunsSerializer(serializers.Serializer):
    ce_spend_this_month = CeSpendSerializer(help_text="Billed Cost Explorer requests and USD since the 1st (UTC).")
    last_success = serializers.DictField(
        child=serializers.DateTimeField(), help_text="When each kind last finished successfully."
    )
    runs = RunSerializer(many=True, help_text="This page's runs, newest first.")
