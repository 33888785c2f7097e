"""Reads of optimization recommendations and their savings per type."""

from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from collection.models import OptimizationRecommendation

from .filters import narrowed
from .scope import Scope, within_accounts


def recommendation_queryset(
    *,
    type: str | None = None,
    category: str | None = None,
    account_id: str | None = None,
    min_savings: Decimal | None = None,
    active: bool | None = True,
    scope: Scope | None = None,
) -> QuerySet[OptimizationRecommendation]:
    """Recommendations under the filters; `active=None` returns active and retired ones alike. `category` is
    compared case-insensitively, as AWS enums are (`MODIFY`, `Modify`; `OVERPROVISIONED`, `Overprovisioned`)."""
    qs = narrowed(
        within_accounts(OptimizationRecommendation.objects.all(), scope),
        type=type,
        category__iexact=category,
        account_id=account_id,
    )
    if min_savings is not None:
        qs = qs.filter(estimated_monthly_savings__gte=min_savings)
    if active is not None:
        qs = qs.filter(active=active)
    return qs


def savings_by_type(**filters) -> list[dict]:
    """Count and total estimated monthly savings per recommendation type, under `recommendation_queryset` filters."""
    rows = (
        recommendation_queryset(**filters)
        .values("type", "currency")
        .annotate(count=Count("id"), estimated_monthly_savings=Sum("estimated_monthly_savings"))
        .order_by("type", "currency")
    )
    return list(rows)
