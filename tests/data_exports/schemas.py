"""The column schemas of the two export tables, as their column dictionaries document them (name, DuckDB type).

CUR 2.0: https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html and its pages per column group
(bill, cost category, discount, identity, line item, pricing, product, reservation, resource tags, savings plan);
string → VARCHAR, double → DOUBLE, timestamp → TIMESTAMP, map <string, string> → MAP(VARCHAR, VARCHAR).
FOCUS 1.2 with AWS columns: https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-aws-columns.html
(timestamp_milliseconds → TIMESTAMP_MS; Tags, x_CostCategories, x_Discounts and SkuPriceDetails are maps).
"""

S, D, T, M = "VARCHAR", "DOUBLE", "TIMESTAMP", "MAP(VARCHAR, VARCHAR)"


def _group(prefix: str, kind: str, names: str) -> list[tuple[str, str]]:
    return [(f"{prefix}{name}", kind) for name in names.split()]


CUR2 = [
    *_group("bill_", S, "bill_type billing_entity"),
    *_group("bill_", T, "billing_period_end_date billing_period_start_date"),
    *_group("bill_", S, "invoice_id invoicing_entity payer_account_id payer_account_name"),
    ("cost_category", M),
    ("discount", M),
    *_group("discount_", D, "bundled_discount total_discount"),
    *_group("identity_", S, "line_item_id time_interval"),
    ("line_item_availability_zone", S),
    ("line_item_blended_cost", D),
    ("line_item_blended_rate", S),
    *_group("line_item_", S, "currency_code legal_entity line_item_description line_item_type"),
    ("line_item_net_unblended_cost", D),
    ("line_item_net_unblended_rate", S),
    *_group("line_item_", D, "normalization_factor normalized_usage_amount"),
    *_group("line_item_", S, "operation product_code resource_id tax_type"),
    ("line_item_unblended_cost", D),
    ("line_item_unblended_rate", S),
    *_group("line_item_", S, "usage_account_id usage_account_name"),
    ("line_item_usage_amount", D),
    *_group("line_item_", T, "usage_end_date usage_start_date"),
    ("line_item_usage_type", S),
    *_group("pricing_", S, "currency lease_contract_length offering_class"),
    ("pricing_public_on_demand_cost", D),
    *_group("pricing_", S, "public_on_demand_rate purchase_option rate_code rate_id term unit"),
    ("product", M),
    *_group(
        "product_",
        S,
        "comment fee_code fee_description from_location from_location_type from_region_code instance_family "
        "instance_type instanceSKU location location_type operation pricing_unit product_family region_code "
        "servicecode sku to_location to_location_type to_region_code usagetype",
    ),
    *_group("reservation_", D, "amortized_upfront_cost_for_usage amortized_upfront_fee_for_billing_period"),
    ("reservation_availability_zone", S),
    ("reservation_effective_cost", D),
    *_group("reservation_", S, "end_time modification_status"),
    *_group(
        "reservation_",
        D,
        "net_amortized_upfront_cost_for_usage net_amortized_upfront_fee_for_billing_period net_effective_cost "
        "net_recurring_fee_for_usage net_unused_amortized_upfront_fee_for_billing_period net_unused_recurring_fee "
        "net_upfront_value",
    ),
    *_group("reservation_", S, "normalized_units_per_reservation number_of_reservations"),
    ("reservation_recurring_fee_for_usage", D),
    *_group(
        "reservation_",
        S,
        "reservation_a_r_n start_time subscription_id total_reserved_normalized_units total_reserved_units "
        "units_per_reservation",
    ),
    *_group(
        "reservation_",
        D,
        "unused_amortized_upfront_fee_for_billing_period unused_normalized_unit_quantity unused_quantity "
        "unused_recurring_fee upfront_value",
    ),
    ("resource_tags", M),
    ("savings_plan_amortized_upfront_commitment_for_billing_period", D),
    *_group("savings_plan_", S, "end_time instance_type_family"),
    *_group(
        "savings_plan_",
        D,
        "net_amortized_upfront_commitment_for_billing_period net_recurring_commitment_for_billing_period "
        "net_savings_plan_effective_cost",
    ),
    *_group("savings_plan_", S, "offering_type payment_option purchase_term"),
    ("savings_plan_recurring_commitment_for_billing_period", D),
    *_group("savings_plan_", S, "region savings_plan_a_r_n"),
    *_group("savings_plan_", D, "savings_plan_effective_cost savings_plan_rate"),
    ("savings_plan_start_time", S),
    *_group("savings_plan_", D, "total_commitment_to_date used_commitment"),
]

TM = "TIMESTAMP_MS"
FOCUS12 = [
    ("AvailabilityZone", S),
    ("BilledCost", D),
    *_group("", S, "BillingAccountId BillingAccountName BillingAccountType BillingCurrency"),
    *_group("", TM, "BillingPeriodEnd BillingPeriodStart"),
    *_group("", S, "CapacityReservationId CapacityReservationStatus ChargeCategory ChargeClass ChargeDescription"),
    ("ChargeFrequency", S),
    *_group("", TM, "ChargePeriodEnd ChargePeriodStart"),
    *_group("", S, "CommitmentDiscountCategory CommitmentDiscountId CommitmentDiscountName"),
    ("CommitmentDiscountQuantity", D),
    *_group("", S, "CommitmentDiscountStatus CommitmentDiscountType CommitmentDiscountUnit"),
    ("ConsumedQuantity", D),
    ("ConsumedUnit", S),
    *_group("", D, "ContractedCost ContractedUnitPrice EffectiveCost"),
    *_group("", S, "InvoiceId InvoiceIssuerName"),
    *_group("", D, "ListCost ListUnitPrice"),
    *_group("", S, "PricingCategory PricingCurrency"),
    *_group("", D, "PricingCurrencyContractedUnitPrice PricingCurrencyEffectiveCost PricingCurrencyListUnitPrice"),
    ("PricingQuantity", D),
    *_group(
        "",
        S,
        "PricingUnit ProviderName PublisherName RegionId RegionName ResourceId ResourceName ResourceType "
        "ServiceCategory ServiceName ServiceSubcategory SkuId SkuMeter",
    ),
    ("SkuPriceDetails", M),
    *_group("", S, "SkuPriceId SubAccountId SubAccountName SubAccountType"),
    ("Tags", M),
    ("x_CostCategories", M),
    ("x_Discounts", M),
    *_group("", S, "x_Operation x_ServiceCode x_UsageType"),
]
