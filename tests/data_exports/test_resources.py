"""The costliest resources per service and day, from the export's resource ids (CUR 2.0 `line_item_resource_id`,
FOCUS 1.2 `ResourceId`), ingested with the month they belong to.

Columns: https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2-line-item.html (line_item_resource_id)
and https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-aws-columns.html (ResourceId).
Delivery and manifests: https://docs.aws.amazon.com/cur/latest/userguide/dataexports-export-delivery.html
"""

import datetime as dt
from decimal import Decimal

import pytest

from collection.data_exports.duckdb_engine import DuckDBDialect
from collection.models import CostData, ResourceCost
from collection.months import month_start
from collection.services import run_collection
from tests.data_exports.exports import cur2_line, focus_line

pytestmark = pytest.mark.django_db

A, B = "111122223333", "444455556666"
EC2, S3 = "Amazon Elastic Compute Cloud", "Amazon Simple Storage Service"
LAST = month_start(today=month_start() - dt.timedelta(days=1))  # last month: in scope on any day
D1, D2 = LAST, LAST + dt.timedelta(days=1)
BUCKET_ARN = f"arn:aws:s3:::logs-{B}"
LINES = {"cur2_export": cur2_line, "focus_export": focus_line}


def bill(line) -> list[dict]:
    """EC2 on D1: i-a 5 + 1, i-b and i-c tied at 3, i-d 1, and a line without a resource; S3 on D1 and D2."""
    return [
        line(day=D1, account=A, service=EC2, cost="5", resource="i-a"),
        line(day=D1, account=A, service=EC2, cost="1", resource="i-a"),
        line(day=D1, account=A, service=EC2, cost="3", resource="i-c"),
        line(day=D1, account=B, service=EC2, cost="3", resource="i-b"),
        line(day=D1, account=A, service=EC2, cost="1", resource="i-d"),
        line(day=D1, account=A, service=EC2, cost="50"),  # no resource id (a support fee, say): never a resource
        line(day=D1, account=B, service=S3, cost="0.25", resource=BUCKET_ARN),
        line(day=D2, account=B, service=S3, cost="0.5", resource=BUCKET_ARN),
    ]


def stored() -> list[tuple]:
    return list(
        ResourceCost.objects.order_by("date", "service", "-amount", "resource_id").values_list(
            "date", "service", "account_id", "resource_id", "amount", "estimated"
        )
    )


def collect(**window):
    run = run_collection(kind="costs", trigger="schedule", **window)
    assert run.status == "succeeded", run.error_message
    return run


@pytest.mark.parametrize("export", ["cur2_export", "focus_export"])
def test_the_top_n_of_each_service_and_day_ties_decided_by_resource_id(request, settings, export):
    delivery = request.getfixturevalue(export)
    settings.DATA_EXPORTS_TOP_RESOURCES = 2
    delivery.deliver(LAST, bill(LINES[export]))

    collect()

    assert stored() == [
        (D1, EC2, A, "i-a", Decimal(6), True),
        (D1, EC2, B, "i-b", Decimal(3), True),  # i-c costs as much: i-b comes first
        (D1, S3, B, BUCKET_ARN, Decimal("0.25"), True),
        (D2, S3, B, BUCKET_ARN, Decimal("0.5"), True),
    ]
    # The same transaction wrote the month's costs, the line without a resource included.
    assert CostData.objects.get(date=D1, account_id=A, service=EC2, region="").unblended_cost == Decimal(60)


def test_resources_sharing_duckdbs_compact_key_are_summed_again_by_their_columns(settings, monkeypatch, cur2_export):
    # Every resource under one key: the hashed sums merge them all, and the collision says so.
    monkeypatch.setattr(DuckDBDialect, "resource_key", lambda self, columns: "0")
    settings.DATA_EXPORTS_TOP_RESOURCES = 2
    cur2_export.deliver(LAST, bill(cur2_line))

    collect()

    assert stored() == [
        (D1, EC2, A, "i-a", Decimal(6), True),
        (D1, EC2, B, "i-b", Decimal(3), True),
        (D1, S3, B, BUCKET_ARN, Decimal("0.25"), True),
        (D2, S3, B, BUCKET_ARN, Decimal("0.5"), True),
    ]


def test_a_restated_month_replaces_its_resources_and_an_empty_manifest_keeps_them(settings, cur2_export):
    cur2_export.deliver(LAST, bill(cur2_line))
    collect()
    assert len(stored()) == 6

    restated = [cur2_line(day=D2, account=A, service=EC2, cost="7", resource="i-new", invoice="INV-1")]
    cur2_export.deliver(LAST, restated)
    collect()
    assert stored() == [(D2, EC2, A, "i-new", Decimal(7), False)]  # invoiced: final, no longer estimated

    listing_nothing = {**cur2_export.deliver(LAST, restated).manifest, "dataFiles": []}
    cur2_export.put_manifest(LAST, listing_nothing)
    collect()
    assert stored() == [(D2, EC2, A, "i-new", Decimal(7), False)]


def test_zero_keeps_no_resource_and_leaves_the_stored_ones(settings, cur2_export):
    cur2_export.deliver(LAST, bill(cur2_line))
    collect()
    settings.DATA_EXPORTS_TOP_RESOURCES = 0
    cur2_export.deliver(LAST, bill(cur2_line)[:1])

    collect()

    assert len(stored()) == 6
    assert CostData.objects.get(date=D1, account_id=A, service=EC2, region="").unblended_cost == Decimal(5)
