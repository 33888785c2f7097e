"""Demo answers for AWS Budgets and Cost Anomaly Detection (mixed into DemoAnswers), computed from the DemoBill."""

import calendar
import hashlib
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from botocore.exceptions import ClientError

from collection.services.demo_accounts import _page
from collection.services.demo_data import DemoBill, _unit

ANOMALY_EVERY_DAYS = 7  # the demo organization has an anomaly a week, so every window of days shows some
FEEDBACK = (None, None, "YES", "NO", "PLANNED_ACTIVITY")
MONITORS = (("Services", "SERVICE"), ("Linked accounts", "LINKED_ACCOUNT"))


def _money(amount: Decimal, unit: str = "USD") -> dict:
    return {"Amount": str(amount.quantize(Decimal("0.01"))), "Unit": unit}


def _not_found(operation: str, message: str) -> ClientError:
    """What AWS Budgets answers when there is nothing to list."""
    return ClientError({"Error": {"Code": "NotFoundException", "Message": message}}, operation)


class DemoBudgetAnswers:
    bill: DemoBill

    def _month_to_date(self, account: str | None = None) -> tuple[Decimal, Decimal]:
        """(cost so far this month, its run-rate forecast for the whole month) of `account` or of every account."""
        today = self.bill.today
        days = self.bill.days(today.replace(day=1), today + timedelta(days=1))
        actual = sum((self.bill.day_total(d, account) for d in days), Decimal(0))
        elapsed = max(Decimal(1), sum(self.bill.elapsed_share(d) for d in days))
        return actual, actual / elapsed * calendar.monthrange(today.year, today.month)[1]

    def _budgets(self) -> list[dict]:
        today = self.bill.today
        month = datetime(today.year, today.month, 1, tzinfo=UTC)
        quarter = datetime(today.year, (today.month - 1) // 3 * 3 + 1, 1, tzinfo=UTC)
        production = self.bill.accounts[1 % len(self.bill.accounts)][0]
        actual, forecast = self._month_to_date()
        prod_actual, prod_forecast = self._month_to_date(production)

        def cost(name, limit, spent, projected, unit="MONTHLY", start=month, **filters) -> dict:
            return {
                "BudgetName": name,
                "BudgetLimit": _money(limit),
                "TimeUnit": unit,
                "TimePeriod": {"Start": start, "End": datetime(2087, 6, 15, tzinfo=UTC)},
                "CalculatedSpend": {"ActualSpend": _money(spent), "ForecastedSpend": _money(projected)},
                "BudgetType": "COST",
                "LastUpdatedTime": month,
                **filters,
            }

        return [
            # The organization's budget, set 10 % above its usual month: within it.
            cost("Organization monthly", (forecast * Decimal("1.1")).quantize(Decimal("100")), actual, forecast),
            # Production outgrew its budget: the forecast is over the limit (the demo's firing alert).
            cost(
                "Production account",
                (prod_forecast * Decimal("0.9")).quantize(Decimal("10")),
                prod_actual,
                prod_forecast,
                CostFilters={"LinkedAccount": [production]},
            ),
            cost(
                "Compute quarterly",
                (forecast * 3).quantize(Decimal("1000")),
                actual,
                forecast * 3,
                unit="QUARTERLY",
                start=quarter,
                FilterExpression={"Dimensions": {"Key": "SERVICE", "Values": [self.bill.services[0]]}},
            ),
            {
                "BudgetName": "S3 storage",
                "BudgetLimit": _money(Decimal(5000), "GB"),
                "TimeUnit": "MONTHLY",
                "CalculatedSpend": {"ActualSpend": _money(Decimal(3120), "GB")},
                "BudgetType": "USAGE",
            },
            {
                "BudgetName": "Savings Plans utilization",
                "BudgetLimit": _money(Decimal(90), "PERCENTAGE"),
                "TimeUnit": "MONTHLY",
                "CalculatedSpend": {"ActualSpend": _money(Decimal("96.4"), "PERCENTAGE")},
                "BudgetType": "SAVINGS_PLANS_UTILIZATION",
            },
        ]

    def budgets_describe_budgets(self, *, AccountId, NextToken=None, MaxResults=None, **_):
        page, token = _page(self._budgets(), NextToken, MaxResults)
        return {"Budgets": page, **({"NextToken": token} if token else {})}

    def budgets_describe_notifications_for_budget(self, *, AccountId, BudgetName, **_):
        budget = next(b for b in self._budgets() if b["BudgetName"] == BudgetName)
        if budget["BudgetType"] != "COST":
            raise _not_found("DescribeNotificationsForBudget", f"no notifications for budget {BudgetName}")
        limit = Decimal(budget["BudgetLimit"]["Amount"])
        spend = budget["CalculatedSpend"]
        notifications = []
        for kind, member, threshold in (("ACTUAL", "ActualSpend", 80), ("FORECASTED", "ForecastedSpend", 100)):
            crossed = Decimal(spend[member]["Amount"]) > limit * threshold / 100
            notifications.append(
                {
                    "NotificationType": kind,
                    "ComparisonOperator": "GREATER_THAN",
                    "Threshold": float(threshold),
                    "ThresholdType": "PERCENTAGE",
                    "NotificationState": "ALARM" if crossed else "OK",
                }
            )
        return {"Notifications": notifications}

    def _anomaly(self, start: date) -> dict:
        """The demo anomaly starting on `start`: one to three days of one service in one account, a third over."""
        account, name = self.bill.accounts[int(_unit("anomaly account", start) * len(self.bill.accounts))]
        service = self.bill.services[int(_unit("anomaly service", start) * len(self.bill.services))]
        end = min(start + timedelta(days=int(_unit("anomaly days", start) * 3)), self.bill.today)
        days = self.bill.days(start, end + timedelta(days=1))
        actual = sum((self.bill.unblended(d, account, service) * Decimal("1.5") for d in days), Decimal(0))
        expected = actual / Decimal("1.5")
        feedback = FEEDBACK[int(_unit("anomaly feedback", start) * len(FEEDBACK))]
        anomaly_id = uuid.UUID(bytes=hashlib.blake2b(f"{start}|{service}|{account}".encode(), digest_size=16).digest())
        return {
            "AnomalyId": str(anomaly_id),
            "AnomalyStartDate": start.isoformat(),
            "AnomalyEndDate": end.isoformat(),
            "DimensionValue": service,
            "RootCauses": [
                {
                    "Service": service,
                    "Region": "us-east-1",
                    "LinkedAccount": account,
                    "LinkedAccountName": name,
                    "UsageType": "USE1-BoxUsage:m5.4xlarge",
                    "Impact": {"Contribution": float(round(actual - expected, 2))},
                }
            ],
            "AnomalyScore": {"MaxScore": 0.62, "CurrentScore": 0.41},
            "Impact": {
                "MaxImpact": float(round((actual - expected) / len(days), 2)),
                "TotalImpact": float(round(actual - expected, 2)),
                "TotalActualSpend": float(round(actual, 2)),
                "TotalExpectedSpend": float(round(expected, 2)),
                "TotalImpactPercentage": 50.0,
            },
            "MonitorArn": self._monitor_arn(MONITORS[0][0]),
            **({"Feedback": feedback} if feedback else {}),
        }

    def _monitor_arn(self, name: str) -> str:
        return (
            f"arn:aws:ce::{self.bill.payer}:anomalymonitor/{hashlib.blake2b(name.encode(), digest_size=8).hexdigest()}"
        )

    def ce_get_anomalies(self, *, DateInterval, NextPageToken=None, MaxResults=None, **_):
        first = date.fromisoformat(DateInterval["StartDate"][:10])
        last = date.fromisoformat(DateInterval.get("EndDate", self.bill.today.isoformat())[:10])
        span = range((first - timedelta(days=3)).toordinal(), last.toordinal() + 1)
        starts = [date.fromordinal(day) for day in span if day % ANOMALY_EVERY_DAYS == 0]
        # As GetAnomalies selects them: those whose end date falls in the interval.
        anomalies = [
            a for a in map(self._anomaly, starts) if first.isoformat() <= a["AnomalyEndDate"] <= last.isoformat()
        ]
        page, token = _page(anomalies, NextPageToken, MaxResults)
        return {"Anomalies": page, **({"NextPageToken": token} if token else {})}

    def ce_get_anomaly_monitors(self, *, NextPageToken=None, **_):
        created = (self.bill.today - timedelta(days=400)).isoformat()
        monitors = [
            {
                "MonitorArn": self._monitor_arn(name),
                "MonitorName": name,
                "CreationDate": created,
                "LastEvaluatedDate": self.bill.today.isoformat(),
                "MonitorType": "DIMENSIONAL",
                "MonitorDimension": dimension,
            }
            for name, dimension in MONITORS
        ]
        return {"AnomalyMonitors": monitors}
