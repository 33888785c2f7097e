"""Every AWS charge type, in any case, has one of FOCUS 1.2's ChargeCategory values (tests/focus_spec.py)."""

import pytest

from collection.focus_charges import focus_charge, service_category
from collection.services.charge_types import DOCUMENTED
from tests import focus_spec


# Cost Explorer's RECORD_TYPE values as documented; CUR's line item types, as the FOCUS specification's AWS mapping
# lists them (supporting_content/columns/chargecategory.md), are the same names.
@pytest.mark.parametrize("kind", DOCUMENTED)
@pytest.mark.parametrize("spelling", [str, str.lower, str.upper])
def test_every_documented_charge_type_in_any_case_has_an_allowed_category(kind, spelling):
    charge = focus_charge(spelling(kind))
    assert charge.mapped
    assert charge.category in focus_spec.CHARGE_CATEGORIES
    assert (charge.charge_class or "") in focus_spec.CHARGE_CLASSES


@pytest.mark.parametrize(
    ("kind", "category", "charge_class"),
    [
        ("Usage", "Usage", None),
        ("SavingsPlanCoveredUsage", "Usage", None),
        ("SavingsPlanNegation", "Usage", None),
        ("EdpDiscount", "Usage", None),
        ("RIFee", "Purchase", None),
        ("SavingsPlanUpfrontFee", "Purchase", None),
        ("Tax", "Tax", None),
        ("Credit", "Credit", None),
        ("Refund", "Adjustment", "Correction"),
    ],
)
def test_the_specifications_mapping_of_aws_line_item_types(kind, category, charge_class):
    assert (focus_charge(kind).category, focus_charge(kind).charge_class) == (category, charge_class)


@pytest.mark.parametrize("category", sorted(focus_spec.CHARGE_CATEGORIES))
def test_a_focus_exports_own_category_is_itself(category):
    assert focus_charge(category).category == category


def test_a_charge_type_aws_adds_later_is_an_adjustment_said_to_be_unmapped():
    charge = focus_charge("SomethingNew")
    assert (charge.category, charge.charge_class, charge.mapped) == ("Adjustment", None, False)


def test_only_the_tax_service_is_not_usage():
    assert (service_category("Tax"), service_category("AWS Lambda")) == ("Tax", "Usage")
