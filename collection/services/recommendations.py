"""Recommendation rows from rightsizing, Savings Plans and Compute Optimizer responses, and their storage.

A recommendation list is read entry by entry: an entry with an unknown enum value or a malformed shape is
skipped, logged with its id and counted on the run (`skipped_entries`); the others are stored. Costs are read the
other way round (`collection.services.costs`): a malformed cost page fails its run, costs are complete or not
written. Enum values are compared case-insensitively and stored as the service model spells them.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from collection.errors import DataValidationError, ErrorCode
from collection.models import OptimizationRecommendation
from collection.services import parsing
from collection.services.upserts import check_account_ids, ensure_accounts, upsert

logger = logging.getLogger(__name__)
Rec = OptimizationRecommendation
UPDATE = ["category", "details", "estimated_monthly_savings", "currency", "last_seen", "active"]

# The documented values of the enums that are stored (botocore's service models; a test holds these to them).
RIGHTSIZING_TYPES = ("TERMINATE", "MODIFY")  # ce RightsizingType
SAVINGS_PLANS_TYPES = ("COMPUTE_SP", "EC2_INSTANCE_SP", "SAGEMAKER_SP", "DATABASE_SP")  # ce SupportedSavingsPlansType
TERMS = ("ONE_YEAR", "THREE_YEARS")  # ce TermInYears
PAYMENT_OPTIONS = (  # ce PaymentOption
    "NO_UPFRONT",
    "PARTIAL_UPFRONT",
    "ALL_UPFRONT",
    "LIGHT_UTILIZATION",
    "MEDIUM_UTILIZATION",
    "HEAVY_UTILIZATION",
)
FINDINGS = ("Underprovisioned", "Overprovisioned", "Optimized", "NotOptimized")  # compute-optimizer Finding
DEFAULT_CURRENCY = "USD"  # an entry without a currency code: what AWS bills recommendations in


@dataclass
class Entries:
    """The rows read from recommendation lists, and how many entries were skipped."""

    rows: list[Rec] = field(default_factory=list)
    skipped: int = 0

    def read(self, entries: Iterable, parse: Callable[[dict], Rec], *, operation: str, id_path: tuple[str, ...]):
        if not isinstance(entries, list):  # the list itself is the page's shape: a page without one fails the run
            raise DataValidationError(
                f"{operation}: the entries are {type(entries).__name__}, not a list", code=ErrorCode.MALFORMED_RESPONSE
            )
        for entry in entries:
            try:
                if not isinstance(entry, dict):
                    raise DataValidationError(f"{operation}: an entry is {type(entry).__name__}, not an object")
                self.rows.append(parse(entry))
            except DataValidationError as exc:
                self.skipped += 1
                logger.warning(
                    "%s: skipped the entry %s: %s", operation, parsing.optional(entry, *id_path) or "(no id)", exc
                )
        return self

    def add(self, other: "Entries") -> None:
        self.rows.extend(other.rows)
        self.skipped += other.skipped


def _account(value) -> str:
    check_account_ids([value])
    return value


def _rightsizing(rec: dict) -> Rec:
    op = "GetRightsizingRecommendation"
    kind = parsing.choice(
        parsing.field(rec, "RightsizingType", operation=op), choices=RIGHTSIZING_TYPES, operation=op, name="type"
    )
    current = parsing.field(rec, "CurrentInstance", operation=op)
    if kind == "TERMINATE":
        detail, target = parsing.field(rec, "TerminateRecommendationDetail", operation=op), None
    else:
        targets = parsing.field(rec, "ModifyRecommendationDetail", "TargetInstances", operation=op)
        default = (t for t in targets if parsing.optional(t, "DefaultTargetInstance"))
        detail = next(default, None) or parsing.field(targets, 0, operation=op)
        target = parsing.optional(detail, "ResourceDetails", "EC2ResourceDetails", "InstanceType")
    return Rec(
        type=Rec.Type.RIGHTSIZING,
        category=kind,
        account_id=_account(parsing.field(rec, "AccountId", operation=op)),
        resource_id=parsing.field(current, "ResourceId", operation=op),
        details={
            "current": parsing.optional(current, "ResourceDetails", "EC2ResourceDetails", "InstanceType"),
            "target": target,
            "monthly_cost": parsing.optional(current, "MonthlyCost"),
        },
        estimated_monthly_savings=parsing.amount(
            parsing.field(detail, "EstimatedMonthlySavings", operation=op), operation=op
        ),
        currency=parsing.currency(parsing.optional(detail, "CurrencyCode") or DEFAULT_CURRENCY, operation=op),
    )


def rightsizing_rows(page: dict) -> Entries:
    """https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_RightsizingRecommendation.html"""
    op = "GetRightsizingRecommendation"
    entries = parsing.field(page, "RightsizingRecommendations", operation=op)
    return Entries().read(entries, _rightsizing, operation=op, id_path=("CurrentInstance", "ResourceId"))


def savings_plans_rows(page: dict, *, payer: str) -> Entries:
    """https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_SavingsPlansPurchaseRecommendation.html"""
    op = "GetSavingsPlansPurchaseRecommendation"
    rec = page.get("SavingsPlansPurchaseRecommendation") or {}  # absent when AWS has nothing to recommend

    def plan_part(key: str, choices: tuple[str, ...]) -> str:
        value = rec.get(key)
        return "" if value is None else parsing.choice(value, choices=choices, operation=op, name=key)

    def parse(detail: dict) -> Rec:
        kind = parsing.choice(
            parsing.field(rec, "SavingsPlansType", operation=op),
            choices=SAVINGS_PLANS_TYPES,
            operation=op,
            name="SavingsPlansType",
        )
        return Rec(
            type=Rec.Type.SAVINGS_PLANS,
            category=kind,
            account_id=_account(detail.get("AccountId") or payer),
            resource_id="/".join([kind, plan_part("TermInYears", TERMS), plan_part("PaymentOption", PAYMENT_OPTIONS)]),
            details={
                "hourly_commitment": parsing.field(detail, "HourlyCommitmentToPurchase", operation=op),
                "savings_percentage": detail.get("EstimatedSavingsPercentage"),
            },
            estimated_monthly_savings=parsing.amount(
                parsing.field(detail, "EstimatedMonthlySavingsAmount", operation=op), operation=op
            ),
            currency=parsing.currency(detail.get("CurrencyCode") or DEFAULT_CURRENCY, operation=op),
        )

    details = rec.get("SavingsPlansPurchaseRecommendationDetails", [])
    return Entries().read(details, parse, operation=op, id_path=("AccountId",))


def _instance(rec: dict) -> Rec:
    op = "GetEC2InstanceRecommendations"
    options = parsing.optional(rec, "recommendationOptions") or []
    ranked = sorted(options, key=lambda o: parsing.optional(o, "rank") or 99)
    best = ranked[0] if ranked else {}
    savings = parsing.optional(best, "savingsOpportunity", "estimatedMonthlySavings") or {}
    return Rec(
        type=Rec.Type.COMPUTE_OPTIMIZER,
        category=parsing.choice(
            parsing.field(rec, "finding", operation=op), choices=FINDINGS, operation=op, name="finding"
        ),
        account_id=_account(parsing.field(rec, "accountId", operation=op)),
        resource_id=parsing.field(rec, "instanceArn", operation=op),
        details={"current": rec.get("currentInstanceType"), "target": parsing.optional(best, "instanceType")},
        estimated_monthly_savings=parsing.amount(parsing.optional(savings, "value") or 0, operation=op),
        currency=parsing.currency(parsing.optional(savings, "currency") or DEFAULT_CURRENCY, operation=op),
    )


def compute_optimizer_rows(page: dict) -> Entries:
    """https://docs.aws.amazon.com/compute-optimizer/latest/APIReference/API_InstanceRecommendation.html"""
    op = "GetEC2InstanceRecommendations"
    entries = parsing.field(page, "instanceRecommendations", operation=op)
    return Entries().read(entries, _instance, operation=op, id_path=("instanceArn",))


def store_recommendations(kind: str, rows: list[Rec]) -> int:
    """Upsert `rows` as the complete current set of `kind`: the others of that kind become inactive."""
    now = timezone.now()
    # One row per key: an answer that lists a resource twice must not make the upsert touch a row twice.
    rows = list({(row.account_id, row.resource_id): row for row in rows}.values())
    for row in rows:
        # first_seen is not in UPDATE: a recommendation already stored keeps the instant it was first seen.
        row.first_seen, row.last_seen, row.active = now, now, True
    ensure_accounts({row.account_id for row in rows})
    written = upsert(Rec, rows, unique=["type", "account", "resource_id"], update=UPDATE)
    seen = Q()
    for row in rows:
        seen |= Q(account_id=row.account_id, resource_id=row.resource_id)
    Rec.objects.filter(type=kind, active=True).exclude(seen).update(active=False)
    return written
