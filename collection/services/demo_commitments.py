"""Demo answers for Savings Plans and reservations (mixed into DemoAnswers): a Compute Savings Plan of the payer
ending in five months and an EC2 one ending in three weeks, and a reservation in every account but the sandbox."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from collection.services.demo_data import ACCOUNT_NAMES, DemoBill, _unit

# (id, type, days after today it ends, term in days, commitment per hour)
PLANS = (
    ("demo-sp-compute-0001", "Compute", 150, 365 * 3, "4.50"),
    ("demo-sp-ec2-0002", "EC2Instance", 21, 365, "1.20"),
)
RI_INSTANCE_TYPES = ("m5.xlarge", "r5.large", "c5.2xlarge", "db.r5.large")


def _days(period: dict) -> list[date]:
    start, end = date.fromisoformat(period["Start"]), date.fromisoformat(period["End"])
    return [start + timedelta(days=i) for i in range((end - start).days)]


def _instant(day: date) -> str:
    return datetime.combine(day, time(23, 59, 59)).isoformat(timespec="milliseconds") + "Z"


def _percent(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


class DemoCommitmentAnswers:
    bill: DemoBill

    def _utilization(self, key: str, day: date, *, low: str = "0.80") -> Decimal:
        """A daily percentage between `low` and 100, stable for the day."""
        return (Decimal(low) + (1 - Decimal(low)) * _unit(key, day)) * 100

    def _reservations(self) -> list[tuple[str, str, str]]:
        """(subscription id, account, instance type) of every account but the sandbox."""
        return [
            (f"{400000000 + i}", account, RI_INSTANCE_TYPES[i % len(RI_INSTANCE_TYPES)])
            for i, (account, _) in enumerate(self.bill.accounts)
            if ACCOUNT_NAMES[i % len(ACCOUNT_NAMES)] != "sandbox"
        ]

    def savingsplans_describe_savings_plans(self, *, states=(), nextToken=None, maxResults=None, **_):
        today, plans = self.bill.today, []
        for plan_id, kind, ends_in, term, commitment in PLANS:
            end = today + timedelta(days=ends_in)
            plans.append(
                {
                    "savingsPlanId": plan_id,
                    "savingsPlanArn": f"arn:aws:savingsplans::{self.bill.payer}:savingsplan/{plan_id}",
                    "description": f"{kind} Savings Plan",
                    "start": _instant(end - timedelta(days=term)),
                    "end": _instant(end),
                    "state": "active",
                    "savingsPlanType": kind,
                    "paymentOption": "No Upfront",
                    "currency": "USD",
                    "commitment": commitment,
                    "termDurationInSeconds": term * 86400,
                }
            )
        return {"savingsPlans": plans}

    def ce_get_savings_plans_utilization(self, *, TimePeriod, Granularity="DAILY", **_):
        by_day = [
            {
                "TimePeriod": {"Start": str(d), "End": str(d + timedelta(days=1))},
                "Utilization": {"UtilizationPercentage": _percent(self._utilization("sp", d, low="0.70"))},
            }
            for d in _days(TimePeriod)
        ]
        return {"SavingsPlansUtilizationsByTime": by_day, "Total": {"Utilization": {}}}

    def ce_get_savings_plans_utilization_details(self, *, TimePeriod, NextToken=None, **_):
        details = [
            {
                "SavingsPlanArn": f"arn:aws:savingsplans::{self.bill.payer}:savingsplan/{plan_id}",
                "Utilization": {"UtilizationPercentage": _percent(self._utilization(plan_id, self.bill.today))},
            }
            for plan_id, *_ in PLANS
        ]
        return {"SavingsPlansUtilizationDetails": details, "TimePeriod": TimePeriod}

    def ce_get_savings_plans_coverage(self, *, TimePeriod, NextToken=None, **_):
        coverages = [
            {
                "TimePeriod": {"Start": str(d), "End": str(d + timedelta(days=1))},
                "Coverage": {"CoveragePercentage": _percent(self._utilization("sp-coverage", d, low="0.55") * 8 / 10)},
            }
            for d in _days(TimePeriod)
        ]
        return {"SavingsPlansCoverages": coverages}

    def ce_get_reservation_utilization(self, *, TimePeriod, GroupBy=(), NextPageToken=None, **_):
        if not GroupBy:
            by_day = [
                {
                    "TimePeriod": {"Start": str(d), "End": str(d + timedelta(days=1))},
                    "Total": {"UtilizationPercentage": _percent(self._utilization("ri", d))},
                }
                for d in _days(TimePeriod)
            ]
            return {"UtilizationsByTime": by_day}
        today = self.bill.today
        groups = [
            {
                "Key": "SUBSCRIPTION_ID",
                "Value": subscription,
                "Attributes": {
                    "accountId": account,
                    "instanceType": instance_type,
                    "region": "us-east-1",
                    "startDateTime": _instant(today - timedelta(days=200 + 30 * i)),
                    "endDateTime": _instant(today + timedelta(days=165 - 30 * i)),
                    "subscriptionStatus": "Active",
                },
                "Utilization": {"UtilizationPercentage": _percent(self._utilization(subscription, today))},
            }
            for i, (subscription, account, instance_type) in enumerate(self._reservations())
        ]
        return {"UtilizationsByTime": [{"TimePeriod": TimePeriod, "Groups": groups}]}

    def ce_get_reservation_coverage(self, *, TimePeriod, GroupBy=(), NextPageToken=None, **_):
        def coverage(key: str, day: date) -> dict:
            return {
                "CoverageHours": {"CoverageHoursPercentage": _percent(self._utilization(key, day, low="0.40") * 9 / 10)}
            }

        if not GroupBy:
            by_day = [
                {
                    "TimePeriod": {"Start": str(d), "End": str(d + timedelta(days=1))},
                    "Total": coverage("ri-coverage", d),
                }
                for d in _days(TimePeriod)
            ]
            return {"CoveragesByTime": by_day}
        day = _days(TimePeriod)[0]
        groups = [
            {"Attributes": {"linkedAccount": account}, "Coverage": coverage(account, day)}
            for _, account, _ in self._reservations()
        ]
        return {"CoveragesByTime": [{"TimePeriod": TimePeriod, "Groups": groups}]}
