"""The FOCUS 1.2 specification's columns, as the specification lists them, for the export's schema tests.

From https://github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec/tree/v1.2/specification/columns (tag v1.2,
each column's "Content Constraints": Feature level, Allows nulls, Data type) and the attributes' formats
(specification/attributes/datetime_format.md, numeric_format.md, currency_format.md); allowed values from
chargecategory.md, chargeclass.md and servicecategory.md; the Conditional columns' rules from regionid.md,
regionname.md ("RegionName MUST be null when RegionId is null", "MUST NOT be null when RegionId is not null") and
tags.md (JSON: attributes/key_value_format.md; "Tags MAY be null").
"""

import re

# Column ID: (data type, allows nulls) of every column whose Feature level is Mandatory.
MANDATORY = {
    "BilledCost": ("Decimal", False),
    "BillingAccountId": ("String", False),
    "BillingAccountName": ("String", True),
    "BillingCurrency": ("String", False),
    "BillingPeriodEnd": ("Date/Time", False),
    "BillingPeriodStart": ("Date/Time", False),
    "ChargeCategory": ("String", False),
    "ChargeClass": ("String", True),
    "ChargeDescription": ("String", True),
    "ChargePeriodEnd": ("Date/Time", False),
    "ChargePeriodStart": ("Date/Time", False),
    "ContractedCost": ("Decimal", False),
    "EffectiveCost": ("Decimal", False),
    "InvoiceIssuerName": ("String", False),
    "ListCost": ("Decimal", False),
    "PricingQuantity": ("Decimal", True),
    "PricingUnit": ("String", True),
    "ProviderName": ("String", False),
    "PublisherName": ("String", False),
    "ServiceCategory": ("String", False),
    "ServiceName": ("String", False),
}
# The Conditional columns the export writes.
CONDITIONAL = {
    "RegionId": ("String", True),
    "RegionName": ("String", True),
    "SubAccountId": ("String", True),
    "SubAccountName": ("String", True),
    "Tags": ("JSON", True),
}

CHARGE_CATEGORIES = {"Usage", "Purchase", "Tax", "Credit", "Adjustment"}
CHARGE_CLASSES = {"", "Correction"}
SERVICE_CATEGORIES = {
    "AI and Machine Learning",
    "Analytics",
    "Business Applications",
    "Compute",
    "Databases",
    "Developer Tools",
    "Multicloud",
    "Identity",
    "Integration",
    "Internet of Things",
    "Management and Governance",
    "Media",
    "Migration",
    "Mobile",
    "Networking",
    "Security",
    "Storage",
    "Web",
    "Other",
}
# Date/Time: extended ISO 8601 in UTC, 'YYYY-MM-DDTHH:mm:ssZ'. Numeric: no sign for a positive value, no commas,
# one decimal point (E notation allowed, not needed here). Currency: an ISO 4217 code.
DATETIME = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
DECIMAL = re.compile(r"\A-?\d+(\.\d+)?\Z")
CURRENCY = re.compile(r"\A[A-Z]{3}\Z")
# Column IDs: Pascal case, alphanumeric; a custom column is prefixed x_.
PASCAL = re.compile(r"\A[A-Z][A-Za-z0-9]*\Z")
CUSTOM = re.compile(r"\Ax_[A-Z][A-Za-z0-9]*\Z")
