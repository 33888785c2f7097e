"""AWS-shaped response builders for the collection tests (amounts are strings, End is exclusive)."""

import datetime as dt

import requests

MOTO_CE_RESULTS = "http://motoapi.amazonaws.com/moto-api/static/ce/cost-and-usage-results"


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
