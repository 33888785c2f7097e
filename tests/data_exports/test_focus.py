"""Costs and tags from a FOCUS 1.2 (with AWS columns) export: BilledCost is the unblended cost, EffectiveCost the
amortized one, ChargeCategory the charge type, InvoiceId the month's finality.
https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-aws-columns.html
"""

import datetime as dt
from decimal import Decimal

import pytest

from collection.models import ChargeTypeCost, CostData, ExportIngestion, TagCost
from collection.months import month_start
from collection.services import run_collection
from tests.data_exports.exports import focus_line

pytestmark = pytest.mark.django_db

A = "111122223333"
EC2 = "Amazon Elastic Compute Cloud"
LAST = month_start(today=month_start() - dt.timedelta(days=1))


def lines(invoice: str | None = None) -> list[dict]:
    return [
        focus_line(day=LAST, account=A, service=EC2, cost="10", effective="8", tags={"team": "web"}, invoice=invoice),
        focus_line(day=LAST, account=A, service=EC2, cost="-2", category="Credit", invoice=invoice),
        focus_line(day=LAST, account=A, service=EC2, cost="1.5", region=None, category="Tax", invoice=invoice),
    ]


def test_focus_columns_fill_the_same_aggregates(focus_export):
    focus_export.deliver(LAST, lines())

    costs, tags = run_collection(kind="costs", trigger="schedule"), run_collection(kind="tags", trigger="schedule")

    assert costs.status == "succeeded", costs.error_message
    assert tags.status == "succeeded", tags.error_message
    row = CostData.objects.get(date=LAST, account_id=A, service=EC2, region="")
    assert (row.unblended_cost, row.amortized_cost) == (Decimal("9.5"), Decimal("7.5"))
    assert row.net_unblended_cost is None  # FOCUS carries no separate net figures
    assert dict(ChargeTypeCost.objects.values_list("charge_type", "unblended_cost")) == {
        "Usage": Decimal("10"),
        "Credit": Decimal("-2"),
        "Tax": Decimal("1.5"),
    }
    assert dict(TagCost.objects.filter(tag_key="team").values_list("tag_value", "amount")) == {
        "web": Decimal("10"),
        "": Decimal("-0.5"),
    }


def test_a_focus_month_is_final_once_invoice_id_is_set(focus_export):
    focus_export.deliver(LAST, lines(invoice="INV-2026-0042"))

    run_collection(kind="costs", trigger="schedule")

    record = ExportIngestion.objects.get(kind="costs")
    assert record.final
    assert record.invoice_ids == ["INV-2026-0042"]
    assert not CostData.objects.filter(estimated=True).exists()
