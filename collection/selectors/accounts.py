"""Reads of the AWS accounts known from Organizations and the cost history."""

from django.db.models import QuerySet

from collection.models import AwsAccount

from .scope import Scope, within_accounts


def account_queryset(
    *, status: str | None = None, is_payer: bool | None = None, scope: Scope | None = None
) -> QuerySet[AwsAccount]:
    """Accounts within `scope`, optionally narrowed by Organizations status or payer flag."""
    qs = within_accounts(AwsAccount.objects.all(), scope)
    if status:
        qs = qs.filter(status=status)
    if is_payer is not None:
        qs = qs.filter(is_payer=is_payer)
    return qs
