"""collect_budgets: the AWS budgets of the account costmonitor acts in, with their notification thresholds.

The account is the credentials' own (STS GetCallerIdentity, free and needing no permission), not the stored payer
account: DescribeBudgets answers only for the caller's account, which is the payer's only when the credentials are
the payer's, and a fresh installation has no payer stored before its first accounts run.
The Budgets API is free (https://aws.amazon.com/aws-cost-management/aws-budgets/pricing/): its calls are counted in
the run's `aws_requests`, never as Cost Explorer spend.
"""

from collections.abc import Callable

from django.db import transaction
from django.db.models import Q

from collection.budget_models import (
    BUDGET_TYPES,
    COMPARISON_OPERATORS,
    NOTIFICATION_STATES,
    NOTIFICATION_TYPES,
    THRESHOLD_TYPES,
    TIME_UNITS,
    Budget,
    BudgetNotification,
)
from collection.errors import DataValidationError, aws_call
from collection.services import parsing
from collection.services.context import CollectionContext, Outcome
from collection.services.listed import listed, optional_choice
from collection.services.upserts import check_account_ids, upsert

# AWS answers NotFoundException, not an empty list, to an account without budgets (or a budget without
# notifications): a complete answer saying there are none.
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_DescribeBudgets.html#API_budgets_DescribeBudgets_Errors
NONE_FOUND = "NotFoundException"
PAGE_KEY = "NextToken"
BUDGETS_PAGE = 1000  # DescribeBudgets' MaxResults maximum
NOTIFICATIONS_PAGE = 100  # DescribeNotificationsForBudget's
# Every column an answer sets but the key and first_seen: a budget already stored keeps when it was first seen.
UPDATE = [f.name for f in Budget._meta.concrete_fields if f.name not in {"id", "account_id", "name", "first_seen"}]


def _spend_unit(budget: dict, paths: dict[str, tuple[str, ...]], *, operation: str) -> tuple[dict, str]:
    """The amounts at `paths` (None where absent) and their one unit: a budget whose amounts differ in unit is
    malformed (its figures could not be compared)."""
    amounts, units = {}, set()
    for name, path in paths.items():
        spend = parsing.optional(budget, *path)
        amounts[name] = None
        if spend is not None:
            amounts[name] = parsing.amount(parsing.field(spend, "Amount", operation=operation), operation=operation)
            unit = str(parsing.field(spend, "Unit", operation=operation))
            units.add("USD" if unit.upper() == "USD" else unit)  # a currency in any case, as ISO 4217 writes it
    if len(units) > 1:
        raise DataValidationError(f"{operation}: one budget's amounts in {sorted(units)}")
    return amounts, units.pop() if units else ""


def _linked_accounts(budget: dict) -> list[str]:
    """The accounts a budget's filters surely limit it to: LinkedAccount in CostFilters, or a LINKED_ACCOUNT
    dimension EQUALS at the top of FilterExpression or of its And. Anything else (Or, Not, no such filter) may
    cover any account: []."""
    values = (budget.get("CostFilters") or {}).get("LinkedAccount")
    expression = budget.get("FilterExpression") or {}
    for part in [expression, *(expression.get("And") or [])]:
        dimension = part.get("Dimensions") or {}
        if dimension.get("Key") == "LINKED_ACCOUNT" and dimension.get("MatchOptions", ["EQUALS"]) == ["EQUALS"]:
            values = dimension.get("Values")
    accounts = sorted(set(values or []))
    check_account_ids(accounts)
    return accounts


def _budget(account: str, now) -> Callable[[dict], Budget]:
    """https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Budget.html"""
    op = "DescribeBudgets"

    def parse(entry: dict) -> Budget:
        amounts, unit = _spend_unit(
            entry,
            {
                "limit": ("BudgetLimit",),
                "actual": ("CalculatedSpend", "ActualSpend"),
                "forecast": ("CalculatedSpend", "ForecastedSpend"),
            },
            operation=op,
        )
        filters = {key: entry[key] for key in ("FilterExpression", "CostFilters") if entry.get(key)}
        return Budget(
            account_id=account,
            name=parsing.field(entry, "BudgetName", operation=op),
            budget_type=parsing.choice(
                parsing.field(entry, "BudgetType", operation=op), choices=BUDGET_TYPES, operation=op, name="BudgetType"
            ),
            time_unit=parsing.choice(
                parsing.field(entry, "TimeUnit", operation=op), choices=TIME_UNITS, operation=op, name="TimeUnit"
            ),
            **amounts,
            unit=unit,
            period_start=parsing.optional(entry, "TimePeriod", "Start"),
            period_end=parsing.optional(entry, "TimePeriod", "End"),
            cost_filters=filters,
            linked_accounts=_linked_accounts(entry),
            updated_in_aws=entry.get("LastUpdatedTime"),
            first_seen=now,
            last_seen=now,
            active=True,
        )

    return parse


def _notification(entry: dict) -> BudgetNotification:
    """https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Notification.html"""
    op = "DescribeNotificationsForBudget"
    return BudgetNotification(
        notification_type=parsing.choice(
            parsing.field(entry, "NotificationType", operation=op),
            choices=NOTIFICATION_TYPES,
            operation=op,
            name="NotificationType",
        ),
        comparison_operator=parsing.choice(
            parsing.field(entry, "ComparisonOperator", operation=op),
            choices=COMPARISON_OPERATORS,
            operation=op,
            name="ComparisonOperator",
        ),
        threshold=parsing.amount(parsing.field(entry, "Threshold", operation=op), operation=op),
        threshold_type=optional_choice(
            entry.get("ThresholdType"), choices=THRESHOLD_TYPES, operation=op, name="ThresholdType"
        ),
        state=optional_choice(
            entry.get("NotificationState"), choices=NOTIFICATION_STATES, operation=op, name="NotificationState"
        ),
    )


def collect_budgets(*, ctx: CollectionContext) -> Outcome:
    """Store every budget with its thresholds; a budget a complete answer no longer lists becomes inactive.

    A failed answer (an error, a malformed page, a page loop) fails the run and changes nothing. A complete one
    is the whole current set, an empty one too: AWS has no budget then, so every stored one is retired (kept,
    inactive). When an entry was unreadable (skipped), none is retired: that one may be among the missing.
    """
    identity = aws_call(ctx.client("sts").get_caller_identity, operation="GetCallerIdentity")
    account = parsing.field(identity, "Account", operation="GetCallerIdentity")
    check_account_ids([account])
    client = ctx.client("budgets")
    outcome = Outcome()
    found = listed(
        client.describe_budgets,
        operation="DescribeBudgets",
        params={"AccountId": account, "MaxResults": BUDGETS_PAGE, "ShowFilterExpression": True},
        key="Budgets",
        parse=_budget(account, ctx.now),
        id_path=("BudgetName",),
        page_key=PAGE_KEY,
        none_code=NONE_FOUND,
    )
    outcome.skip(found.skipped, what="DescribeBudgets entries")
    budgets = list({budget.name: budget for budget in found.rows}.values())
    thresholds = {}
    for budget in budgets:
        notifications = listed(
            client.describe_notifications_for_budget,
            operation="DescribeNotificationsForBudget",
            params={"AccountId": account, "BudgetName": budget.name, "MaxResults": NOTIFICATIONS_PAGE},
            key="Notifications",
            parse=_notification,
            id_path=("NotificationType",),
            page_key=PAGE_KEY,
            none_code=NONE_FOUND,
        )
        outcome.skip(notifications.skipped, what=f"notifications of budget {budget.name!r}")
        if not notifications.skipped:  # else its stored thresholds stay: one of them is the unreadable one
            thresholds[budget.name] = notifications.rows
    outcome.rows = store_budgets(account=account, budgets=budgets, thresholds=thresholds, retire=not found.skipped)
    return outcome


@transaction.atomic
def store_budgets(
    *, account: str, budgets: list[Budget], thresholds: dict[str, list[BudgetNotification]], retire: bool
) -> int:
    """Upsert `budgets` of `account` and replace the thresholds of those in `thresholds`; with `retire`, the
    budgets are the complete current set: every other active one becomes inactive."""
    written = upsert(Budget, budgets, unique=["account_id", "name"], update=UPDATE)
    stored = {b.name: b for b in Budget.objects.filter(account_id=account, name__in=[b.name for b in budgets])}
    if retire:
        current = Q(account_id=account, name__in=list(stored))
        Budget.objects.filter(active=True).exclude(current).update(active=False)
    BudgetNotification.objects.filter(budget__in=[stored[name] for name in thresholds]).delete()
    rows = []
    for name, notifications in thresholds.items():
        for notification in notifications:
            notification.budget = stored[name]
            rows.append(notification)
    BudgetNotification.objects.bulk_create(rows)
    return written + len(rows)
