"""The two export tables costmonitor reads, CUR 2.0 and FOCUS 1.2 with AWS columns: which column holds what.

CUR 2.0: https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html (bill, line item, product,
reservation and savings plan columns; `product` and `resource_tags` are map<string, string>).
FOCUS 1.2 with AWS columns: https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-aws-columns.html
"""

from dataclasses import dataclass
from enum import StrEnum


class ExportFormat(StrEnum):
    CUR2 = "cur2"
    FOCUS12 = "focus1.2"


@dataclass(frozen=True, kw_only=True)
class Columns:
    """The columns of one table that the aggregates read; `optional` ones may be absent from an export (a table
    property left out, no discount ever applied) and read as NULL then."""

    usage_start: str
    account: str
    service: str  # an SQL expression: CUR 2.0 keeps the product name in its `product` map
    region: str
    unblended: str
    currency: str
    charge_type: str
    invoice_id: str
    tags: str
    resource_id: str
    required: frozenset[str]


CUR2 = Columns(
    usage_start="line_item_usage_start_date",
    account="line_item_usage_account_id",
    # Cost Explorer's SERVICE dimension is the product name (legacy CUR's product/ProductName), kept in CUR 2.0's
    # `product` map; a line without it (a tax, a fee) is named by its product code, as Cost Explorer names it.
    service="COALESCE(NULLIF({product_name}, ''), line_item_product_code)",
    region="product_region_code",
    unblended="line_item_unblended_cost",
    currency="line_item_currency_code",
    charge_type="line_item_line_item_type",  # Cost Explorer's RECORD_TYPE: Usage, Credit, Tax, SavingsPlanNegation…
    invoice_id="bill_invoice_id",  # blank until the month is final (table-dictionary-cur2-bill.html)
    tags="resource_tags",
    resource_id="line_item_resource_id",
    required=frozenset(
        {
            "line_item_usage_start_date",
            "line_item_usage_account_id",
            "line_item_product_code",
            "line_item_unblended_cost",
            "line_item_currency_code",
            "line_item_line_item_type",
        }
    ),
)

FOCUS12 = Columns(
    usage_start="ChargePeriodStart",
    account="SubAccountId",
    service="ServiceName",
    region="RegionId",
    unblended="BilledCost",
    currency="BillingCurrency",
    charge_type="ChargeCategory",  # Usage, Purchase, Tax, Credit, Adjustment: FOCUS's, not Cost Explorer's types
    invoice_id="InvoiceId",  # new in FOCUS 1.2; null until the invoice is issued
    tags="Tags",
    resource_id="ResourceId",
    required=frozenset(
        {"ChargePeriodStart", "SubAccountId", "ServiceName", "BilledCost", "EffectiveCost", "BillingCurrency"}
    ),
)

COLUMNS = {ExportFormat.CUR2: CUR2, ExportFormat.FOCUS12: FOCUS12}

# CUR 2.0's amortized cost per line item type, as AWS computes it: Savings Plans and Reserved Instances cost moved
# from the fee to the usage they cover. https://docs.aws.amazon.com/cur/latest/userguide/cur-sp.html and
# https://docs.aws.amazon.com/cur/latest/userguide/amortized-ri.html (the Cloud Intelligence Dashboards' formula).
# Each entry: line item type -> (gross expression, net expression); any other type costs its unblended amount (net:
# its net unblended amount). The unused part of a Savings Plan's commitment has no documented net counterpart per
# line: its net amortized cost is the gross one.
CUR2_AMORTIZED = {
    "SavingsPlanCoveredUsage": (
        "savings_plan_savings_plan_effective_cost",
        "savings_plan_net_savings_plan_effective_cost",
    ),
    "SavingsPlanRecurringFee": (
        "savings_plan_total_commitment_to_date - savings_plan_used_commitment",
        "savings_plan_total_commitment_to_date - savings_plan_used_commitment",
    ),
    "SavingsPlanNegation": ("0", "0"),
    "SavingsPlanUpfrontFee": ("0", "0"),
    "DiscountedUsage": ("reservation_effective_cost", "reservation_net_effective_cost"),
    "RIFee": (
        "reservation_unused_amortized_upfront_fee_for_billing_period + reservation_unused_recurring_fee",
        "reservation_net_unused_amortized_upfront_fee_for_billing_period + reservation_net_unused_recurring_fee",
    ),
    # A reservation's upfront fee is amortized over its term (into DiscountedUsage and RIFee); other fees are not.
    "Fee": (
        "CASE WHEN COALESCE(reservation_reservation_a_r_n, '') <> '' THEN 0 ELSE line_item_unblended_cost END",
        "CASE WHEN COALESCE(reservation_reservation_a_r_n, '') <> '' THEN 0 ELSE line_item_net_unblended_cost END",
    ),
}
# The types whose lines cost their own (unblended, net unblended) amount where an export lacks every optional column
# their expression reads (read as NULL, below): a fee is a reservation's only where it names one. Any other type
# costs 0 then.
CUR2_OWN_COST_WITHOUT_COLUMNS = frozenset({"Fee"})
# The optional columns those expressions read, with the type they read as when an export lacks them.
CUR2_AMORTIZED_COLUMNS = {
    "savings_plan_savings_plan_effective_cost": "DOUBLE",
    "savings_plan_net_savings_plan_effective_cost": "DOUBLE",
    "savings_plan_total_commitment_to_date": "DOUBLE",
    "savings_plan_used_commitment": "DOUBLE",
    "reservation_effective_cost": "DOUBLE",
    "reservation_net_effective_cost": "DOUBLE",
    "reservation_unused_amortized_upfront_fee_for_billing_period": "DOUBLE",
    "reservation_unused_recurring_fee": "DOUBLE",
    "reservation_net_unused_amortized_upfront_fee_for_billing_period": "DOUBLE",
    "reservation_net_unused_recurring_fee": "DOUBLE",
    "reservation_reservation_a_r_n": "VARCHAR",
}
