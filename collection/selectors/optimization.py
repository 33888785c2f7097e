"""Reads of optimization recommendations and their savings per type, each resource counted once."""

from decimal import Decimal

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import StrIndex, Substr

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


# Compute Optimizer names an EC2 instance by its ARN, arn:aws:ec2:REGION:ACCOUNT:instance/INSTANCE_ID
# (https://docs.aws.amazon.com/compute-optimizer/latest/APIReference/API_InstanceRecommendation.html), Cost
# Explorer's rightsizing by its id alone, CurrentInstance.ResourceId
# (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_CurrentInstance.html).
INSTANCE_ARN = ":instance/"


def resource_key():
    """The resource a recommendation is about, spelled alike by every type: an instance ARN's instance id, else
    the stored `resource_id` (an instance id, a Savings Plans kind/term/payment)."""
    after = StrIndex("resource_id", Value(INSTANCE_ARN)) + len(INSTANCE_ARN)
    arn = Q(resource_id__startswith="arn:", resource_id__contains=INSTANCE_ARN)
    return Case(When(arn, then=Substr("resource_id", after)), default=F("resource_id"))


def counted_recommendations(**filters) -> QuerySet[OptimizationRecommendation]:
    """The recommendations under `recommendation_queryset` filters that savings totals count: one per resource.

    Rightsizing and Compute Optimizer often recommend on the same instance: those are alternatives, and adding
    them would count the instance's savings twice. Of a resource's recommendations (same account, resource and
    currency) the one saving the most counts; a tie goes to the type first in alphabetical order, then the oldest.
    """
    rivals = recommendation_queryset(**filters).annotate(resource=resource_key())
    better = rivals.filter(
        Q(estimated_monthly_savings__gt=OuterRef("estimated_monthly_savings"))
        | Q(estimated_monthly_savings=OuterRef("estimated_monthly_savings"), type__lt=OuterRef("type"))
        | Q(
            estimated_monthly_savings=OuterRef("estimated_monthly_savings"),
            type=OuterRef("type"),
            pk__lt=OuterRef("pk"),
        ),
        account_id=OuterRef("account_id"),
        resource=OuterRef("resource"),
        currency=OuterRef("currency"),
    )
    return recommendation_queryset(**filters).annotate(resource=resource_key()).filter(~Exists(better))


def savings_by_type(**filters) -> list[dict]:
    """Per recommendation type and currency, under `recommendation_queryset` filters: `count` and
    `estimated_monthly_savings` of the recommendations counted (`counted_recommendations`: a resource once, in all
    types together), and `overlapping`, the type's recommendations left out for another one on the same resource."""

    def per_type(qs: QuerySet) -> dict:
        rows = qs.values("type", "currency").annotate(count=Count("id"), savings=Sum("estimated_monthly_savings"))
        return {(row["type"], row["currency"]): row for row in rows}

    every, counted = per_type(recommendation_queryset(**filters)), per_type(counted_recommendations(**filters))
    summary = []
    for key in sorted(every):
        kept = counted.get(key, {"count": 0, "savings": Decimal(0)})
        summary.append(
            {
                "type": key[0],
                "currency": key[1],
                "count": kept["count"],
                "estimated_monthly_savings": kept["savings"],
                "overlapping": every[key]["count"] - kept["count"],
            }
        )
    return summary
