"""Recommendation rows from rightsizing, Savings Plans and Compute Optimizer responses, and their storage."""

from django.db.models import Q
from django.utils import timezone

from collection.models import OptimizationRecommendation
from collection.services import parsing
from collection.services.upserts import ensure_accounts, upsert

Rec = OptimizationRecommendation
UPDATE = ["category", "details", "estimated_monthly_savings", "currency", "last_seen", "active"]


def rightsizing_rows(page: dict) -> list[Rec]:
    """https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_RightsizingRecommendation.html"""
    op, rows = "GetRightsizingRecommendation", []
    for rec in parsing.field(page, "RightsizingRecommendations", operation=op):
        kind = parsing.field(rec, "RightsizingType", operation=op)
        current = parsing.field(rec, "CurrentInstance", operation=op)
        if kind == "TERMINATE":
            detail = parsing.field(rec, "TerminateRecommendationDetail", operation=op)
            target = None
        else:
            targets = parsing.field(rec, "ModifyRecommendationDetail", "TargetInstances", operation=op)
            detail = next(
                (t for t in targets if t.get("DefaultTargetInstance")), parsing.field(targets, 0, operation=op)
            )
            target = detail.get("ResourceDetails", {}).get("EC2ResourceDetails", {}).get("InstanceType")
        current_type = current.get("ResourceDetails", {}).get("EC2ResourceDetails", {}).get("InstanceType")
        rows.append(
            Rec(
                type=Rec.Type.RIGHTSIZING,
                category=kind,
                account_id=parsing.field(rec, "AccountId", operation=op),
                resource_id=parsing.field(current, "ResourceId", operation=op),
                details={"current": current_type, "target": target, "monthly_cost": current.get("MonthlyCost")},
                estimated_monthly_savings=parsing.amount(
                    parsing.field(detail, "EstimatedMonthlySavings", operation=op), operation=op
                ),
                currency=detail.get("CurrencyCode", "USD"),
            )
        )
    return rows


def savings_plans_rows(page: dict, *, payer: str) -> list[Rec]:
    """https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_SavingsPlansPurchaseRecommendation.html"""
    op = "GetSavingsPlansPurchaseRecommendation"
    rec = page.get("SavingsPlansPurchaseRecommendation") or {}  # absent when AWS has nothing to recommend
    plan = "/".join(str(rec.get(k, "")) for k in ("SavingsPlansType", "TermInYears", "PaymentOption"))
    return [
        Rec(
            type=Rec.Type.SAVINGS_PLANS,
            category=str(rec.get("SavingsPlansType", "")),
            account_id=detail.get("AccountId") or payer,
            resource_id=plan,
            details={
                "hourly_commitment": parsing.field(detail, "HourlyCommitmentToPurchase", operation=op),
                "savings_percentage": detail.get("EstimatedSavingsPercentage"),
            },
            estimated_monthly_savings=parsing.amount(
                parsing.field(detail, "EstimatedMonthlySavingsAmount", operation=op), operation=op
            ),
            currency=detail.get("CurrencyCode", "USD"),
        )
        for detail in rec.get("SavingsPlansPurchaseRecommendationDetails", [])
    ]


def compute_optimizer_rows(page: dict) -> list[Rec]:
    """https://docs.aws.amazon.com/compute-optimizer/latest/APIReference/API_InstanceRecommendation.html"""
    op, rows = "GetEC2InstanceRecommendations", []
    for rec in parsing.field(page, "instanceRecommendations", operation=op):
        options = sorted(rec.get("recommendationOptions", []), key=lambda o: o.get("rank", 99))
        best = options[0] if options else {}
        savings = best.get("savingsOpportunity", {}).get("estimatedMonthlySavings", {})
        rows.append(
            Rec(
                type=Rec.Type.COMPUTE_OPTIMIZER,
                category=str(parsing.field(rec, "finding", operation=op)).upper(),
                account_id=parsing.field(rec, "accountId", operation=op),
                resource_id=parsing.field(rec, "instanceArn", operation=op),
                details={"current": rec.get("currentInstanceType"), "target": best.get("instanceType")},
                estimated_monthly_savings=parsing.amount(savings.get("value", 0), operation=op),
                currency=savings.get("currency", "USD"),
            )
        )
    return rows


def store_recommendations(kind: str, rows: list[Rec]) -> int:
    """Upsert `rows` as the complete current set of `kind`: the others of that kind become inactive."""
    now = timezone.now()
    for row in rows:
        row.last_seen, row.active = now, True
    ensure_accounts({row.account_id for row in rows})
    written = upsert(Rec, rows, unique=["type", "account", "resource_id"], update=UPDATE)
    seen = Q()
    for row in rows:
        seen |= Q(account_id=row.account_id, resource_id=row.resource_id)
    Rec.objects.filter(type=kind, active=True).exclude(seen).update(active=False)
    return written
