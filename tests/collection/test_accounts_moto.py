"""Account names from Organizations (moto), and the degraded path when Organizations is not available."""

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from collection.models import AwsAccount
from collection.services import run_collection
from tests.factories import AwsAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moto(aws_source):
    with mock_aws():
        yield


def test_accounts_come_from_organizations(moto):
    import boto3

    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    org.create_account(Email="data@example.com", AccountName="data")
    run = run_collection(kind="accounts", trigger="command")
    assert run.status == "succeeded", run.error_message
    names = dict(AwsAccount.objects.values_list("name", "is_payer"))
    assert names["data"] is False
    assert list(AwsAccount.objects.filter(is_payer=True).values_list("account_id", flat=True)) == ["123456789012"]
    assert run.aws_requests["organizations:ListAccounts"] == 1
    assert run.ce_requests == 0


def test_not_in_an_organization_degrades_to_cost_explorer_names(moto):
    AwsAccountFactory(account_id="111122223333", name="from-cost-explorer")
    run = run_collection(kind="accounts", trigger="command")
    assert run.status == "partial"
    assert run.error_code == "AWSOrganizationsNotInUseException"
    assert "DimensionValueAttributes" in run.error_message
    assert AwsAccount.objects.get(account_id="111122223333").name == "from-cost-explorer"


def test_access_denied_degrades(moto, client_hooks):
    def deny(**kwargs):
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "ListAccounts")

    client_hooks.append(
        lambda service, client: client.meta.events.register("before-call.organizations.ListAccounts", deny)
    )
    run = run_collection(kind="accounts", trigger="command")
    assert run.status == "partial"
    assert run.error_code == "AccessDeniedException"
    assert "account names come from Cost Explorer" in run.error_message
