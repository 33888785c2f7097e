"""Daily costs from moto's GetCostAndUsage: pagination, totals to the cent, idempotence, restatement, faults."""

import datetime as dt
from decimal import Decimal

import pytest
import requests
from botocore.exceptions import ClientError
from moto import mock_aws

from collection.models import AwsAccount, CollectionRun, CostData
from collection.selectors import cost_totals
from collection.services import run_collection
from tests.collection.helpers import day_result, inject_cost_pages, no_charges

pytestmark = pytest.mark.django_db

A, B = "111122223333", "444455556666"
EC2, S3 = "Amazon Elastic Compute Cloud - Compute", "Amazon Simple Storage Service"
START = dt.date.today() - dt.timedelta(days=5)
DAY1, DAY2 = START, START + dt.timedelta(days=1)
END = DAY2 + dt.timedelta(days=1)
NAMES = [{"Value": A, "Attributes": {"description": "prod"}}, {"Value": B, "Attributes": {"description": "dev"}}]

# Two pages; DAY2 starts on page 1 and continues on page 2, as Cost Explorer splits a period.
PAGES = [
    {
        "ResultsByTime": [
            day_result(DAY1, [(A, EC2, "10.1234567891"), (B, S3, "0.0100000000")]),
            day_result(DAY2, [(A, EC2, "7.5000000001")], estimated=True),
        ],
        "DimensionValueAttributes": NAMES,
        "NextPageToken": "page-2",
    },
    {
        "ResultsByTime": [day_result(DAY2, [(B, S3, "2.49"), (B, EC2, "1")], estimated=True)],
        "DimensionValueAttributes": NAMES,
    },
]
CHARGES = no_charges(START, END)  # the costs run's query by charge type, after the pages by service
RETURNED_TOTAL = Decimal("10.1234567891") + Decimal("0.01") + Decimal("7.5000000001") + Decimal("2.49") + 1


@pytest.fixture
def moto(aws_source):
    with mock_aws():
        yield


def collect(**kwargs) -> CollectionRun:
    return run_collection(kind="costs", trigger="command", start=START, end=END, **kwargs)


def test_every_page_is_stored_and_totals_match_to_the_cent(moto):
    inject_cost_pages([*PAGES, CHARGES])
    run = collect()
    assert run.status == "succeeded", run.error_message
    assert run.rows_written == 5
    assert cost_totals(start=START, end=END) == {"USD": RETURNED_TOTAL}
    assert cost_totals(start=DAY2, end=END) == {"USD": Decimal("10.9900000001")}
    assert CostData.objects.get(date=DAY2, account_id=B, service=S3).estimated is True
    assert AwsAccount.objects.get(account_id=A).name == "prod"
    assert (run.source, run.ce_requests, run.ce_cost_usd) == ("aws", 3, Decimal("0.03"))
    assert run.aws_requests == {"ce:GetCostAndUsage": 3}
    assert (run.window_start, run.window_end) == (START, END)


def test_second_run_writes_no_duplicates(moto):
    inject_cost_pages([*PAGES, CHARGES])
    collect()
    again = collect()
    assert again.status == "succeeded"
    assert CostData.objects.count() == 5
    assert cost_totals(start=START, end=END) == {"USD": RETURNED_TOTAL}


def test_restated_day_is_updated_in_place(moto):
    inject_cost_pages([*PAGES, CHARGES])
    collect()
    before = CostData.objects.get(date=DAY1, account_id=A, service=EC2)
    requests.post("http://motoapi.amazonaws.com/moto-api/reset", timeout=5)
    restated = [{**PAGES[0], "ResultsByTime": [day_result(DAY1, [(A, EC2, "12.00")]), *PAGES[0]["ResultsByTime"][1:]]}]
    inject_cost_pages([*restated, PAGES[1], CHARGES])
    collect()
    after = CostData.objects.get(date=DAY1, account_id=A, service=EC2)
    assert after.pk == before.pk
    assert after.unblended_cost == Decimal("12.00")
    # B's S3 on DAY1 is no longer returned by Cost Explorer, so it is no longer stored either.
    assert not CostData.objects.filter(date=DAY1, account_id=B).exists()


def test_throttling_in_the_middle_of_pagination_is_retried(moto, client_hooks):
    inject_cost_pages([*PAGES, CHARGES])
    calls = []

    def throttle_second_page_once(params, **kwargs):
        calls.append(params.get("NextPageToken"))
        if params.get("NextPageToken") and calls.count(params["NextPageToken"]) == 1:
            error = {"Error": {"Code": "LimitExceededException", "Message": "Rate exceeded"}}
            raise ClientError(error, "GetCostAndUsage")

    client_hooks.append(
        lambda service, client: client.meta.events.register(
            "before-parameter-build.ce.GetCostAndUsage", throttle_second_page_once
        )
    )
    run = collect()
    assert run.status == "succeeded", run.error_message
    assert calls == [None, "page-2", "page-2", None]  # the last: the query by charge type
    assert cost_totals(start=START, end=END) == {"USD": RETURNED_TOTAL}


@pytest.mark.parametrize(
    ("broken", "detail"),
    [
        (
            {
                "Keys": [B, S3],
                "Metrics": {m: {"Amount": "n/a", "Unit": "USD"} for m in ("UnblendedCost", "AmortizedCost")},
            },
            "not an amount",
        ),
        ({"Keys": [B, S3]}, "lacks Metrics"),
    ],
)
def test_malformed_page_rolls_back_the_run_and_records_it(moto, broken, detail):
    CostData.objects.create(
        date=DAY1, account=AwsAccount.objects.create(account_id=A), service=EC2, unblended_cost=1, amortized_cost=1
    )
    bad_page = {"ResultsByTime": [{**day_result(DAY2, []), "Groups": [broken]}]}
    inject_cost_pages([PAGES[0], bad_page])
    run = collect()
    assert run.status == "failed"
    assert run.error_code == "MalformedResponse"
    assert detail in run.error_message
    assert run.ce_requests == 2  # what was spent is recorded even though nothing was written
    assert list(CostData.objects.values_list("date", "account_id", "unblended_cost")) == [(DAY1, A, Decimal(1))]
    assert not AwsAccount.objects.filter(account_id=B).exists()
