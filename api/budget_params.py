"""Query parameters of /api/budgets and /api/anomalies, validated like every endpoint's (`api.params`)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from api.fields import Choice, Date, minimum_amount
from api.params import ACCOUNT_ID, PageParams, check_window, ordering_field
from collection.budget_models import BUDGET_TYPES, FEEDBACK, TIME_UNITS
from collection.selectors.anomalies import NO_FEEDBACK
from collection.selectors.budgets import OVER


class BudgetParams(PageParams):
    name = serializers.CharField(
        required=False, trim_whitespace=False, max_length=100, help_text="Only the budget of this name, in any case."
    )
    budget_type = Choice(choices=list(BUDGET_TYPES), required=False, help_text="Only budgets of this type.")
    time_unit = Choice(choices=list(TIME_UNITS), required=False, help_text="Only budgets of this period.")
    unit = serializers.CharField(
        required=False,
        trim_whitespace=False,
        max_length=32,
        help_text="Only budgets in this unit, in any case: USD, a usage unit (GB, Hrs), PERCENTAGE.",
    )
    over_limit = Choice(
        choices=sorted(OVER),
        required=False,
        help_text="actual: only budgets spent over their limit; forecast: only those forecast over it.",
    )
    active = serializers.BooleanField(
        default=True, help_text="true: budgets AWS still has; false: those deleted in AWS since (kept here)."
    )
    ordering = ordering_field("name", "limit", "actual", "forecast", "last_seen", default="name")


class AnomalyParams(PageParams):
    start = Date(
        required=False, help_text="First last day (YYYY-MM-DD) of an anomaly listed. Default: ANOMALY_DAYS days ago."
    )
    end = Date(required=False, help_text="Latest last day (YYYY-MM-DD), inclusive. Default: today (UTC).")
    account_id = serializers.RegexField(
        required=False, **{**ACCOUNT_ID, "help_text": "Only anomalies with a root cause in this AWS account."}
    )
    service = serializers.CharField(
        required=False,
        trim_whitespace=False,
        max_length=1024,
        help_text="Only anomalies with a root cause in this service, as AWS names it, in any case.",
    )
    feedback = Choice(
        choices=[*FEEDBACK, NO_FEEDBACK],
        required=False,
        help_text=f"Only anomalies with this feedback; {NO_FEEDBACK}: those nobody gave feedback on.",
    )
    min_impact = minimum_amount(help_text="Only anomalies whose impact is at least this many USD.")
    open = serializers.BooleanField(
        required=False,
        help_text="true: anomalies not dismissed by feedback (NO, PLANNED_ACTIVITY); false: only dismissed ones.",
    )
    ordering = ordering_field("impact", "start_date", "last_day", default="-impact")

    def validate(self, attrs):
        today = timezone.now().date()
        attrs.setdefault("end", today)
        attrs.setdefault("start", min(attrs["end"], today - dt.timedelta(days=settings.ANOMALY_DAYS)))
        check_window(start=attrs["start"], end=attrs["end"], given=self.initial_data)
        return attrs
