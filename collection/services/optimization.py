"""collect_optimization_recommendations: rightsizing, Savings Plans purchase, Compute Optimizer EC2 findings."""

from datetime import timedelta

from django.conf import settings

from collection.errors import AWSAPIError, aws_call
from collection.models import OptimizationRecommendation
from collection.selectors.runs import called_since
from collection.services import parsing
from collection.services.context import CollectionContext, Outcome
from collection.services.pagination import CE_PAGE_KEY, each_page
from collection.services.recommendations import (
    Entries,
    compute_optimizer_rows,
    rightsizing_rows,
    savings_plans_rows,
    store_recommendations,
)

Type = OptimizationRecommendation.Type
# Each page is a billed request: ask for large pages (the API documents no maximum; 100 is accepted).
RIGHTSIZING_PAGE = 100
SP_OPERATION = "GetSavingsPlansPurchaseRecommendation"  # called once by every fetch
SP_OPTIONS = {"SavingsPlansType": "COMPUTE_SP", "TermInYears": "ONE_YEAR", "PaymentOption": "NO_UPFRONT"}


def _recently_fetched(*, ctx: CollectionContext) -> bool:
    """AWS refreshes recommendations about once a day; within RECOMMENDATION_REFRESH_HOURS, a re-fetch buys nothing."""
    since = ctx.now - timedelta(hours=settings.RECOMMENDATION_REFRESH_HOURS)
    return called_since(kind=ctx.kind, source=ctx.source, operation=f"ce:{SP_OPERATION}", since=since)


def _collect(
    ctx: CollectionContext, *, outcome: Outcome, service: str, operation: str, params: dict, rows, page_key=CE_PAGE_KEY
) -> list:
    """Every page's rows; the entries skipped on the way are counted on `outcome` (`recommendations`'s rule)."""
    found = Entries()
    call = getattr(ctx.client(service), operation)

    def handle(page: dict) -> int:
        found.add(rows(page))
        return 0

    each_page(call, operation=operation, params=params, handle=handle, page_key=page_key)
    outcome.skip(found.skipped, what=f"{operation} entries")
    return found.rows


def collect_optimization_recommendations(*, ctx: CollectionContext) -> Outcome:
    """Store every current recommendation; ones AWS no longer returns become inactive."""
    if not ctx.force and _recently_fetched(ctx=ctx):
        return Outcome(notes=[f"recommendations fetched within {settings.RECOMMENDATION_REFRESH_HOURS} h"])
    identity = aws_call(ctx.client("sts").get_caller_identity, operation="GetCallerIdentity")
    payer = parsing.field(identity, "Account", operation="GetCallerIdentity")
    outcome = Outcome()
    rightsizing = _collect(
        ctx,
        outcome=outcome,
        service="ce",
        operation="get_rightsizing_recommendation",
        params={"Service": "AmazonEC2", "PageSize": RIGHTSIZING_PAGE},
        rows=rightsizing_rows,
    )
    outcome.rows += store_recommendations(Type.RIGHTSIZING, rightsizing)
    plans = _collect(
        ctx,
        outcome=outcome,
        service="ce",
        operation="get_savings_plans_purchase_recommendation",
        params={**SP_OPTIONS, "LookbackPeriodInDays": "THIRTY_DAYS", "AccountScope": "PAYER"},
        rows=lambda page: savings_plans_rows(page, payer=payer),
    )
    outcome.rows += store_recommendations(Type.SAVINGS_PLANS, plans)
    try:
        instances = _collect(
            ctx,
            outcome=outcome,
            service="compute-optimizer",
            operation="get_ec2_instance_recommendations",
            params={},
            rows=compute_optimizer_rows,
            page_key="nextToken",
        )
    except AWSAPIError as exc:
        if exc.code not in {"OptInRequiredException", "AccessDeniedException"}:
            raise
        outcome.degrade(code=exc.code, message=str(exc))
    else:
        outcome.rows += store_recommendations(Type.COMPUTE_OPTIMIZER, instances)
    return outcome
