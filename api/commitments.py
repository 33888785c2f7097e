"""/api/commitments' query parameters and response shapes: Savings Plans and reservations, utilization, coverage."""

import datetime as dt

from django.utils import timezone
from rest_framework import serializers

from api.fields import Choice, Date, Integer
from api.params import ACCOUNT_ID, WindowParams
from api.serializers import PublicAccountIdField
from collection.models import CommitmentRatio, CommitmentType

RATIO = {"max_digits": 7, "decimal_places": 6}
DEFAULT_DAYS = 30  # Cost Explorer settles a day's utilization a day or two later: a month back, not month to date


class CommitmentParams(WindowParams):
    start = Date(required=False, help_text=f"First day (YYYY-MM-DD). Default: {DEFAULT_DAYS} days before end.")
    type = Choice(choices=CommitmentType.values, required=False, help_text="Only Savings Plans or only reservations.")
    measure = Choice(
        choices=CommitmentRatio.Measure.values, required=False, help_text="Only utilization or only coverage."
    )
    account_id = serializers.RegexField(
        required=False,
        **{
            **ACCOUNT_ID,
            "help_text": "Only this AWS account's series and commitments (12 digits); the "
            "organization's series are left out.",
        },
    )
    expiring_within_days = Integer(
        min_value=0,
        max_value=3650,
        required=False,
        help_text="Only commitments whose term ends within this many days (e.g. 30).",
    )

    def validate(self, attrs):
        if "start" not in attrs:
            end = attrs.get("end", timezone.now().date())
            attrs["start"] = end - dt.timedelta(days=DEFAULT_DAYS)
        return super().validate(attrs)


class RatioRowSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The UTC day.")
    type = serializers.CharField(source="commitment_type", help_text="savings_plans or reservations.")
    measure = serializers.CharField(
        help_text="utilization: the share of the commitment used; coverage: the share of eligible usage it covered."
    )
    account_id = PublicAccountIdField(
        allow_null=True, help_text="The account; null for the whole organization's series."
    )
    ratio = serializers.DecimalField(**RATIO, help_text="0 to 1 (Cost Explorer's percentage / 100).")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["account_id"] = data["account_id"] or None
        return data


class LatestRatioSerializer(serializers.Serializer):
    type = serializers.CharField(source="commitment_type", help_text="savings_plans or reservations.")
    measure = serializers.CharField(help_text="utilization or coverage.")
    date = serializers.DateField(help_text="The latest day stored.")
    ratio = serializers.DecimalField(**RATIO, help_text="0 to 1, that day.")


class CommitmentSerializer(serializers.Serializer):
    type = serializers.CharField(source="commitment_type", help_text="savings_plans or reservations.")
    id = serializers.CharField(
        source="commitment_id", help_text="The Savings Plan's id, or the reservation's subscription id."
    )
    account_id = PublicAccountIdField(allow_null=True, help_text="The owning account; null when AWS does not say.")
    description = serializers.CharField(help_text="The plan's type (Compute, EC2Instance, …) or the instance type.")
    start = serializers.DateTimeField(source="starts_at", allow_null=True, help_text="When its term started.")
    end = serializers.DateTimeField(source="ends_at", allow_null=True, help_text="When its term ends; null: unknown.")
    days_left = serializers.SerializerMethodField(help_text="Whole days until its end; null when unknown.")
    utilization = serializers.DecimalField(
        **RATIO, allow_null=True, help_text="0 to 1 over the last collected window; null when AWS gave none."
    )

    def get_days_left(self, obj) -> int | None:
        return None if obj.ends_at is None else (obj.ends_at - timezone.now()).days

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["account_id"] = data["account_id"] or None
        return data


class CommitmentsSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First day of the window.")
    end = serializers.DateField(help_text="Last day of the window, inclusive.")
    latest = LatestRatioSerializer(
        many=True, help_text="The organization's latest day of each type and measure (empty under a scope)."
    )
    commitments = CommitmentSerializer(
        many=True, help_text="Every live commitment under the filters, soonest end first."
    )
    series = RatioRowSerializer(many=True, help_text="This page's daily ratios, by day, type, measure and account.")
