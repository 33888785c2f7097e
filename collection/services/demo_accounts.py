"""Demo answers for Organizations, STS, rightsizing, Savings Plans and Compute Optimizer (mixed into DemoAnswers)."""

from decimal import Decimal

from collection.services.demo_data import DemoBill, _unit

INSTANCE_TYPES = ("m5.4xlarge", "m5.2xlarge", "c5.2xlarge", "r5.xlarge", "t3.large")
PAGE = 5


def _page(items: list, token: str | None, size: int | None = None) -> tuple[list, str | None]:
    offset = int(token or 0)
    following = offset + (size or PAGE)
    return items[offset:following], (str(following) if following < len(items) else None)


class DemoAccountAnswers:
    bill: DemoBill

    def organizations_describe_organization(self):
        return {"Organization": {"Id": "o-demo000000", "MasterAccountId": self.bill.payer}}

    def organizations_list_accounts(self, *, NextToken=None, **_):
        accounts = [
            {"Id": a, "Name": name, "Email": f"{name}@example.com", "Status": "ACTIVE"}
            for a, name in self.bill.accounts
        ]
        page, token = _page(accounts, NextToken)
        return {"Accounts": page, **({"NextToken": token} if token else {})}

    def sts_get_caller_identity(self):
        payer = self.bill.payer
        return {"UserId": "AIDADEMO", "Account": payer, "Arn": f"arn:aws:iam::{payer}:user/demo"}

    def _instances(self, finder: str) -> list[tuple[str, str, str, Decimal]]:
        """(account, instance id, current type, monthly savings) of the oversized instances `finder` reports.

        Rightsizing and Compute Optimizer each name instances of their own, so the demo's savings are never the
        same instance counted twice.
        """
        return [
            (a, f"i-{int(_unit(finder, a, n) * 16**17):017x}", INSTANCE_TYPES[n % 4], Decimal(20 + 37 * n))
            for i, (a, _) in enumerate(self.bill.accounts)
            for n in range(i % 3 + 1)
        ]

    def ce_get_rightsizing_recommendation(self, *, Service, NextPageToken=None, PageSize=None, **_):
        recs = []
        for account, instance, current, savings in self._instances("rightsizing"):
            target = INSTANCE_TYPES[INSTANCE_TYPES.index(current) + 1]
            recs.append(
                {
                    "AccountId": account,
                    "CurrentInstance": {
                        "ResourceId": instance,
                        "MonthlyCost": str(savings * 2),
                        "CurrencyCode": "USD",
                        "ResourceDetails": {"EC2ResourceDetails": {"InstanceType": current, "Region": "us-east-1"}},
                    },
                    "RightsizingType": "MODIFY",
                    "ModifyRecommendationDetail": {
                        "TargetInstances": [
                            {
                                "EstimatedMonthlySavings": str(savings),
                                "CurrencyCode": "USD",
                                "DefaultTargetInstance": True,
                                "ResourceDetails": {"EC2ResourceDetails": {"InstanceType": target}},
                            }
                        ]
                    },
                }
            )
        page, token = _page(recs, NextPageToken, PageSize)
        return {"RightsizingRecommendations": page, **({"NextPageToken": token} if token else {})}

    def ce_get_savings_plans_purchase_recommendation(self, *, SavingsPlansType, TermInYears, PaymentOption, **_):
        detail = {
            "AccountId": self.bill.payer,
            "HourlyCommitmentToPurchase": "2.5",
            "EstimatedMonthlySavingsAmount": "412.34",
            "EstimatedSavingsPercentage": "21.5",
            "CurrencyCode": "USD",
            "SavingsPlansDetails": {"OfferingId": "demo-offering"},
        }
        return {
            "Metadata": {"RecommendationId": "demo", "LookbackPeriodInDays": "THIRTY_DAYS"},
            "SavingsPlansPurchaseRecommendation": {
                "SavingsPlansType": SavingsPlansType,
                "TermInYears": TermInYears,
                "PaymentOption": PaymentOption,
                "SavingsPlansPurchaseRecommendationDetails": [detail],
            },
        }

    def compute_optimizer_get_ec2_instance_recommendations(self, *, nextToken=None, **_):
        recs = [
            {
                "instanceArn": f"arn:aws:ec2:us-east-1:{account}:instance/{instance}",
                "accountId": account,
                "currentInstanceType": current,
                "finding": "Overprovisioned",
                "recommendationOptions": [
                    {
                        "instanceType": INSTANCE_TYPES[INSTANCE_TYPES.index(current) + 1],
                        "rank": 1,
                        "savingsOpportunity": {"estimatedMonthlySavings": {"currency": "USD", "value": float(savings)}},
                    }
                ],
            }
            for account, instance, current, savings in self._instances("compute-optimizer")
        ]
        page, token = _page(recs, nextToken)
        return {"instanceRecommendations": page, **({"nextToken": token} if token else {})}
