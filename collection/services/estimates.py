"""What a collection of each kind will cost before it runs (`collection.kinds`): dry runs, backfills, budget."""

import math
from datetime import date

from django.conf import settings
from django.db.models import Count, Max

from collection.models import AwsAccount, CategoryCost, ChargeTypeCost, CostData, TagCost
from collection.selectors.reconciliation import last_closed_month
from collection.services.windows import first_run_window

# Cost Explorer does not document its page size; 500 groups a page is a cautious estimate (real pages are larger).
GROUPS_PER_PAGE = 500
# A fresh installation has no history to measure: a day's groups are guessed from the accounts Organizations listed
# (free, collected first), as bench/ce_requests.py's organization has them, else a flat 100.
DEFAULT_GROUPS_PER_DAY = 100
SERVICES_PER_ACCOUNT = 20
CHARGE_TYPES_PER_ACCOUNT = 3


def _groups_per_day(qs, *, per_account: int = 0) -> int:
    latest = qs.aggregate(d=Max("date"))["d"]
    if latest is None:
        return AwsAccount.objects.count() * per_account or DEFAULT_GROUPS_PER_DAY
    return qs.filter(date=latest).aggregate(n=Count("id"))["n"] or DEFAULT_GROUPS_PER_DAY


def _days(start: date | None, end: date | None) -> int:
    """Days of [start, end); without a window, the days a scheduled run re-fetches when Cost Explorer changed."""
    return (end - start).days if start and end else settings.COST_RESTATEMENT_DAYS + 1


def estimate_costs(*, start: date | None, end: date | None) -> int:
    """The pages by account and service (and by region), plus those by account and charge type (at least one);
    none when the Data Export feeds costs (DATA_EXPORTS_DATASETS: it is read from S3)."""
    if "costs" in settings.DATA_EXPORTS_DATASETS:
        return 0
    groups = _groups_per_day(CostData.objects.filter(region=""), per_account=SERVICES_PER_ACCOUNT)
    pages = math.ceil(_days(start, end) * groups / GROUPS_PER_PAGE)
    if settings.COST_REGION_BREAKDOWN:
        pages += AwsAccount.objects.count() * max(1, math.ceil(pages / 4))
    groups = _groups_per_day(ChargeTypeCost.objects, per_account=CHARGE_TYPES_PER_ACCOUNT)
    charges = math.ceil(_days(start, end) * groups / GROUPS_PER_PAGE)
    return max(1, pages) + max(1, charges)


def estimate_tags(*, start: date | None, end: date | None) -> int:
    if "tags" in settings.DATA_EXPORTS_DATASETS:
        return 0
    keys = len(settings.COST_TAG_KEYS) or TagCost.objects.values("tag_key").distinct().count() or 1
    per_key = math.ceil(_days(start, end) * _groups_per_day(TagCost.objects) / max(1, keys) / GROUPS_PER_PAGE)
    return keys * max(1, per_key) + (0 if settings.COST_TAG_KEYS else 1)


def estimate_cost_categories(*, start: date | None, end: date | None) -> int:
    """One ListCostCategoryDefinitions page, and per stored category (at least one) the pages of its window."""
    categories = CategoryCost.objects.values("category").distinct().count() or 1
    per_category = math.ceil(_days(start, end) * _groups_per_day(CategoryCost.objects) / categories / GROUPS_PER_PAGE)
    return 1 + categories * max(1, per_category)


def estimate_forecast(*, start: date | None, end: date | None) -> int:
    return 1 + (AwsAccount.objects.count() if settings.FORECAST_PER_ACCOUNT else 0)


def estimate_optimization(*, start: date | None, end: date | None) -> int:
    return 2  # a page of rightsizing and one Savings Plans request; more pages are rare


def costs_window(*, today: date, source: str) -> tuple[date, date] | None:
    """A first costs run fills the history; a later one fetches only the days that changed (None)."""
    return None if CostData.objects.exists() else first_run_window(today=today, source=source)


def tags_window(*, today: date, source: str) -> tuple[date, date] | None:
    return None if TagCost.objects.exists() else first_run_window(today=today, source=source)


def reconciliation_window(*, today: date, source: str) -> tuple[date, date]:
    return last_closed_month(today=today)
