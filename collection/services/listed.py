"""Every page of an AWS list read entry by entry (`recommendations.Entries`), and the readers of its plain members."""

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from collection.errors import AWSAPIError, DataValidationError, ErrorCode
from collection.services import parsing
from collection.services.pagination import each_page
from collection.services.recommendations import Entries

# A YearMonthDay of Cost Anomaly Detection: a date, perhaps followed by a time.
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_Anomaly.html
YEAR_MONTH_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}Z)?")


def listed(
    call: Callable,
    *,
    operation: str,
    params: dict,
    key: str,
    parse: Callable[[dict], Any],
    id_path: tuple[str, ...],
    page_key: str,
    none_code: str = "",
) -> Entries:
    """The entries under `key` of every page, each through `parse`. A page without `key` lists none (the member
    is optional); `none_code` names the error AWS answers when there is nothing to list, which is read as none."""
    found = Entries()

    def handle(page: dict) -> int:
        found.add(Entries().read(page.get(key, []), parse, operation=operation, id_path=id_path))
        return 0

    try:
        each_page(call, operation=operation, params=params, handle=handle, page_key=page_key)
    except AWSAPIError as exc:
        if not none_code or exc.code != none_code:
            raise
    return found


def number(value: Any, *, operation: str, name: str) -> float:
    """A double of the service model (a score): a finite number, never a bool or a string."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value or abs(value) == float("inf"):
        raise DataValidationError(f"{operation}: {name} {value!r} is not a number", code=ErrorCode.MALFORMED_RESPONSE)
    return float(value)


def optional_amount(data: dict, *path: str, operation: str) -> Decimal | None:
    """The amount at `path`, None where AWS left it out."""
    value = parsing.optional(data, *path)
    return None if value is None else parsing.amount(value, operation=operation)


def optional_choice(value: Any, *, choices: tuple[str, ...], operation: str, name: str) -> str:
    """`parsing.choice` of an optional enum member: "" where AWS left it out."""
    return "" if value is None else parsing.choice(value, choices=choices, operation=operation, name=name)


def year_month_day(value: Any, *, operation: str) -> date | None:
    """The day of a YearMonthDay (2026-10-05 or 2026-10-05T00:00:00Z); None where AWS left it out."""
    if value is None:
        return None
    found = YEAR_MONTH_DAY.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        raise DataValidationError(f"{operation}: {value!r} is not a date", code=ErrorCode.MALFORMED_RESPONSE)
    return parsing.day(found.group(1), operation=operation)
