"""Which collector serves each kind of collection, and which cached datasets it changes."""

from datetime import date

from collection.services.accounts import collect_accounts
from collection.services.context import CollectionContext, Outcome
from collection.services.costs import collect_costs
from collection.services.forecast import get_cost_forecast
from collection.services.optimization import collect_optimization_recommendations
from collection.services.tags import collect_tag_based_costs

CHANGED_DATASETS = {
    "costs": ["costs", "accounts"],
    "forecast": ["forecast"],
    "tags": ["tags"],
    "optimization": ["optimization", "accounts"],
    "accounts": ["accounts"],
}


def collect(*, kind: str, ctx: CollectionContext, start: date | None, end: date | None, force: bool) -> Outcome:
    """Run the collector of `kind`; `force` re-fetches forecasts and recommendations even when fresh."""
    if kind == "costs":
        return collect_costs(ctx=ctx, start=start, end=end)
    if kind == "tags":
        return collect_tag_based_costs(ctx=ctx, start=start, end=end)
    if kind == "forecast":
        return get_cost_forecast(ctx=ctx, force=force)
    if kind == "optimization":
        return collect_optimization_recommendations(ctx=ctx, force=force)
    return collect_accounts(ctx=ctx)
