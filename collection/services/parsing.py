"""Strict reads of AWS responses: a missing key, a non-numeric amount or an unknown code is a DataValidationError."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from collection.cost_metrics import COST_METRICS
from collection.currencies import ISO_4217
from collection.errors import DataValidationError, ErrorCode
from collection.models import MONEY

# The largest magnitude a money column holds: max_digits - decimal_places integer digits (14: far above any bill).
INTEGER_DIGITS = MONEY["max_digits"] - MONEY["decimal_places"]


def _malformed(message: str) -> DataValidationError:
    return DataValidationError(message, code=ErrorCode.MALFORMED_RESPONSE)


def field(data: Any, *path: str | int, operation: str) -> Any:
    """data[path[0]][path[1]]…, or DataValidationError naming the missing path."""
    value = data
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            raise _malformed(f"{operation}: response lacks {'.'.join(map(str, path))}") from None
    return value


def optional(data: Any, *path: str | int) -> Any:
    """data[path[0]][path[1]]…, or None where the path is missing (an optional member AWS may leave out)."""
    value = data
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def amount(value: Any, *, operation: str) -> Decimal:
    """A finite Decimal from an AWS amount (a string, or a number in Compute Optimizer) that the money columns
    hold: at most INTEGER_DIGITS integer digits once rounded to MONEY's decimal places."""
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _malformed(f"{operation}: {value!r} is not an amount") from None
    if not result.is_finite():
        raise _malformed(f"{operation}: {value!r} is not an amount")
    # adjusted() first: rounding 1E+20 to 10 places would need more digits than the decimal context has.
    if result and (
        result.adjusted() >= INTEGER_DIGITS or abs(round(result, MONEY["decimal_places"])) >= 10**INTEGER_DIGITS
    ):
        raise _malformed(f"{operation}: {value!r} is beyond the {INTEGER_DIGITS} integer digits an amount may have")
    return result


def metric_value(data: Any, *path: str | int, operation: str) -> tuple[Decimal, str]:
    """`(amount, currency)` of the Cost Explorer MetricValue at data[path[0]][path[1]]…: its Amount and Unit, each
    read as `amount` and `currency` read them.
    https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_MetricValue.html
    """
    value = field(data, *path, operation=operation)
    unit = currency(field(value, "Unit", operation=operation), operation=operation)
    return amount(field(value, "Amount", operation=operation), operation=operation), unit


def day(value: Any, *, operation: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _malformed(f"{operation}: {value!r} is not a date") from None


def currency(value: Any, *, operation: str) -> str:
    """An ISO 4217 code (`collection.currencies`), in capitals as the standard writes it: the one validation of
    every dataset's currency, so that no amount is stored in a currency nobody can add up."""
    if not isinstance(value, str) or value.upper() not in ISO_4217:
        raise _malformed(f"{operation}: {value!r} is not an ISO 4217 currency code")
    return value.upper()


def choice(value: Any, *, choices: Iterable[str], operation: str, name: str) -> str:
    """`value` as the documented spelling of one of `choices` (an AWS enum), compared case-insensitively:
    answers spell enums in title case too (`Modify` for `MODIFY`). Anything else is a DataValidationError."""
    if isinstance(value, str):
        for documented in choices:
            if documented.casefold() == value.casefold():
                return documented
    raise _malformed(f"{operation}: {name} {value!r} is none of {', '.join(choices)}")


def cost_amounts(group: dict, *, operation: str) -> tuple[tuple[Decimal | None, ...], str]:
    """A group's amount of every stored metric (COST_METRICS order; None for a net metric it lacks) and their one
    currency. A group without a gross metric, or whose metrics are in different currencies, is malformed."""
    amounts, units = [], set()
    for metric in COST_METRICS:
        if not metric.required and optional(group, "Metrics", metric.ce) is None:
            amounts.append(None)
            continue
        amount, unit = metric_value(group, "Metrics", metric.ce, operation=operation)
        amounts.append(amount)
        units.add(unit)
    if len(units) != 1:
        raise _malformed(f"{operation}: one group's metrics in {sorted(units)}")
    return tuple(amounts), units.pop()


def day_groups(page: dict, *, operation: str):
    """(day, Estimated, group) of every group of a page. `Groups` and `Estimated` are optional in the service model:
    a day without groups had no cost, one without the flag is final."""
    for result in field(page, "ResultsByTime", operation=operation):
        start = day(field(result, "TimePeriod", "Start", operation=operation), operation=operation)
        for group in optional(result, "Groups") or []:
            yield start, bool(result.get("Estimated", False)), group
