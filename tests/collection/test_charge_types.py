"""Reading a page by charge type: documented spellings, types AWS adds later, case variants of one type."""

import datetime as dt
from decimal import Decimal

import pytest

from collection.errors import DataValidationError
from collection.services.charge_types import charge_rows

DAY = dt.date(2026, 3, 2)
ACCOUNT = "111122223333"


def page(*groups: tuple[str, str]) -> dict:
    money = {"Amount": "0", "Unit": "USD"}
    return {
        "ResultsByTime": [
            {
                "TimePeriod": {"Start": str(DAY), "End": "2026-03-03"},
                "Groups": [
                    {
                        "Keys": [ACCOUNT, kind],
                        "Metrics": {"UnblendedCost": {**money, "Amount": amount}, "AmortizedCost": money},
                    }
                    for kind, amount in groups
                ],
            }
        ]
    }


def test_documented_types_take_their_spelling_and_case_variants_are_one_row():
    rows = charge_rows(page(("credit", "-1.5"), ("CREDIT", "-0.5"), ("savingsplanrecurringfee", "3")))
    assert [(row[2], row[3], row[5], row[-2], row[-1]) for row in rows] == [
        ("Credit", Decimal("-2.0"), None, "USD", False),
        ("SavingsPlanRecurringFee", Decimal("3"), None, "USD", False),
    ]


def test_a_type_aws_adds_later_is_stored_as_sent():
    assert [row[2] for row in charge_rows(page(("Marketplace Purchase", "7")))] == ["Marketplace Purchase"]


@pytest.mark.parametrize("kind", ["", "x" * 65])
def test_a_type_that_cannot_be_one_is_malformed(kind):
    with pytest.raises(DataValidationError, match="is not a charge type"):
        charge_rows(page((kind, "1")))
