"""Reads for the FOCUS export: the stored days of cost and charge types it is made of, the payer they bill to, each
month's source."""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import itemgetter

from django.db.models import QuerySet

from collection.data_source import DEMO
from collection.focus_columns import BillingAccount, MonthSource
from collection.focus_rows import METRICS, day_rows
from collection.kinds import Kind
from collection.models import AwsAccount, ChargeTypeCost, CostData, ExportIngestion

from .runs import latest_data_source
from .scope import Scope, within_accounts

COST_FIELDS = ("date", "account_id", "account__name", "service", "region", "currency", *METRICS, "estimated")
CHARGE_FIELDS = ("date", "account_id", "account__name", "charge_type", "currency", *METRICS, "estimated")


@dataclass(frozen=True, kw_only=True)
class FocusRows:
    """The FOCUS rows of the stored days in [start, end) (end exclusive) within `scope`, by day and account
    (`collection.focus_rows.day_rows`): so that the file's totals are the stored history's."""

    start: date
    end: date
    scope: Scope | None = None

    def _costs(self) -> QuerySet:
        qs = CostData.objects.filter(date__gte=self.start, date__lt=self.end)
        return within_accounts(qs, self.scope).values(*COST_FIELDS)

    def _charges(self, day: date) -> QuerySet:
        return within_accounts(ChargeTypeCost.objects.filter(date=day), self.scope).values(*CHARGE_FIELDS)

    def bound(self) -> int:
        """At least as many as the rows there are, counted by the database without making them: every stored
        row of the window (each makes a row at most) and one charge-offset row per account, day and currency of
        charge types."""
        charges = within_accounts(ChargeTypeCost.objects.filter(date__gte=self.start, date__lt=self.end), self.scope)
        days = charges.values("date", "account_id", "currency").distinct().count()
        return self._costs().count() + charges.count() + days

    def __iter__(self) -> Iterator[dict]:
        """The rows, streamed: the window's cost rows in one pass, each day's charge types read once."""
        ordered = self._costs().order_by("date", "account_id", "service", "currency", "region")
        for day, costs in groupby(ordered.iterator(chunk_size=2000), key=itemgetter("date")):
            charges = defaultdict(list)
            for charge in self._charges(day).order_by("account_id", "charge_type", "currency"):
                charges[charge["account_id"]].append(charge)
            for account_id, rows in groupby(costs, key=itemgetter("account_id")):
                yield from day_rows(list(rows), charges.get(account_id, []))


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
