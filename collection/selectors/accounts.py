"""Reads of the AWS accounts known from Organizations and the cost history."""

from django.db.models import QuerySet

from collection.models import AwsAccount


def account_queryset(*, status: str | None = None, is_payer: bool | None = None) -> QuerySet[AwsAccount]:
    """Accounts, optionally narrowed by Organizations status or payer flag."""
    qs = AwsAccount.objects.all()
    if status:
        qs = qs.filter(status=status)
    if is_payer is not None:
        qs = qs.filter(is_payer=is_payer)
    return qs
