"""The cost metrics costmonitor stores: Cost Explorer's name, the model field, the API's name, and which are required.

One list for the costs query, the change probe, the charge types, the API's `metric` and the gauges, so that what
is stored is what the probe compares. Net metrics are after discounts (EDP, private pricing, bundled discounts):
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html#awscostmanagement-GetCostAndUsage-request-Metrics
"""

from typing import NamedTuple


class CostMetric(NamedTuple):
    ce: str  # the name in GetCostAndUsage's Metrics
    field: str  # the field of CostData and ChargeTypeCost
    name: str  # as the API (`metric=`) and the gauges name it
    # Gross metrics are costmonitor's original ones: a group without one is malformed. A group without a net
    # metric (the service model makes every one optional) stores it unknown (NULL), which the API reports as null
    # and the change probe leaves to the full refresh, instead of failing the gross figures.
    required: bool


COST_METRICS = (
    CostMetric("UnblendedCost", "unblended_cost", "unblended", True),
    CostMetric("AmortizedCost", "amortized_cost", "amortized", True),
    CostMetric("NetUnblendedCost", "net_unblended_cost", "net_unblended", False),
    CostMetric("NetAmortizedCost", "net_amortized_cost", "net_amortized", False),
)
CE_METRICS = [m.ce for m in COST_METRICS]  # a GetCostAndUsage request's Metrics
FIELDS_BY_CE = {m.ce: m.field for m in COST_METRICS}
FIELDS_BY_NAME = {m.name: m.field for m in COST_METRICS}
NULLABLE_FIELDS = frozenset(m.field for m in COST_METRICS if not m.required)
