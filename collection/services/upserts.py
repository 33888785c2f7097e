"""Batched bulk upserts into the history: idempotent, so a re-run or a restated day updates rows in place."""

from collections.abc import Iterable, Sequence

from django.db.models import Model

from collection.errors import DataValidationError, ErrorCode
from collection.models import AwsAccount, account_id_validator

BATCH = 1000


def upsert(model: type[Model], objs: Sequence[Model], *, unique: Sequence[str], update: Sequence[str]) -> int:
    """Insert `objs`, updating `update` on rows whose `unique` key exists; return how many rows were written.

    https://docs.djangoproject.com/en/5.2/ref/models/querysets/#bulk-create
    """
    if not objs:
        return 0
    model.objects.bulk_create(
        objs, batch_size=BATCH, update_conflicts=True, unique_fields=list(unique), update_fields=list(update)
    )
    return len(objs)


def check_account_ids(account_ids: Iterable[str]) -> None:
    """DataValidationError unless every id is 12 digits: a malformed response must not reach the history."""
    for account_id in account_ids:
        if account_id_validator.regex.fullmatch(str(account_id)) is None:
            raise DataValidationError(f"{account_id!r} is not an AWS account id", code=ErrorCode.MALFORMED_RESPONSE)


def ensure_accounts(account_ids: Iterable[str], *, names: dict[str, str] | None = None) -> None:
    """Create the accounts a response mentions; fill names (from DimensionValueAttributes) where still blank."""
    names = names or {}
    ids = set(account_ids)
    check_account_ids(ids)
    existing = dict(AwsAccount.objects.filter(account_id__in=ids).values_list("account_id", "name"))
    AwsAccount.objects.bulk_create(
        [AwsAccount(account_id=a, name=names.get(a, "")) for a in ids - existing.keys()], ignore_conflicts=True
    )
    for account_id, name in existing.items():
        if not name and names.get(account_id):
            AwsAccount.objects.filter(account_id=account_id).update(name=names[account_id])
