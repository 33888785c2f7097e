"""The FOCUS 1.2 columns costmonitor exports: name, data type, nullability, and how each is made from a stored day.

Every column the FOCUS 1.2 specification marks Mandatory is present, in its order (alphabetical, as the
specification lists them), then the Conditional columns AWS calls for and the history can fill (RegionId,
RegionName, SubAccountId, SubAccountName, Tags), then costmonitor's own, prefixed `x_` as custom columns must be:
https://github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec/tree/v1.2/specification/columns and
https://github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec/blob/v1.2/specification/supported_features/custom_columns.md

A row is one of `collection.focus_rows` (a service's stored day in one account, or one region of it, or the
account-day's cost of one charge type): its kind is x_CostmonitorRow. Where the source is Cost Explorer the file is
FOCUS-*aligned*, not conformant, and says so on every row (`x_CostmonitorConformance`): BilledCost is the
unblended cost, EffectiveCost the amortized one, ListCost and ContractedCost the unblended one (list and
contracted prices are not in Cost Explorer's answer), ChargeCategory comes from the charge type
(`collection.focus_charges`), ServiceCategory is mapped from the service's name, and PricingQuantity and
PricingUnit are null (quantities are not stored). A month ingested from a Data Export is conformant where its
ChargeCategory is exact too (`_conformance`); rows costmonitor derives (a charge type's or a region's share) are
aligned whatever the source.

Tags is present (AWS supports user-defined tags) and null on every row: the stored tag costs (`TagCost`) are per
day, tag value and service, without account or region, one tag key at a time, so no row's tags are known, and
splitting a row's cost by them would invent how keys and accounts combine (the specification lets Tags be null).
"""

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from collection.focus_charges import focus_charge
from collection.focus_charges import service_category as service_charge_category
from collection.focus_regions import region_name
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
    JSON = "JSON"  # a serialized JSON object (attributes/key_value_format.md)
    BOOLEAN = "Boolean"  # x_ columns only: FOCUS defines no boolean column


@dataclass(frozen=True)
class BillingAccount:
    """The payer account a row is billed to (BillingAccountId); None where the reader may not see the payer."""

    account_id: str | None
    name: str


@dataclass(frozen=True)
class DayCost:
    """One stored day of one service's cost in one account, with what a row needs besides (`focus_record`)."""

    row: dict  # as `collection.focus_rows.day_rows` makes it
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


# A window's rows share few days: each day's dates are made (and written, `_date_text`) once.
_next_month = functools.lru_cache(maxsize=1024)(next_month)


# What each kind of row (x_CostmonitorRow, `collection.focus_rows`) is; rows costmonitor derives are aligned only.
DERIVED = {"region-unattributed", "charge-type", "charge-offset"}


def _charge_category(d: DayCost) -> str:
    if d.row["kind"] == "charge-type":
        return focus_charge(d.row["charge_type"]).category
    if d.row["kind"] == "charge-offset":
        return "Usage"
    return service_charge_category(d.row["service"])


def _charge_class(d: DayCost) -> str | None:
    return focus_charge(d.row["charge_type"]).charge_class if d.row["kind"] == "charge-type" else None


def _description(d: DayCost) -> str:
    row = d.row
    match row["kind"]:
        case "charge-type":
            unknown = (
                "" if focus_charge(row["charge_type"]).mapped else " (a charge type not in AWS's list when written)"
            )
            return f"Daily {row['charge_type']} of the account, all services{unknown}"
        case "charge-offset":
            return f"The account's daily {', '.join(row['charge_types'])} taken out of its services' rows"
        case "region":
            return f"Daily cost of {row['service']} in {row['region']}"
        case "region-unattributed":
            return f"Daily cost of {row['service']} not stored by region"
    return f"Daily cost of {row['service']}"


def _conformance(d: DayCost) -> str:
    """A Data Export's own costs are conformant where the row's ChargeCategory is exact too: not on a row
    costmonitor derives, nor on a service row other charge categories were split out of (or may be inside)."""
    if d.row["kind"] in DERIVED or not d.row["category_exact"]:
        return CONFORMANCE[MonthSource.COST_EXPLORER]
    return CONFORMANCE[d.source]


COLUMNS = (
    Column("BilledCost", DataType.DECIMAL, False, lambda d: d.row["unblended_cost"]),
    Column("BillingAccountId", DataType.STRING, False, _billing_id),
    Column("BillingAccountName", DataType.STRING, True, _billing_name),
    Column("BillingCurrency", DataType.STRING, False, lambda d: d.row["currency"]),
    Column("BillingPeriodEnd", DataType.DATETIME, False, lambda d: _next_month(d.row["date"])),
    Column("BillingPeriodStart", DataType.DATETIME, False, lambda d: d.row["date"].replace(day=1)),
    Column("ChargeCategory", DataType.STRING, False, _charge_category),
    Column("ChargeClass", DataType.STRING, True, _charge_class),
    Column("ChargeDescription", DataType.STRING, True, _description),
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
    Column("RegionId", DataType.STRING, True, lambda d: d.row["region"]),
    Column("RegionName", DataType.STRING, True, lambda d: d.row["region"] and region_name(d.row["region"])),
    Column("SubAccountId", DataType.STRING, True, lambda d: d.account_label(d.row["account_id"])),
    Column("SubAccountName", DataType.STRING, True, lambda d: d.row["account__name"] or None),
    Column("Tags", DataType.JSON, True, lambda d: None),  # not known per row: see the module's docstring
    Column("x_ChargeType", DataType.STRING, True, lambda d: d.row["charge_type"]),
    Column("x_CostmonitorChargeSplit", DataType.BOOLEAN, False, lambda d: d.row["charge_split"]),
    Column("x_CostmonitorConformance", DataType.STRING, False, _conformance),
    Column("x_CostmonitorRow", DataType.STRING, False, lambda d: d.row["kind"]),
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


@functools.lru_cache(maxsize=1024)
def _date_text(value: dt.date) -> str:
    return f"{value.isoformat()}T00:00:00Z"


# By exact type, looked up once per value (the export makes ~35 a row); anything else (str) as itself.
_TEXT = {
    type(None): lambda value: "",
    bool: lambda value: "true" if value else "false",
    Decimal: lambda value: format(value, "f"),
    dt.date: _date_text,
}


def _text(value: object) -> str:
    return _TEXT.get(type(value), str)(value)
