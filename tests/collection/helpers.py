"""AWS-shaped response builders for the collection tests (amounts are strings, End is exclusive)."""

import datetime as dt

import requests

MOTO_CE_RESULTS = "http://motoapi.amazonaws.com/moto-api/static/ce/cost-and-usage-results"
ACCOUNT = "111122223333"


def day_result(day: dt.date, groups: list[tuple[str, str, str]], *, estimated: bool = False) -> dict:
    """One ResultsByTime entry of LINKED_ACCOUNT+SERVICE groups: (account, service, unblended amount)."""
    return {
        "TimePeriod": {"Start": str(day), "End": str(day + dt.timedelta(days=1))},
        "Total": {},
        "Groups": [
            {
                "Keys": [account, service],
                "Metrics": {
                    "UnblendedCost": {"Amount": amount, "Unit": "USD"},
                    "AmortizedCost": {"Amount": amount, "Unit": "USD"},
                },
            }
            for account, service, amount in groups
        ],
        "Estimated": estimated,
    }


def inject_cost_pages(pages: list[dict]) -> None:
    """Queue GetCostAndUsage answers in moto: each request with new parameters takes the next page."""
    response = requests.post(MOTO_CE_RESULTS, json={"results": pages}, timeout=5)
    assert response.status_code == 201


def stub(client_hooks: list, service: str, calls: list[tuple[str, dict | str]]) -> None:
    """Answer `service` calls in order with botocore's Stubber: a dict is a response, a str an error code.

    Stubber checks every response against the service model, so the shapes are AWS's own.
    """
    from botocore.stub import Stubber

    def hook(created_service, client) -> None:
        if created_service != service:
            return
        stubber = Stubber(client)
        for method, answer in calls:
            if isinstance(answer, str):
                stubber.add_client_error(method, service_error_code=answer, http_status_code=400)
            else:
                stubber.add_response(method, answer)
        stubber.activate()

    client_hooks.append(hook)


def no_charges(start: dt.date, end: dt.date) -> dict:
    """The costs run's charge-type answer (LINKED_ACCOUNT+RECORD_TYPE) for [start, end) with no group on any day."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days)]
    return {"ResultsByTime": [{**day_result(day, []), "Groups": []} for day in days]}


def rightsizing(instance: str, savings: str) -> dict:
    """A Cost Explorer RightsizingRecommendation (MODIFY) naming `instance` by its id, saving `savings` USD a month.

    https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_RightsizingRecommendation.html
    """
    return {
        "AccountId": ACCOUNT,
        "CurrentInstance": {
            "ResourceId": instance,
            "MonthlyCost": "200",
            "ResourceDetails": {"EC2ResourceDetails": {"InstanceType": "m5.2xlarge"}},
        },
        "RightsizingType": "MODIFY",
        "ModifyRecommendationDetail": {
            "TargetInstances": [
                {
                    "EstimatedMonthlySavings": savings,
                    "CurrencyCode": "USD",
                    "DefaultTargetInstance": True,
                    "ResourceDetails": {"EC2ResourceDetails": {"InstanceType": "m5.xlarge"}},
                }
            ]
        },
    }


SAVINGS_PLANS = {
    "SavingsPlansPurchaseRecommendation": {
        "SavingsPlansType": "COMPUTE_SP",
        "TermInYears": "ONE_YEAR",
        "PaymentOption": "NO_UPFRONT",
        "SavingsPlansPurchaseRecommendationDetails": [
            {
                "HourlyCommitmentToPurchase": "1.5",
                "EstimatedMonthlySavingsAmount": "300.10",
                "CurrencyCode": "USD",
            }
        ],
    },
}


def instance_recommendation(instance: str, savings: float) -> dict:
    """A Compute Optimizer InstanceRecommendation naming `instance` by its ARN, with its best option's savings.

    https://docs.aws.amazon.com/compute-optimizer/latest/APIReference/API_InstanceRecommendation.html
    """
    return {
        "instanceArn": f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{instance}",
        "accountId": ACCOUNT,
        "currentInstanceType": "m5.2xlarge",
        "finding": "Overprovisioned",
        "recommendationOptions": [
            {
                "instanceType": "m5.large",
                "rank": 1,
                "savingsOpportunity": {"estimatedMonthlySavings": {"currency": "USD", "value": savings}},
            }
        ],
    }
