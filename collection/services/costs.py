"""get_cost_and_usage: daily cost by account and service (every stored metric in one request), every page."""

from datetime import date

from django.conf import settings

from collection.cost_metrics import CE_METRICS, COST_METRICS, FIELDS_BY_CE
from collection.models import AwsAccount, CostData
from collection.services import parsing
from collection.services.charge_types import collect_charge_types
from collection.services.context import CollectionContext, Outcome
from collection.services.copy_upsert import upsert_rows
from collection.services.probe import scheduled_window
from collection.services.upserts import ensure_accounts
from collection.services.window_replacement import replace_window

OP = "GetCostAndUsage"
METRIC_FIELDS = [m.field for m in COST_METRICS]
FIELDS = ["date", "account", "service", "region", *METRIC_FIELDS, "currency", "estimated"]
UNIQUE = ["date", "account", "service", "region"]
UPDATE = [*METRIC_FIELDS, "currency", "estimated", "updated_at"]
PROBED_FIELDS = FIELDS_BY_CE  # CE metric → field: the probe compares every stored metric


def cost_rows(page: dict, *, account: str | None = None) -> tuple[list[tuple], dict[str, str]]:
    """FIELDS tuples of one page (LINKED_ACCOUNT+SERVICE groups, or SERVICE+REGION for `account`), and names."""
    names = {
        parsing.field(d, "Value", operation=OP): d.get("Attributes", {}).get("description", "")
        for d in page.get("DimensionValueAttributes", [])
    }
    rows = []
    for day, estimated, group in parsing.day_groups(page, operation=OP):
        first, second = parsing.field(group, "Keys", 0, operation=OP), parsing.field(group, "Keys", 1, operation=OP)
        amounts, unit = parsing.cost_amounts(group, operation=OP)
        rows.append(
            (
                day,
                account or first,
                second if account is None else first,
                "" if account is None else second,
                *amounts,
                unit,
                estimated,
            )
        )
    return rows, names


def fetch_costs(*, ctx: CollectionContext, start: date, end: date, account: str | None = None) -> int:
    """Replace [start, end) with CE's groups: by account and service, or by service and region for `account`."""
    group_by = ["LINKED_ACCOUNT", "SERVICE"] if account is None else ["SERVICE", "REGION"]
    params = {
        "Granularity": "DAILY",
        "Metrics": CE_METRICS,
        "GroupBy": [{"Type": "DIMENSION", "Key": key} for key in group_by],
    }
    if account:
        params["Filter"] = {"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [account]}}

    def upsert_page(page: dict) -> int:
        rows, names = cost_rows(page, account=account)
        ensure_accounts({row[1] for row in rows} | names.keys(), names=names)
        return upsert_rows(CostData, fields=FIELDS, rows=rows, unique=UNIQUE, update=UPDATE)

    stored = (
        CostData.objects.filter(account_id=account).exclude(region="")
        if account
        else CostData.objects.filter(region="")
    )
    return replace_window(ctx=ctx, params=params, window=(start, end), upsert_page=upsert_page, stored=stored)


def collect_costs(*, ctx: CollectionContext) -> Outcome:
    """Daily costs of `ctx.window`, or of what a scheduled run fetches (`probe.scheduled_window`), and the same
    days by charge type."""
    window = ctx.window or scheduled_window(ctx=ctx, stored=CostData.objects.filter(region=""), fields=PROBED_FIELDS)
    if window is None:
        return Outcome(notes=["Cost Explorer data unchanged since the last run"])
    start, end = window
    written = fetch_costs(ctx=ctx, start=start, end=end)
    if settings.COST_REGION_BREAKDOWN:
        # Cost Explorer groups by at most two dimensions: regions cost one query (and its pages) per account.
        for account in AwsAccount.objects.values_list("account_id", flat=True):
            written += fetch_costs(ctx=ctx, start=start, end=end, account=account)
    written += collect_charge_types(ctx=ctx, window=window)
    return Outcome(rows=written, window=(start, end))
