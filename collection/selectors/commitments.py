"""Reads of commitments: daily utilization and coverage, the live Savings Plans and reservations, their gauges.

Under a scope, only the accounts' own rows: the organization's series (account "") hold every account's usage,
as the organization's forecast does, and a commitment whose owner AWS does not name is no account's.
"""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Max, QuerySet
from django.utils import timezone

from collection.models import Commitment, CommitmentRatio, CommitmentType

from .filters import narrowed
from .gauges import ORGANIZATION_LABEL
from .scope import Scope, within_accounts

EXPIRY_GAUGE = "aws_commitment_expiry_timestamp_seconds"
RATIO_GAUGES = {
    (CommitmentType.SAVINGS_PLANS, CommitmentRatio.Measure.UTILIZATION): "aws_savings_plans_utilization_ratio",
    (CommitmentType.SAVINGS_PLANS, CommitmentRatio.Measure.COVERAGE): "aws_savings_plans_coverage_ratio",
    (CommitmentType.RESERVATIONS, CommitmentRatio.Measure.UTILIZATION): "aws_reservation_utilization_ratio",
    (CommitmentType.RESERVATIONS, CommitmentRatio.Measure.COVERAGE): "aws_reservation_coverage_ratio",
}


def commitment_ratio_queryset(
    *,
    start: dt.date,
    end: dt.date,
    commitment_type: str | None = None,
    measure: str | None = None,
    account_id: str | None = None,
    scope: Scope | None = None,
) -> QuerySet[CommitmentRatio]:
    """The daily ratios of [start, end) under the filters, the organization's series (account "") included."""
    qs = within_accounts(CommitmentRatio.objects.filter(date__gte=start, date__lt=end), scope)
    return narrowed(qs, commitment_type=commitment_type, measure=measure, account_id=account_id)


def live_commitments(
    *,
    commitment_type: str | None = None,
    account_id: str | None = None,
    expiring_within_days: int | None = None,
    scope: Scope | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Commitment]:
    """Commitments the latest answer listed whose term has not ended (an unknown end counts as running), soonest
    end first; `expiring_within_days` keeps those ending within that many days."""
    now = now or timezone.now()
    qs = within_accounts(Commitment.objects.filter(active=True), scope).exclude(ends_at__lte=now)
    if expiring_within_days is not None:
        qs = qs.filter(ends_at__lte=now + dt.timedelta(days=expiring_within_days))
    return narrowed(qs, commitment_type=commitment_type, account_id=account_id).order_by(
        "ends_at", "commitment_type", "commitment_id"
    )


def latest_ratios(*, account_id: str = CommitmentRatio.ORGANIZATION, scope: Scope | None = None) -> list[dict]:
    """Per type and measure, the ratio of the latest day stored for `account_id` (the organization by default)."""
    qs = within_accounts(CommitmentRatio.objects.filter(account_id=account_id), scope)
    latest = {
        (row["commitment_type"], row["measure"]): row["day"]
        for row in qs.values("commitment_type", "measure").annotate(day=Max("date")).order_by()
    }
    rows = qs.filter(date__in=set(latest.values())).values("commitment_type", "measure", "date", "ratio")
    return sorted(
        (row for row in rows if latest[row["commitment_type"], row["measure"]] == row["date"]),
        key=lambda row: (row["commitment_type"], row["measure"]),
    )


def commitment_gauges(*, today: dt.date) -> Iterator[tuple[str, dict[str, str], Decimal]]:
    """Each series' latest day (the organization's as account_id="all"), and the end of each live commitment.

    Bounded: four series for the organization, one per account with reservation coverage, one per live commitment.
    """
    rows = CommitmentRatio.objects.values("commitment_type", "measure", "account_id").annotate(day=Max("date"))
    latest = {(r["commitment_type"], r["measure"], r["account_id"]): r["day"] for r in rows.order_by()}
    days = set(latest.values())
    for row in CommitmentRatio.objects.filter(date__in=days).order_by("commitment_type", "measure", "account_id"):
        if latest[row.commitment_type, row.measure, row.account_id] == row.date:
            labels = {"account_id": row.account_id or ORGANIZATION_LABEL}
            yield RATIO_GAUGES[row.commitment_type, row.measure], labels, row.ratio
    now = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    for commitment in live_commitments(now=now).exclude(ends_at=None):
        labels = {"type": commitment.commitment_type, "id": commitment.commitment_id}
        yield EXPIRY_GAUGE, labels, Decimal(int(commitment.ends_at.timestamp()))
