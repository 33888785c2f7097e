"""Strict reads of AWS responses: a missing key or a non-numeric amount is a DataValidationError, never a guess."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from collection.errors import DataValidationError, ErrorCode

# An ISO 4217 code: three capital letters. Anything else would be stored as a currency nobody can sum.
CURRENCY = re.compile(r"[A-Z]{3}")


def field(data: Any, *path: str | int, operation: str) -> Any:
    """data[path[0]][path[1]]…, or DataValidationError naming the missing path."""
    value = data
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            where = ".".join(map(str, path))
            raise DataValidationError(
                f"{operation}: response lacks {where}", code=ErrorCode.MALFORMED_RESPONSE
            ) from None
    return value


def amount(value: Any, *, operation: str) -> Decimal:
    """A finite Decimal from an AWS amount (a string, or a number in Compute Optimizer)."""
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DataValidationError(
            f"{operation}: {value!r} is not an amount", code=ErrorCode.MALFORMED_RESPONSE
        ) from None
    if not result.is_finite():
        raise DataValidationError(f"{operation}: {value!r} is not an amount", code=ErrorCode.MALFORMED_RESPONSE)
    return result


def day(value: Any, *, operation: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise DataValidationError(f"{operation}: {value!r} is not a date", code=ErrorCode.MALFORMED_RESPONSE) from None


def currency(value: Any, *, operation: str) -> str:
    if not isinstance(value, str) or not CURRENCY.fullmatch(value):
        raise DataValidationError(f"{operation}: {value!r} is not a currency code", code=ErrorCode.MALFORMED_RESPONSE)
    return value
