"""FOCUS 1.2 ChargeCategory and ChargeClass of an AWS charge type (Cost Explorer's RECORD_TYPE, CUR's line item type).

The allowed values and their meaning: FOCUS_Spec v1.2 specification/columns/chargecategory.md and chargeclass.md;
the AWS line item types' places among them follow the specification's own example mapping
(supporting_content/columns/chargecategory.md: Usage, DiscountedUsage, SavingsPlanCoveredUsage, SavingsPlanNegation,
BundledDiscount and Discount are Usage; Fee, RIFee and the Savings Plans fees are Purchase; Refund is Adjustment) and
attributes/discount_handling.md ("Credits that are applied after the fact MUST use a ChargeCategory of Credit").
https://github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec/tree/v1.2/specification/columns
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetDimensionValues.html (RECORD_TYPE)
https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2-line-item.html (line_item_line_item_type)

A FOCUS 1.2 Data Export stores its own ChargeCategory as the charge type (`collection.data_exports.formats`):
those five values map to themselves.
"""

from dataclasses import dataclass

USAGE, PURCHASE, TAX, CREDIT, ADJUSTMENT = "Usage", "Purchase", "Tax", "Credit", "Adjustment"
CORRECTION = "Correction"


@dataclass(frozen=True)
class Charge:
    category: str  # ChargeCategory
    charge_class: str | None  # ChargeClass
    mapped: bool  # False for a charge type AWS added after this list: Adjustment, the specification's "other"


_CATEGORIES = {
    # Support is billed on usage (the example mapping: "Usage ... with no resource id (Support, …)"); negotiated
    # discounts are reduced rates of usage, as Discount is there.
    USAGE: (
        "Usage",
        "DiscountedUsage",
        "SavingsPlanCoveredUsage",
        "SavingsPlanNegation",
        "BundledDiscount",
        "Discount",
        "EdpDiscount",
        "PrivateRateDiscount",
        "Support",
    ),
    PURCHASE: ("Purchase", "Fee", "RIFee", "SavingsPlanUpfrontFee", "SavingsPlanRecurringFee"),
    TAX: ("Tax",),
    CREDIT: ("Credit",),
    ADJUSTMENT: ("Adjustment", "Refund"),
}
BY_TYPE = {
    kind.casefold(): Charge(
        category=category,
        # A refund returns charges AWS already invoiced: the specification's allowed value names refunds as its
        # example of a correction to a previously invoiced billing period. Whether the refunded charge lies in an
        # earlier period is not stored; the row says which charge type it is (x_ChargeType).
        charge_class=CORRECTION if kind == "Refund" else None,
        mapped=True,
    )
    for category, kinds in _CATEGORIES.items()
    for kind in kinds
}
UNMAPPED = Charge(category=ADJUSTMENT, charge_class=None, mapped=False)


def focus_charge(charge_type: str) -> Charge:
    """The FOCUS category and class of an AWS charge type, in any case; Adjustment for one not listed."""
    return BY_TYPE.get(charge_type.casefold(), UNMAPPED)


# Cost Explorer's SERVICE dimension names one service whose whole cost is one charge type: "Tax" (its RECORD_TYPE Tax).
# Its rows are that charge category already; only what the charge type holds beyond them is split out.
SERVICE_CHARGE_TYPES = {"Tax": "Tax"}


def service_category(service: str) -> str:
    """The ChargeCategory of a service's own row: Tax for Cost Explorer's "Tax" service, else Usage."""
    kind = SERVICE_CHARGE_TYPES.get(service)
    return focus_charge(kind).category if kind else USAGE
