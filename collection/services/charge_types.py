"""Daily cost per account and charge type (Cost Explorer's RECORD_TYPE), in the costs run, over its window.

Gross totals do not match an invoice: credits, refunds, tax and Savings Plans fees are charge types of their own.
One query (GroupBy LINKED_ACCOUNT + RECORD_TYPE, every stored metric) per window the costs run fetches; the
organization's figures are the accounts' added up.
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetDimensionValues.html (RECORD_TYPE)
"""

from datetime import date
from decimal import Decimal

from collection.cost_metrics import CE_METRICS, COST_METRICS
from collection.errors import DataValidationError, ErrorCode
from collection.models import ChargeTypeCost
from collection.services import parsing
from collection.services.context import CollectionContext
from collection.services.copy_upsert import upsert_rows
from collection.services.upserts import ensure_accounts
from collection.services.window_replacement import replace_window
from collection.services.windows import first_run_window

OP = "GetCostAndUsage"
# RECORD_TYPE values as AWS spells them. A dimension value, not an enum of the service model: a value AWS adds
# later is stored as it comes; these are matched in any case and stored in this spelling.
DOCUMENTED = (
    "Usage",
    "Credit",
    "Refund",
    "Tax",
    "Support",
    "Fee",
    "RIFee",
    "DiscountedUsage",
    "SavingsPlanCoveredUsage",
    "SavingsPlanNegation",
    "SavingsPlanRecurringFee",
    "SavingsPlanUpfrontFee",
    "BundledDiscount",
    "Discount",
    "EdpDiscount",
    "PrivateRateDiscount",
)
_BY_FOLDED = {name.casefold(): name for name in DOCUMENTED}
MAX_LENGTH = ChargeTypeCost._meta.get_field("charge_type").max_length
METRIC_FIELDS = [m.field for m in COST_METRICS]
FIELDS = ["date", "account", "charge_type", *METRIC_FIELDS, "currency", "estimated"]
UNIQUE = ["date", "account", "charge_type"]
UPDATE = [*METRIC_FIELDS, "currency", "estimated", "updated_at"]


def charge_type(value) -> str:
    """`value` in its documented spelling when it is a documented RECORD_TYPE in any case, else as given."""
    if not isinstance(value, str) or not value or len(value) > MAX_LENGTH:
        raise DataValidationError(f"{OP}: {value!r} is not a charge type", code=ErrorCode.MALFORMED_RESPONSE)
    return _BY_FOLDED.get(value.casefold(), value)


def _add(first: Decimal | None, second: Decimal | None) -> Decimal | None:
    return None if first is None or second is None else first + second


def charge_rows(page: dict) -> list[tuple]:
    """FIELDS tuples of a LINKED_ACCOUNT+RECORD_TYPE page; groups whose types differ only in case are one row."""
    rows: dict[tuple, list] = {}
    for day, estimated, group in parsing.day_groups(page, operation=OP):
        account = parsing.field(group, "Keys", 0, operation=OP)
        kind = charge_type(parsing.field(group, "Keys", 1, operation=OP))
        amounts, unit = parsing.cost_amounts(group, operation=OP)
        key = (day, account, kind)
        if key in rows:
            if rows[key][-1] != unit:
                raise DataValidationError(f"{OP}: {kind} of {day} in two currencies", code=ErrorCode.MALFORMED_RESPONSE)
            rows[key][0] = tuple(map(_add, rows[key][0], amounts))
        else:
            rows[key] = [amounts, estimated, unit]
    return [(*key, *amounts, unit, estimated) for key, (amounts, estimated, unit) in rows.items()]


def fetch_charge_types(*, ctx: CollectionContext, start: date, end: date) -> int:
    """Replace [start, end) of the cost by account and charge type with Cost Explorer's."""
    params = {
        "Granularity": "DAILY",
        "Metrics": CE_METRICS,
        "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}, {"Type": "DIMENSION", "Key": "RECORD_TYPE"}],
    }

    def upsert_page(page: dict) -> int:
        rows = charge_rows(page)
        ensure_accounts({row[1] for row in rows})
        return upsert_rows(ChargeTypeCost, fields=FIELDS, rows=rows, unique=UNIQUE, update=UPDATE)

    stored = ChargeTypeCost.objects.all()
    return replace_window(ctx=ctx, params=params, window=(start, end), upsert_page=upsert_page, stored=stored)


def collect_charge_types(*, ctx: CollectionContext, window: tuple[date, date]) -> int:
    """The costs run's `window` by charge type; the first time (an installation upgraded with cost history
    included), the history a first run fills instead, as for a tag key seen for the first time."""
    if ctx.window is None and not ChargeTypeCost.objects.exists():
        first = first_run_window(today=ctx.today, source=ctx.source)
        window = (min(first[0], window[0]), max(first[1], window[1]))
    return fetch_charge_types(ctx=ctx, start=window[0], end=window[1])
