"""The FOCUS 1.2 columns costmonitor exports: name, data type, nullability, and how each is made from a stored day.

Every column the FOCUS 1.2 specification marks Mandatory is present, in its order (alphabetical, as the
specification lists them), then the Conditional columns the history can fill (SubAccountId, SubAccountName), then
costmonitor's own, prefixed `x_` as custom columns must be:
https://github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec/tree/v1.2/specification/columns and
https://github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec/blob/v1.2/specification/supported_features/custom_columns.md

A row is one day of one service's cost in one account, as stored (`CostData`, all-regions row). Where the source
is Cost Explorer the file is FOCUS-*aligned*, not conformant, and says so on every row (`x_CostmonitorConformance`):
BilledCost is the unblended cost, EffectiveCost the amortized one, ListCost and ContractedCost the unblended one
(list and contracted prices are not in Cost Explorer's answer), ChargeCategory is Tax for Cost Explorer's "Tax"
service and Usage otherwise (credits and refunds are inside each service's figure), ServiceCategory is mapped from
the service's name, and PricingQuantity and PricingUnit are null (quantities are not stored).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from collection.focus_services import service_category
from collection.months import next_month


class MonthSource(StrEnum):
    """Where a month of stored cost came from (`collection.selectors.focus.month_sources`)."""

    COST_EXPLORER = "cost_explorer"
    DATA_EXPORTS = "data_exports"
    DEMO = "demo"


# A month ingested from a Data Export carries the specification's own columns; any other is aligned only.
CONFORMANCE = {
    MonthSource.COST_EXPLORER: "FOCUS-aligned",
    MonthSource.DATA_EXPORTS: "FOCUS-conformant",
    MonthSource.DEMO: "FOCUS-aligned",
}

PROVIDER = "AWS"  # ProviderName, PublisherName and InvoiceIssuerName as AWS's own FOCUS export writes them


class DataType(StrEnum):
    """The specification's data types of the columns written here (also the Parquet file's column types)."""

    DECIMAL = "Decimal"
    STRING = "String"
    DATETIME = "Date/Time"
    BOOLEAN = "Boolean"  # x_ columns only: FOCUS defines no boolean column


@dataclass(frozen=True)
class BillingAccount:
    """The payer account a row is billed to (BillingAccountId); None where the reader may not see the payer."""

    account_id: str | None
    name: str


@dataclass(frozen=True)
class DayCost:
    """One stored day of one service's cost in one account, with what a row needs besides (`focus_record`)."""

    row: dict  # as `collection.selectors.focus.focus_cost_rows` gives it
    billing: BillingAccount
    source: MonthSource
    account_label: Callable[[str], str]  # an account id as the reader may see it (masked or not)


@dataclass(frozen=True)
class Column:
    name: str
    data_type: DataType
    nullable: bool
    value: Callable[[DayCost], object]


def _billing_id(d: DayCost) -> str:
    return d.account_label(d.billing.account_id or d.row["account_id"])


def _billing_name(d: DayCost) -> str | None:
    return (d.billing.name if d.billing.account_id else d.row["account__name"]) or None


def _charge_category(d: DayCost) -> str:
    return "Tax" if d.row["service"] == "Tax" else "Usage"


COLUMNS = (
    Column("BilledCost", DataType.DECIMAL, False, lambda d: d.row["unblended_cost"]),
    Column("BillingAccountId", DataType.STRING, False, _billing_id),
    Column("BillingAccountName", DataType.STRING, True, _billing_name),
    Column("BillingCurrency", DataType.STRING, False, lambda d: d.row["currency"]),
    Column("BillingPeriodEnd", DataType.DATETIME, False, lambda d: next_month(d.row["date"])),
    Column("BillingPeriodStart", DataType.DATETIME, False, lambda d: d.row["date"].replace(day=1)),
    Column("ChargeCategory", DataType.STRING, False, _charge_category),
    Column("ChargeClass", DataType.STRING, True, lambda d: None),  # corrections are not told apart in the history
    Column("ChargeDescription", DataType.STRING, True, lambda d: f"Daily cost of {d.row['service']}"),
    Column("ChargePeriodEnd", DataType.DATETIME, False, lambda d: d.row["date"] + dt.timedelta(days=1)),
    Column("ChargePeriodStart", DataType.DATETIME, False, lambda d: d.row["date"]),
    Column("ContractedCost", DataType.DECIMAL, False, lambda d: d.row["unblended_cost"]),
    Column("EffectiveCost", DataType.DECIMAL, False, lambda d: d.row["amortized_cost"]),
    Column("InvoiceIssuerName", DataType.STRING, False, lambda d: PROVIDER),
    Column("ListCost", DataType.DECIMAL, False, lambda d: d.row["unblended_cost"]),
    Column("PricingQuantity", DataType.DECIMAL, True, lambda d: None),
    Column("PricingUnit", DataType.STRING, True, lambda d: None),
    Column("ProviderName", DataType.STRING, False, lambda d: PROVIDER),
    Column("PublisherName", DataType.STRING, False, lambda d: PROVIDER),
    Column("ServiceCategory", DataType.STRING, False, lambda d: service_category(d.row["service"])),
    Column("ServiceName", DataType.STRING, False, lambda d: d.row["service"]),
    Column("SubAccountId", DataType.STRING, True, lambda d: d.account_label(d.row["account_id"])),
    Column("SubAccountName", DataType.STRING, True, lambda d: d.row["account__name"] or None),
    Column("x_CostmonitorConformance", DataType.STRING, False, lambda d: CONFORMANCE[d.source]),
    Column("x_CostmonitorSource", DataType.STRING, False, lambda d: d.source.value),
    Column("x_Estimated", DataType.BOOLEAN, False, lambda d: d.row["estimated"]),
    Column("x_NetBilledCost", DataType.DECIMAL, True, lambda d: d.row["net_unblended_cost"]),
    Column("x_NetEffectiveCost", DataType.DECIMAL, True, lambda d: d.row["net_amortized_cost"]),
)
COLUMN_NAMES = [c.name for c in COLUMNS]


def focus_record(day: DayCost) -> list[str]:
    """The row's values as text, in COLUMNS order: "" for null, Date/Time as ISO 8601 UTC (YYYY-MM-DDTHH:mm:ssZ),
    decimals in plain notation (never 0E-10), booleans true/false."""
    return [_text(column.value(day)) for column in COLUMNS]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00Z"
    return str(value)
