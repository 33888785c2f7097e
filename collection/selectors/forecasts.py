"""Reads of Cost Explorer forecasts: the latest forecast per scope and period."""

from django.db.models import OuterRef, QuerySet, Subquery

from collection.models import CostForecast

from .scope import Scope, within_accounts


def latest_forecasts(*, account_id: str | None = None, scope: Scope | None = None) -> QuerySet[CostForecast]:
    """The most recently generated forecast of each scope, period, granularity and metric.

    `account_id` narrows to that account's scope; without it every scope is returned, the
    organization (scope "") included. Within a `scope`, only its accounts' own forecasts: the organization's holds
    every account's cost, so a scoped reader never sees it.
    """
    newest = CostForecast.objects.filter(
        scope=OuterRef("scope"),
        period_start=OuterRef("period_start"),
        period_end=OuterRef("period_end"),
        granularity=OuterRef("granularity"),
        metric=OuterRef("metric"),
    ).order_by("-generated_at", "-id")
    qs = CostForecast.objects.filter(id=Subquery(newest.values("id")[:1]))
    qs = within_accounts(qs, scope, field="scope")
    if account_id:
        qs = qs.filter(scope=account_id)
    return qs.order_by("scope", "period_start", "granularity", "metric")
