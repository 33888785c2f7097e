"""The overview's commitments: latest utilization and coverage, and what expires soon, read through the selectors."""

from collection.models import CommitmentType
from collection.selectors.commitments import latest_ratios, live_commitments
from costmonitor.masking import public_account_id

from .query import OverviewQuery

EXPIRING_DAYS = 30  # as the CommitmentExpiringSoon alert
SHOWN = 10


def commitment_figures(query: OverviewQuery) -> dict:
    """The organization's latest ratio per type and measure (none under a scope: it holds every account's usage),
    the live commitments of each type, and those ending within EXPIRING_DAYS, soonest first."""
    labels = dict(CommitmentType.choices)
    latest = [{**row, "type": labels[row["commitment_type"]]} for row in latest_ratios(scope=query.scope)]
    live = live_commitments(scope=query.scope)
    expiring = live_commitments(scope=query.scope, expiring_within_days=EXPIRING_DAYS)[:SHOWN]
    return {
        "latest": latest,
        "live": [{"type": labels[kind], "count": live.filter(commitment_type=kind).count()} for kind in labels],
        "expiring": [
            {
                "type": labels[c.commitment_type],
                "id": c.commitment_id,
                "account": public_account_id(c.account_id) if c.account_id else "",
                "description": c.description,
                "ends_at": c.ends_at,
                "utilization": c.utilization,
            }
            for c in expiring
        ],
    }
