"""Reads of cost anomalies: querysets under filters and a reader's scope, and the gauge of the open ones."""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce

from collection.budget_models import DISMISSED
from collection.models import AnomalyRootCause, CostAnomaly

from .filters import narrowed
from .scope import Scope

NO_FEEDBACK = "NONE"  # the `feedback` filter's value for anomalies nobody gave feedback on


def with_impact(qs: QuerySet[CostAnomaly]) -> QuerySet[CostAnomaly]:
    """`qs` annotated with `impact` (the total, else the largest daily impact) and `last_day` (the end date, else
    the start date): the day GetAnomalies selects an anomaly by."""
    return qs.annotate(impact_usd=Coalesce("total_impact", "max_impact"), last_day=Coalesce("end_date", "start_date"))


def within_anomaly_scope(qs: QuerySet[CostAnomaly], scope: Scope | None) -> QuerySet[CostAnomaly]:
    """`qs` narrowed to what `scope` may see: anomalies whose every root cause is in an account of the scope.
    One without a root cause in a named account (a monitor of the whole organization) is nobody's in particular."""
    if scope is None:
        return qs
    causes = AnomalyRootCause.objects.filter(anomaly=OuterRef("pk"))
    accounts = sorted(scope.accounts)
    return qs.filter(Exists(causes.filter(account_id__in=accounts))).exclude(
        Exists(causes.exclude(account_id__in=accounts))
    )


def anomaly_queryset(
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    account_id: str | None = None,
    service: str | None = None,
    feedback: str | None = None,
    min_impact: Decimal | None = None,
    open: bool | None = None,
    scope: Scope | None = None,
) -> QuerySet[CostAnomaly]:
    """Anomalies whose last day is in [start, end] (inclusive) under the filters, annotated by `with_impact`.

    `account_id` and `service` match any of an anomaly's root causes (service case-insensitively); `feedback`
    NONE selects those without feedback; `open` True: those not dismissed by feedback (NO, PLANNED_ACTIVITY).
    """
    qs = with_impact(within_anomaly_scope(CostAnomaly.objects.all(), scope))
    qs = narrowed(qs, last_day__gte=start, last_day__lte=end)
    if account_id:
        qs = qs.filter(Exists(AnomalyRootCause.objects.filter(anomaly=OuterRef("pk"), account_id=account_id)))
    if service:
        qs = qs.filter(Exists(AnomalyRootCause.objects.filter(anomaly=OuterRef("pk"), service__iexact=service)))
    if feedback:
        qs = qs.filter(feedback="" if feedback == NO_FEEDBACK else feedback)
    if min_impact is not None:
        qs = qs.filter(impact_usd__gte=min_impact)
    if open is not None:
        qs = qs.exclude(feedback__in=DISMISSED) if open else qs.filter(feedback__in=DISMISSED)
    return qs


def anomaly_gauges(*, today: dt.date) -> Iterator[tuple[str, dict[str, str], Decimal]]:
    """The impact of each open anomaly of the last ANOMALY_DAYS days: a bounded set of series."""
    since = today - dt.timedelta(days=settings.ANOMALY_DAYS)
    for anomaly in anomaly_queryset(start=since, open=True).order_by("anomaly_id"):
        labels = {"anomaly_id": anomaly.anomaly_id, "service": anomaly.service, "account_id": anomaly.account_id}
        yield "aws_cost_anomaly_impact_usd", labels, anomaly.impact_usd
