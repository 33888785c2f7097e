"""collect_commitments: Savings Plans and reservations, their daily utilization and coverage, and their terms.

Seven Cost Explorer requests a day (and their pages), whatever the organization's size, and one free Savings Plans
call. Cost Explorer allows no daily series grouped by account for these operations ("If GroupBy is set,
Granularity can't be set"), so the daily series are the organization's, and one query grouped by LINKED_ACCOUNT
over the last settled day gives each account's reservation coverage (Savings Plans coverage groups only by
INSTANCE_FAMILY, REGION or SERVICE):
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetSavingsPlansCoverage.html
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetReservationCoverage.html

An organization without Savings Plans or reservations gets DataUnavailableException from these operations: that
is read as "no commitments" (nothing stored, nothing removed), never as a failure.
"""

import logging
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings

from collection.errors import AWSAPIError, DataValidationError, ErrorCode, aws_call
from collection.models import Commitment, CommitmentRatio, CommitmentType
from collection.services import parsing
from collection.services.context import CollectionContext, Outcome
from collection.services.pagination import each_page
from collection.services.recommendations import Entries

logger = logging.getLogger(__name__)

NO_DATA = "DataUnavailableException"
SP, RI = CommitmentType.SAVINGS_PLANS, CommitmentType.RESERVATIONS
UTILIZATION, COVERAGE = CommitmentRatio.Measure.UTILIZATION, CommitmentRatio.Measure.COVERAGE
# Large pages: each is billed. Coverage answers 20 items a page by default; the window's days fit in one.
PAGE = 1000
# What DescribeSavingsPlans lists as still committed: paid for and running, or bought to start later.
# https://docs.aws.amazon.com/savingsplans/latest/APIReference/API_DescribeSavingsPlans.html
LIVE_STATES = ["active", "queued"]
ID = ("savingsPlanId",)
PLAN_TYPES = ["Compute", "EC2Instance", "SageMaker", "Database"]
PLAN_STATES = [
    "payment-pending",
    "payment-failed",
    "active",
    "retired",
    "queued",
    "queued-deleted",
    "pending-return",
    "returned",
]
PAYMENT_OPTIONS = ["All Upfront", "Partial Upfront", "No Upfront"]
PLAN_CURRENCIES = ["CNY", "USD", "EUR"]
ACCOUNT = re.compile(r"[0-9]{12}")
CE_REQUESTS_PER_RUN = 7  # the seven queries below, one page each for most organizations


def _window(*, today: date) -> tuple[date, date]:
    """The days that can still change, as for costs (COST_RESTATEMENT_DAYS), up to yesterday: Cost Explorer's
    End must be before the current date."""
    return today - timedelta(days=settings.COST_RESTATEMENT_DAYS), today


def _period(start: date, end: date) -> dict:
    return {"Start": str(start), "End": str(end)}


def _pages(
    ctx: CollectionContext, *, operation: str, method: str, params: dict, handle, page_key: str, service: str = "ce"
) -> bool:
    """Every page of one query (`method` of the `service` client, AWS's `operation`) to `handle`; False when AWS says
    there is no data (an organization without commitments of the kind)."""
    call = getattr(ctx.client(service), method)
    try:
        each_page(call, operation=operation, params=params, handle=handle, page_key=page_key)
    except AWSAPIError as exc:
        if exc.code != NO_DATA:
            raise
        logger.info("%s: no data (an organization without such commitments)", operation)
        return False
    return True


def _ratio(percentage, *, operation: str) -> Decimal:
    """Cost Explorer's percentage string ("87.5") as a ratio from 0 to 1; anything else is malformed."""
    ratio = parsing.amount(percentage, operation=operation) / 100
    if not 0 <= ratio <= 1:
        raise DataValidationError(
            f"{operation}: percentage {percentage!r} is not within 0..100", code=ErrorCode.MALFORMED_RESPONSE
        )
    return ratio.quantize(Decimal("0.000001"))


def _daily(entries, *, percentage: Callable[[dict], object], operation: str) -> Iterator[tuple[date, Decimal]]:
    """(day, ratio) of daily entries; an entry without its period or percentage (optional members) is no data."""
    for entry in entries or []:
        start, value = parsing.optional(entry, "TimePeriod", "Start"), percentage(entry)
        if start is not None and value is not None:
            yield parsing.day(start, operation=operation), _ratio(value, operation=operation)


def _store_ratios(rows: dict[tuple, Decimal]) -> int:
    """Upsert (day, type, measure, account) → ratio. Only what an answer holds is written; nothing is removed."""
    for (day, kind, measure, account), ratio in rows.items():
        CommitmentRatio.objects.update_or_create(
            date=day, commitment_type=kind, measure=measure, account_id=account, defaults={"ratio": ratio}
        )
    return len(rows)


class Series(NamedTuple):
    """One of the organization's daily series: the query, where its answer holds each day's percentage, and what the
    series is."""

    operation: str
    method: str  # the boto3 method: named in the code, as tests/iam_actions.py finds the IAM actions
    entries: str
    percentage: tuple[str, ...]
    page_key: str  # GetSavingsPlansUtilization documents no pagination: its key is never answered
    commitment_type: str
    measure: str
    params: dict


DAILY = (
    Series(
        "GetSavingsPlansUtilization",
        "get_savings_plans_utilization",
        "SavingsPlansUtilizationsByTime",
        ("Utilization", "UtilizationPercentage"),
        "NextToken",
        SP,
        UTILIZATION,
        {},
    ),
    Series(
        "GetSavingsPlansCoverage",
        "get_savings_plans_coverage",
        "SavingsPlansCoverages",
        ("Coverage", "CoveragePercentage"),
        "NextToken",
        SP,
        COVERAGE,
        {"MaxResults": PAGE},
    ),
    Series(
        "GetReservationUtilization",
        "get_reservation_utilization",
        "UtilizationsByTime",
        ("Total", "UtilizationPercentage"),
        "NextPageToken",
        RI,
        UTILIZATION,
        {"MaxResults": PAGE},
    ),
    Series(
        "GetReservationCoverage",
        "get_reservation_coverage",
        "CoveragesByTime",
        ("Total", "CoverageHours", "CoverageHoursPercentage"),
        "NextPageToken",
        RI,
        COVERAGE,
        {"MaxResults": PAGE},
    ),
)


def _daily_ratios(ctx: CollectionContext, *, start: date, end: date) -> dict[tuple, Decimal]:
    """The organization's four daily series over [start, end)."""
    rows = {}
    for series in DAILY:

        def handle(page: dict, series=series) -> int:
            entries = parsing.field(page, series.entries, operation=series.operation)
            percentage = lambda entry: parsing.optional(entry, *series.percentage)  # noqa: E731
            for day, ratio in _daily(entries, percentage=percentage, operation=series.operation):
                rows[day, series.commitment_type, series.measure, CommitmentRatio.ORGANIZATION] = ratio
            return 0

        params = {"TimePeriod": _period(start, end), "Granularity": "DAILY", **series.params}
        _pages(
            ctx,
            operation=series.operation,
            method=series.method,
            params=params,
            handle=handle,
            page_key=series.page_key,
        )
    return rows


def _account_coverage(ctx: CollectionContext, *, day: date) -> dict[tuple, Decimal]:
    """Each account's reservation coverage of `day`: grouped by LINKED_ACCOUNT, so without a granularity; a one-day
    period is then that day."""
    operation, rows = "GetReservationCoverage", {}

    def handle(page: dict) -> int:
        for entry in parsing.field(page, "CoveragesByTime", operation=operation):
            for group in parsing.optional(entry, "Groups") or []:
                account = parsing.optional(group, "Attributes", "linkedAccount")
                value = parsing.optional(group, "Coverage", "CoverageHours", "CoverageHoursPercentage")
                if account and ACCOUNT.fullmatch(account) and value is not None:
                    rows[day, RI, COVERAGE, account] = _ratio(value, operation=operation)
        return 0

    params = {
        "TimePeriod": _period(day, day + timedelta(days=1)),
        "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}],
        "MaxResults": PAGE,
    }
    _pages(
        ctx,
        operation=operation,
        method="get_reservation_coverage",
        params=params,
        handle=handle,
        page_key="NextPageToken",
    )
    return rows


def _instant(value, *, name: str, operation: str) -> datetime | None:
    """An ISO 8601 instant of an answer ("2027-01-31T23:59:59.000Z", UTC when it names no offset); None when absent."""
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise DataValidationError(f"{operation}: {name} {value!r} is not an ISO 8601 instant") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _spelled(value, *, choices: list[str]) -> str:
    """An enum as the service model spells it (`compute` is `Compute`); a value AWS adds later, as sent."""
    try:
        return parsing.choice(value, choices=choices, operation="", name="")
    except DataValidationError:
        return str(value or "")


def _plan(entry: dict, *, owner: str) -> dict:
    """A DescribeSavingsPlans entry as Commitment fields; only its id is required."""
    operation = "DescribeSavingsPlans"
    return {
        "commitment_type": SP,
        "commitment_id": parsing.field(entry, "savingsPlanId", operation=operation),
        "account_id": owner,
        "description": _spelled(entry.get("savingsPlanType"), choices=PLAN_TYPES),
        "starts_at": _instant(entry.get("start"), name="start", operation=operation),
        "ends_at": _instant(entry.get("end"), name="end", operation=operation),
        "utilization": None,
        "details": {
            **{k: entry[k] for k in ("savingsPlanArn", "commitment") if k in entry},
            **{
                name: _spelled(entry[name], choices=choices)
                for name, choices in (
                    ("state", PLAN_STATES),
                    ("paymentOption", PAYMENT_OPTIONS),
                    ("currency", PLAN_CURRENCIES),
                )
                if name in entry
            },
        },
    }


def _reservation(group: dict) -> dict:
    """A GetReservationUtilization group (by SUBSCRIPTION_ID) as Commitment fields: its `Value` is the subscription
    id, its `Attributes` the term and the owner (accountId, startDateTime, endDateTime, instanceType, …)."""
    operation = "GetReservationUtilization"
    attributes = parsing.optional(group, "Attributes") or {}
    account = attributes.get("accountId", "")
    percentage = parsing.optional(group, "Utilization", "UtilizationPercentage")
    return {
        "commitment_type": RI,
        "commitment_id": parsing.field(group, "Value", operation=operation),
        "account_id": account if ACCOUNT.fullmatch(account) else "",
        "description": attributes.get("instanceType", ""),
        "starts_at": _instant(attributes.get("startDateTime"), name="startDateTime", operation=operation),
        "ends_at": _instant(attributes.get("endDateTime"), name="endDateTime", operation=operation),
        "utilization": None if percentage is None else _ratio(percentage, operation=operation),
        "details": {k: v for k, v in attributes.items() if k in ("region", "subscriptionStatus", "numberOfInstances")},
    }


def _savings_plans(ctx: CollectionContext, *, start: date, end: date) -> Entries:
    """The caller's live Savings Plans (free: not Cost Explorer), then each one's utilization over the window."""
    identity = aws_call(ctx.client("sts").get_caller_identity, operation="GetCallerIdentity")
    owner = parsing.field(identity, "Account", operation="GetCallerIdentity")
    plans, operation = Entries(), "DescribeSavingsPlans"

    def plan_page(page: dict) -> int:
        plans.read(page.get("savingsPlans", []), lambda e: _plan(e, owner=owner), operation=operation, id_path=ID)
        return 0

    params = {"states": LIVE_STATES, "maxResults": PAGE}
    _pages(
        ctx,
        operation=operation,
        method="describe_savings_plans",
        params=params,
        handle=plan_page,
        page_key="nextToken",
        service="savingsplans",
    )
    by_arn = {row["details"].get("savingsPlanArn"): row for row in plans.rows}
    operation = "GetSavingsPlansUtilizationDetails"

    def detail_page(page: dict) -> int:
        for detail in parsing.field(page, "SavingsPlansUtilizationDetails", operation=operation):
            value = parsing.optional(detail, "Utilization", "UtilizationPercentage")
            plan = by_arn.get(parsing.optional(detail, "SavingsPlanArn"))
            if plan is not None and value is not None:
                plan["utilization"] = _ratio(value, operation=operation)
        return 0

    # Asked even when the caller lists no plan: DescribeSavingsPlans lists the caller's own, the details every
    # account's, so a run makes the same requests whatever it finds.
    params = {"TimePeriod": _period(start, end), "DataType": ["UTILIZATION"], "MaxResults": PAGE}
    _pages(
        ctx,
        operation=operation,
        method="get_savings_plans_utilization_details",
        params=params,
        handle=detail_page,
        page_key="NextToken",
    )
    return plans


def _reservations(ctx: CollectionContext, *, start: date, end: date) -> Entries | None:
    """Every reservation of the window with its term (grouped by SUBSCRIPTION_ID); None when AWS has no data."""
    found, operation = Entries(), "GetReservationUtilization"

    def handle(page: dict) -> int:
        for entry in parsing.field(page, "UtilizationsByTime", operation=operation):
            found.read(parsing.optional(entry, "Groups") or [], _reservation, operation=operation, id_path=("Value",))
        return 0

    params = {
        "TimePeriod": _period(start, end),
        "GroupBy": [{"Type": "DIMENSION", "Key": "SUBSCRIPTION_ID"}],
        "MaxResults": PAGE,
    }
    answered = _pages(
        ctx,
        operation=operation,
        method="get_reservation_utilization",
        params=params,
        handle=handle,
        page_key="NextPageToken",
    )
    return found if answered else None


def _store_commitments(kind: str, rows: list[dict], *, now: datetime) -> int:
    """Upsert `rows` of `kind`; the others of the kind are no longer active (an answer that listed them all)."""
    seen = []
    for row in rows:
        fields = {**row}
        del fields["commitment_type"], fields["commitment_id"]
        obj, _ = Commitment.objects.update_or_create(
            commitment_type=kind,
            commitment_id=row["commitment_id"],
            defaults={**fields, "last_seen": now, "active": True},
            create_defaults={**fields, "last_seen": now, "first_seen": now, "active": True},
        )
        seen.append(obj.pk)
    Commitment.objects.filter(commitment_type=kind, active=True).exclude(pk__in=seen).update(active=False)
    return len(rows)


def collect_commitments(*, ctx: CollectionContext) -> Outcome:
    """Store the daily utilization and coverage of the window, and the live commitments with their terms."""
    start, end = _window(today=ctx.today)
    outcome = Outcome(window=(start, end))
    ratios = _daily_ratios(ctx, start=start, end=end)
    ratios |= _account_coverage(ctx, day=end - timedelta(days=1))
    outcome.rows += _store_ratios(ratios)
    plans = _savings_plans(ctx, start=start, end=end)
    outcome.rows += _store_commitments(SP, plans.rows, now=ctx.now)
    reservations = _reservations(ctx, start=start, end=end)
    if reservations is not None:  # no data: the reservations stored stay as they were
        outcome.rows += _store_commitments(RI, reservations.rows, now=ctx.now)
    outcome.skip(plans.skipped + (reservations.skipped if reservations else 0), what="commitments")
    return outcome


def estimate_commitments(*, start: date | None, end: date | None) -> int:
    return CE_REQUESTS_PER_RUN
