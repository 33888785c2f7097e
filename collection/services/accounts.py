"""Account names, emails and status from Organizations ListAccounts; without it, names come from Cost Explorer."""

from django.utils import timezone

from collection.errors import AWSAPIError, DataValidationError, aws_call
from collection.models import AwsAccount
from collection.services import parsing
from collection.services.context import CollectionContext, Outcome
from collection.services.pagination import each_page
from collection.services.upserts import check_account_ids, upsert

OP = "ListAccounts"
# Not an organization's management account, or not allowed to read it: CE's DimensionValueAttributes still name
# every account that has costs. https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html
DEGRADING = {"AccessDeniedException", "AccessDenied", "AWSOrganizationsNotInUseException"}


def _status(value) -> str:
    """The documented spelling of an AccountStatus, whatever its case; UNKNOWN for one absent or not known yet."""
    try:
        return parsing.choice(value, choices=AwsAccount.Status.values, operation=OP, name="Status")
    except DataValidationError:
        return AwsAccount.Status.UNKNOWN


def account_rows(page: dict) -> list[AwsAccount]:
    rows = []
    for item in parsing.field(page, "Accounts", operation=OP):
        account = AwsAccount(
            account_id=parsing.field(item, "Id", operation=OP),
            name=item.get("Name", ""),
            email=item.get("Email", ""),
            status=_status(item.get("Status")),
            last_seen=timezone.now(),
        )
        rows.append(account)
    check_account_ids({row.account_id for row in rows})
    return rows


def collect_accounts(*, ctx: CollectionContext) -> Outcome:
    """Upsert every account of the organization and mark its management (payer) account."""
    organizations = ctx.client("organizations")

    def handle(page: dict) -> int:
        rows = account_rows(page)
        return upsert(AwsAccount, rows, unique=["account_id"], update=["name", "email", "status", "last_seen"])

    try:
        written = each_page(
            organizations.list_accounts,
            operation=OP,
            params={},
            handle=handle,
            page_key="NextToken",
        )
        organization = aws_call(organizations.describe_organization, operation="DescribeOrganization")
        payer = parsing.field(organization, "Organization", "MasterAccountId", operation="DescribeOrganization")
    except AWSAPIError as exc:
        if exc.code not in DEGRADING:
            raise
        outcome = Outcome()
        outcome.degrade(
            code=exc.code,
            message=f"{exc}; account names come from Cost Explorer (DimensionValueAttributes) instead",
        )
        return outcome
    AwsAccount.objects.exclude(account_id=payer).filter(is_payer=True).update(is_payer=False)
    AwsAccount.objects.filter(account_id=payer).update(is_payer=True)
    return Outcome(rows=written)
