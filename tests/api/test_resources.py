"""GET /api/resources: the costliest resources per service and day, within the reader's scope, in JSON and CSV."""

import csv
import io
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from api.tokens import issue_api_token
from collection.cache_versions import bump_dataset_versions
from tests import factories

pytestmark = pytest.mark.django_db

WINDOW = "start=2025-03-01&end=2025-03-31"
PAYER, MEMBER = "111111111111", "222222222222"
EC2, S3 = "Amazon Elastic Compute Cloud", "Amazon Simple Storage Service"
ARN = f"arn:aws:ec2:us-east-1:{MEMBER}:volume/vol-0abc"


@pytest.fixture
def resources():
    payer = factories.AwsAccountFactory(account_id=PAYER)
    member = factories.AwsAccountFactory(account_id=MEMBER)
    for day, account, service, resource, amount in [
        ("2025-03-02", payer, EC2, "i-b", "4"),
        ("2025-03-02", payer, EC2, "i-a", "4"),
        ("2025-03-02", member, EC2, ARN, "9.125"),
        ("2025-03-02", member, S3, "logs", "0.5"),
        ("2025-03-03", payer, EC2, "i-a", "1"),
        ("2025-02-28", payer, EC2, "i-old", "100"),  # outside the window
    ]:
        factories.ResourceCostFactory(
            date=day, account=account, service=service, resource_id=resource, amount=Decimal(amount)
        )


def rows(response) -> list[tuple]:
    assert response.status_code == 200, response.content
    return [tuple(row.values()) for row in response.json()["data"]["rows"]]


def test_each_day_by_service_costliest_first_ties_by_resource_id(api_client, resources):
    assert rows(api_client.get(f"/api/resources?{WINDOW}")) == [
        ("2025-03-02", EC2, MEMBER, ARN, "9.1250000000", "USD"),
        ("2025-03-02", EC2, PAYER, "i-a", "4.0000000000", "USD"),
        ("2025-03-02", EC2, PAYER, "i-b", "4.0000000000", "USD"),
        ("2025-03-02", S3, MEMBER, "logs", "0.5000000000", "USD"),
        ("2025-03-03", EC2, PAYER, "i-a", "1.0000000000", "USD"),
    ]


def test_the_total_over_the_window_filtered_by_service_and_account(api_client, resources):
    response = api_client.get(f"/api/resources?{WINDOW}&granularity=total&service={EC2}&account_id={PAYER}")
    assert rows(response) == [(EC2, PAYER, "i-a", "5.0000000000", "USD"), (EC2, PAYER, "i-b", "4.0000000000", "USD")]
    data = response.json()["data"]
    assert (data["granularity"], data["top"], data["start"], data["end"]) == ("total", 20, "2025-03-01", "2025-03-31")


def test_pages_and_a_cached_answer_until_a_collection_bumps_the_dataset(api_client, resources):
    first = api_client.get(f"/api/resources?{WINDOW}&page_size=2&page=2")
    assert [row[3] for row in rows(first)] == ["i-b", "logs"]
    assert first.json()["metadata"]["total_pages"] == 3
    factories.ResourceCostFactory(date="2025-03-04", resource_id="i-late", account__account_id="333333333333")
    assert api_client.get(f"/api/resources?{WINDOW}&page_size=2&page=2").json()["metadata"]["cached"] is True
    bump_dataset_versions(datasets=["resources"])  # what a finished costs run does
    again = api_client.get(f"/api/resources?{WINDOW}&page_size=2&page=2").json()["metadata"]
    assert (again["cached"], again["total_count"]) == (False, 6)


def test_a_scoped_token_sees_only_its_accounts(api_user, resources):
    client = APIClient()
    token = issue_api_token(username=api_user.username, name="team", account_ids=[MEMBER])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert {row[2] for row in rows(client.get(f"/api/resources?{WINDOW}"))} == {MEMBER}
    body = b"".join(client.get(f"/api/resources?{WINDOW}&format=csv").streaming_content).decode()
    assert PAYER not in body


def test_csv_downloads_every_row(api_client, resources):
    response = api_client.get(f"/api/resources?{WINDOW}&format=csv&page_size=1")
    assert response["Content-Disposition"] == 'attachment; filename="resources_2025-03-01_2025-03-31.csv"'
    found = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert list(found[0]) == ["date", "service", "account_id", "resource_id", "amount", "currency"]
    assert [(r["resource_id"], r["amount"]) for r in found][:2] == [(ARN, "9.1250000000"), ("i-a", "4.0000000000")]
    assert len(found) == 5


def test_account_ids_in_arns_are_masked_with_the_account_ids(api_client, resources, settings):
    settings.MASK_ACCOUNT_IDS = True
    found = rows(api_client.get(f"/api/resources?{WINDOW}&service={EC2}"))
    assert found[0][2:4] == ("2222****2222", "arn:aws:ec2:us-east-1:2222****2222:volume/vol-0abc")
    assert MEMBER not in str(found)


def test_no_rows_says_resources_come_only_from_data_exports(api_client, db):
    factories.CostDataFactory(date="2025-03-02")  # Cost Explorer's history: no resource in it
    response = api_client.get(f"/api/resources?{WINDOW}")
    assert rows(response) == []
    metadata = response.json()["metadata"]
    assert "only from AWS Data Exports" in metadata["note"]
    assert metadata["coverage"] is None


def test_no_rows_in_the_window_gives_the_stored_coverage(api_client, resources):
    metadata = api_client.get("/api/resources?start=2025-01-01&end=2025-01-31").json()["metadata"]
    assert metadata["coverage"] == {"first_day": "2025-02-28", "last_day": "2025-03-03"}


@pytest.mark.parametrize(
    ("query", "field", "text"),
    [
        ("resource=i-a", "resource", "Unknown parameter; accepted: account_id, end, format, granularity, page"),
        ("granularity=weekly", "granularity", "daily, total"),
        ("account_id=12", "account_id", "exactly 12 digits"),
        ("start=2025-03-05&end=2025-03-01", "end", "end is before start"),
    ],
)
def test_bad_parameters_teach(api_client, db, query, field, text):
    response = api_client.get(f"/api/resources?{query}")
    assert response.status_code == 400
    details = {detail["field"]: detail for detail in response.json()["error"]["details"]}
    assert text in details[field]["message"]
