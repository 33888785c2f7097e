"""Reads for the FOCUS export: the stored days of cost it is made of, the payer they bill to, each month's source."""

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet

from collection.data_source import DEMO
from collection.focus_columns import BillingAccount, MonthSource
from collection.kinds import Kind
from collection.models import AwsAccount, CostData, ExportIngestion

from .runs import latest_data_source
from .scope import Scope, within_accounts

ROW_FIELDS = (
    "date",
    "account_id",
    "account__name",
    "service",
    "currency",
    "unblended_cost",
    "amortized_cost",
    "net_unblended_cost",
    "net_amortized_cost",
    "estimated",
)


def focus_cost_rows(*, start: date, end: date, scope: Scope | None = None) -> QuerySet:
    """The all-regions daily rows in [start, end) (end exclusive) within `scope`, as dicts of ROW_FIELDS, by day,
    account and service: one FOCUS row each, so that the file's totals are the stored history's.

    Per-region rows are left out: they exist only where region breakdown is collected, and beside the
    all-regions row they would count a cost twice.
    """
    qs = within_accounts(CostData.objects.filter(date__gte=start, date__lt=end, region=""), scope)
    return qs.values(*ROW_FIELDS).order_by("date", "account_id", "service", "currency")


def billing_account(*, scope: Scope | None = None) -> BillingAccount:
    """The organization's payer (management) account when exactly one is known and `scope` holds it; else none,
    and each row bills to its own account (a scoped reader never learns an account id outside its scope)."""
    payers = list(within_accounts(AwsAccount.objects.filter(is_payer=True), scope).values_list("account_id", "name"))
    if len(payers) != 1:
        return BillingAccount(account_id=None, name="")
    account_id, name = payers[0]
    return BillingAccount(account_id=account_id, name=name)


def month_sources(*, months: Iterable[date]) -> dict[date, MonthSource]:
    """Where each month's stored cost came from, by first day of the month: the one place that says whether a
    month's FOCUS rows are conformant (a billing period the costs kind ingested from a Data Export, recorded in
    `ExportIngestion`) or aligned (Cost Explorer, demo)."""
    months = list(months)
    exported = set(
        ExportIngestion.objects.filter(kind=Kind.COSTS, billing_period__in=months).values_list(
            "billing_period", flat=True
        )
    )
    other = MonthSource.DEMO if latest_data_source() == DEMO else MonthSource.COST_EXPLORER
    return {month: MonthSource.DATA_EXPORTS if month in exported else other for month in months}
