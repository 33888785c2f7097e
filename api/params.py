"""Query parameters of each endpoint, validated by serializers: a bad value is a 400 naming its field."""

import datetime as dt
import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from rest_framework import serializers

from api.fields import Choice, Date, Integer, echo, minimum_amount
from collection.models import AwsAccount, CollectionRun, OptimizationRecommendation
from collection.selectors import CHARGE_TYPE_GROUPS, GROUP_FIELDS, METRIC_FIELDS, RESOURCE_GRANULARITIES
from collection.selectors.cost_categories import stored_categories
from collection.window_ends import exclusive_end

# Filter values are matched exactly: DRF's default whitespace trimming would accept a value the schema
# refuses (and strip characters such as \x1e that str.strip() counts as whitespace). max_length keeps
# "$" from accepting a trailing newline.
ACCOUNT_ID = {
    "help_text": "Only this AWS account (12 digits).",
    "regex": r"^[0-9]{12}$",  # ASCII digits: \d also matches Arabic-Indic digits
    "max_length": 12,
    "trim_whitespace": False,
    "error_messages": {"invalid": "An AWS account id is exactly 12 digits."},
}


def ordering_field(*fields: str, default: str) -> Choice:
    """`ordering`: one of `fields`, `-` in front for descending."""
    choices = [f"{sign}{f}" for f in fields for sign in ("", "-")]
    return Choice(choices=choices, default=default, help_text="Sort key; prefix - for descending.")


class PageParams(serializers.Serializer):
    page = Integer(min_value=1, max_value=1_000_000, default=1, help_text="Page number, from 1.")
    page_size = Integer(
        min_value=1,
        max_value=settings.API_MAX_PAGE_SIZE,
        default=settings.API_PAGE_SIZE,
        help_text=f"Items per page, at most {settings.API_MAX_PAGE_SIZE} (API_MAX_PAGE_SIZE).",
    )


def check_window(*, start: dt.date, end: dt.date, given) -> None:
    """Refuse a window whose end is before its start, or longer than API_MAX_WINDOW_DAYS (a bound on the work one
    request may ask for). The error names the date the query gave (`given`): the other is a default never sent."""
    field = "end" if "end" in given else "start"
    if end < start:
        raise serializers.ValidationError({field: "end is before start."}, code="end_before_start")
    if (end - start).days >= settings.API_MAX_WINDOW_DAYS:
        raise serializers.ValidationError(
            {field: f"The window is longer than {settings.API_MAX_WINDOW_DAYS} days."}, code="window_too_long"
        )


class DateWindow(serializers.Serializer):
    """`start` and `end` dates, both included (`collection.window_ends`); month to date by default."""

    start = Date(required=False, help_text="First day, included (YYYY-MM-DD). Default: first of this month.")
    end = Date(
        required=False,
        help_text="Last day, included (YYYY-MM-DD): 1 to 30 November is start=2026-11-01&end=2026-11-30, as the "
        "commands' --end and the collection task's end take it. Default: today (UTC).",
    )

    def validate(self, attrs):
        today = timezone.now().date()
        start = attrs.setdefault("start", attrs.get("end", today).replace(day=1))
        end = attrs.setdefault("end", max(today, start))
        check_window(start=start, end=end, given=self.initial_data)
        if start > today:
            raise serializers.ValidationError(
                {"start": "start is after today: there is no cost data yet."}, code="beyond_data"
            )
        attrs["end_exclusive"] = exclusive_end(end)  # the half-open window selectors take
        return attrs


class WindowParams(DateWindow, PageParams):
    """A window of dates, paginated."""


class CostParams(WindowParams):
    granularity = Choice(choices=["daily", "monthly"], default="daily", help_text="One row per day or per month.")
    group_by = serializers.ListField(
        child=Choice(choices=sorted(GROUP_FIELDS)),
        max_length=2,
        default=list,
        help_text="Up to two of service, account, region, charge_type (repeat the parameter or separate with commas); "
        "charge_type (Cost Explorer's RECORD_TYPE: Usage, Credit, Tax, …) combines with account only.",
    )
    account_id = serializers.RegexField(required=False, **ACCOUNT_ID)
    service = serializers.CharField(
        required=False, trim_whitespace=False, max_length=255, help_text="Only this service, as AWS names it."
    )
    region = serializers.CharField(
        required=False, trim_whitespace=False, max_length=64, help_text="Only this region code, e.g. eu-west-1."
    )
    charge_type = serializers.CharField(
        required=False,
        trim_whitespace=False,
        max_length=64,
        help_text="One charge type (Usage, Credit, Refund, Tax, SavingsPlanRecurringFee, …), in any case.",
    )
    metric = Choice(
        choices=sorted(METRIC_FIELDS),
        default="unblended",
        help_text="net_unblended and net_amortized are after discounts; an amount is null where a day of it was "
        "collected before net cost was (until re-collected).",
    )
    ordering = ordering_field("period", "amount", *sorted(GROUP_FIELDS), default="period")

    def validate_group_by(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError("group_by repeats a field.", code="duplicate")
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        field = attrs["ordering"].lstrip("-")
        if field in GROUP_FIELDS and field not in attrs["group_by"]:
            raise serializers.ValidationError(
                {"ordering": f"Ordering by {field} needs group_by={field}."}, code="not_grouped"
            )
        by_charge_type = "charge_type" in attrs["group_by"] or attrs.get("charge_type")
        if by_charge_type and not CHARGE_TYPE_GROUPS.issuperset(attrs["group_by"]):
            raise serializers.ValidationError(
                {"group_by": "charge_type combines with account only."}, code="not_combinable"
            )
        if by_charge_type and (attrs.get("service") or attrs.get("region")):
            field = "service" if attrs.get("service") else "region"
            raise serializers.ValidationError(
                {field: f"The cost by charge type has no {field}."}, code="not_combinable"
            )
        return attrs


class FocusParams(DateWindow):
    """The FOCUS export's window: every row of it, in one file (at most API_MAX_CSV_ROWS rows)."""


class ForecastParams(PageParams):
    account_id = serializers.RegexField(required=False, **ACCOUNT_ID)


class TagParams(WindowParams):
    tag_key = serializers.CharField(
        required=False, trim_whitespace=False, max_length=128, help_text="Only this tag key."
    )
    tag_value = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=256,
        help_text="An empty value selects the untagged cost.",
    )
    service = serializers.CharField(
        required=False, trim_whitespace=False, max_length=255, help_text="Only this service, as AWS names it."
    )
    group_by = serializers.ListField(
        child=Choice(choices=["service"]), max_length=1, default=list, help_text="service: one row per service too."
    )


class CostCategoryParams(WindowParams):
    category = serializers.CharField(
        required=False,
        trim_whitespace=False,
        max_length=50,
        help_text="Only this cost category, by its name as AWS lists it (exactly); an unknown one lists those stored.",
    )
    value = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=50,
        help_text="Only this value of the categories; an empty value selects the cost no rule matched (not the "
        "category's default value, which is a value of its own).",
    )

    def validate_category(self, value):
        """A category with stored history; otherwise the error names those there are (history is never deleted,
        so a name valid once stays valid)."""
        known = stored_categories()
        if value not in known:
            there = f"choose one of: {', '.join(known)}" if known else "none is stored yet (collect cost_categories)"
            raise serializers.ValidationError(
                f"{echo(value)} is not a stored cost category; {there}.", code="invalid_choice"
            )
        return value


class ResourceParams(WindowParams):
    granularity = Choice(
        choices=list(RESOURCE_GRANULARITIES),
        default="daily",
        help_text="daily: one row per day and resource, each day by service, costliest first; total: one row per "
        "resource over the window, costliest first (the sum of the days it was among its service's costliest).",
    )
    service = serializers.CharField(
        required=False, trim_whitespace=False, max_length=255, help_text="Only this service, as AWS names it."
    )
    account_id = serializers.RegexField(required=False, **ACCOUNT_ID)


class OptimizationParams(PageParams):
    type = Choice(
        choices=OptimizationRecommendation.Type.values, required=False, help_text="Only recommendations of this type."
    )
    category = serializers.CharField(
        required=False, trim_whitespace=False, max_length=64, help_text="Only this category (e.g. Terminate, Modify)."
    )
    account_id = serializers.RegexField(required=False, **ACCOUNT_ID)
    min_savings = minimum_amount(help_text="Only recommendations saving at least this much a month.")
    active = serializers.BooleanField(
        default=True, help_text="true: recommendations AWS still makes; false: those it no longer does."
    )
    ordering = ordering_field(
        "estimated_monthly_savings", "last_seen", "account_id", "type", default="-estimated_monthly_savings"
    )


class AccountParams(PageParams):
    status = Choice(choices=AwsAccount.Status.values, required=False, help_text="Only accounts in this status.")
    is_payer = serializers.BooleanField(
        required=False, help_text="true: only the payer (management) account; false: only member accounts."
    )
    ordering = ordering_field("account_id", "name", "last_seen", default="account_id")


class RunParams(PageParams):
    kind = Choice(choices=CollectionRun.Kind.values, required=False)
    status = Choice(choices=CollectionRun.Status.values, required=False)
    trigger = Choice(choices=CollectionRun.Trigger.values, required=False)


class RunRequest(serializers.Serializer):
    kind = Choice(choices=CollectionRun.Kind.values)

    def validate(self, attrs):
        # A field DRF would drop unread (a `start` and `end`, say) would queue another collection than the one asked.
        if unknown := sorted(set(self.initial_data) - set(self.fields)):
            message = (
                "Unknown field; accepted: kind. A queued collection takes no window: the collector picks its own (a "
                "window is manage.py collect --start --end, or a periodic task's start and end, the last day included)."
            )
            raise serializers.ValidationError({name: message for name in unknown}, code="unknown_parameter")
        return attrs


def parse_query(params_class: type[serializers.Serializer], request) -> dict:
    """Validated query parameters (400 on any bad one); list parameters accept repeats and commas."""
    return dict(validated_query(params_class, query_items(request), timezone.now().date()))


def query_items(request) -> tuple:
    """`request`'s query parameters as `((name, (value, …)), …)`: what validation is memoized on."""
    # `GET`: DRF's Request (whose query_params it is) and Django's HttpRequest (the cached hot path) both have it.
    return tuple((name, tuple(values)) for name, values in request.GET.lists())


# Read by DRF itself, not by an endpoint's parameters: `format` picks the renderer (URL_FORMAT_OVERRIDE).
IGNORED_PARAMETERS = frozenset({"format"})


# Validation depends only on the parameters, the day (the default window) and settings, so repeated
# queries (a dashboard's) are validated once per process and day; errors are never memoized.
@functools.lru_cache(maxsize=1024)
def validated_query(params_class: type[serializers.Serializer], query: tuple, today: dt.date) -> dict:
    """`query` (`query_items`) validated on `today` by `params_class`; shared between callers: copy to change it."""
    given = dict(query)
    unknown = sorted(set(given) - set(params_class._declared_fields) - IGNORED_PARAMETERS)
    if unknown:  # a misspelt parameter silently ignored would answer another question than the one asked
        accepted = ", ".join(sorted({*params_class._declared_fields, *IGNORED_PARAMETERS}))
        raise serializers.ValidationError(
            {name: f"Unknown parameter; accepted: {accepted}." for name in unknown}, code="unknown_parameter"
        )
    data = {}
    for name, field in params_class._declared_fields.items():  # the class's fields: no per-request deep copy
        if name not in given:
            continue
        if isinstance(field, serializers.ListField):
            data[name] = [v for raw in given[name] for v in raw.split(",") if v]
        else:
            data[name] = given[name][-1]
    serializer = params_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@receiver(setting_changed)
def _forget_validated(**kwargs) -> None:
    validated_query.cache_clear()
