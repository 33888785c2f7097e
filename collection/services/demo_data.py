"""The deterministic synthetic bill behind the demo source: accounts, real service names, tags, weekly seasonality."""

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

TEN_PLACES = Decimal("0.0000000001")
SERVICES = (
    "Amazon Elastic Compute Cloud - Compute",
    "Amazon Simple Storage Service",
    "Amazon Relational Database Service",
    "AWS Lambda",
    "Amazon CloudFront",
    "Amazon DynamoDB",
    "Amazon Elastic Container Service",
    "Amazon Virtual Private Cloud",
    "AmazonCloudWatch",
    "Amazon Elastic Load Balancing",
    "Amazon ElastiCache",
    "Amazon OpenSearch Service",
    "Amazon Simple Queue Service",
    "Amazon Simple Notification Service",
    "AWS Key Management Service",
    "Amazon Route 53",
    "Amazon Elastic Container Registry (ECR)",
    "AWS Glue",
    "Amazon Kinesis",
    "Amazon Redshift",
)
ACCOUNT_NAMES = ("payer", "production", "staging", "data", "sandbox")
TAGS = {"team": ("platform", "data", "web", ""), "env": ("prod", "staging", "")}
# Cost categories (name → default value, None: no rule's cost is "" as Cost Explorer answers it), and the value each
# account's cost falls in; "sandbox" accounts match no rule of "Business Unit", which has no default value.
COST_CATEGORIES = {"Business Unit": None, "Environment": "Other"}
CATEGORY_VALUES = {
    "Business Unit": {
        "payer": "Shared",
        "production": "Retail",
        "staging": "Retail",
        "data": "Analytics",
        "sandbox": "",
    },
    "Environment": {
        "payer": "Other",
        "production": "Production",
        "staging": "Pre-production",
        "data": "Production",
        "sandbox": "Other",
    },
}
MAIN_REGION, OTHER_REGION, MAIN_REGION_SHARE = "us-east-1", "eu-west-1", Decimal("0.7")
# The charge types (RECORD_TYPE) of a day's cost: every account pays tax; "production" accounts run on a Savings
# Plan (its recurring fee, the usage it covers and that usage's negation); "sandbox" accounts spend promotional
# credits. Shares of the day's total; Usage is the rest, so every breakdown adds up to the same total.
TAX_SHARE = Decimal("0.06")
SAVINGS_PLAN = {"SavingsPlanRecurringFee": Decimal("0.12"), "SavingsPlanCoveredUsage": Decimal("0.3")}
CREDIT_SHARE = Decimal("-0.15")
# Cost Explorer refreshes its data up to three times a day; recent days are restated at each refresh.
REFRESH_HOURS = 8
RESTATED_DAYS = 3
HOURS_PER_DAY = 24
# The demo organization grows 2 % a month, with up to 1 % of noise per month, so each month forecasts its own figure.
MONTHLY_GROWTH, MONTHLY_NOISE = Decimal("0.02"), Decimal("0.01")


@functools.lru_cache(maxsize=2**20)
def _unit(*parts: object) -> Decimal:
    """A stable pseudo-random number in [0, 1) from `parts` (the same in every process, unlike hash())."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return Decimal(int.from_bytes(digest, "big")) / Decimal(2**64)


@dataclass
class DemoBill:
    """A synthetic organization as Cost Explorer would see it at `now`."""

    now: datetime
    n_accounts: int = 5
    n_services: int = 10
    # Hours between updates of today's partial cost: hourly, so the demo's day visibly fills; bench/ce_requests.py
    # sets REFRESH_HOURS, Cost Explorer's own cadence, so that its request counts are AWS's.
    today_refresh_hours: int = 1
    accounts: list[tuple[str, str]] = field(init=False)
    services: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.accounts = [
            (f"{(i + 1) * 111111111111 % 10**12:012d}", f"demo-{ACCOUNT_NAMES[i % 5]}{'' if i < 5 else i}")
            for i in range(self.n_accounts)
        ]
        self.services = SERVICES[: self.n_services]

    @property
    def payer(self) -> str:
        return self.accounts[0][0]

    @property
    def today(self) -> date:
        return self.now.date()

    def days(self, start: date, end: date) -> list[date]:
        """Days of [start, end) that have data: nothing after today."""
        last = min(end, self.today + timedelta(days=1))
        return [start + timedelta(days=i) for i in range((last - start).days)]

    def estimated(self, day: date) -> bool:
        """Current-month days stay estimated until the bill closes, as in Cost Explorer."""
        return day >= self.today.replace(day=1) or (self.today.day <= 3 and day >= _previous_month(self.today))

    def elapsed_share(self, day: date) -> Decimal:
        """The share of `day` whose usage is billed by `now`: 1 for past days; for today, its hours gone by at the
        last of its `today_refresh_hours` updates (hourly: 7/24 at 07:03, 0 just after midnight), so today's cost
        grows with the day and stays equal between updates."""
        if day != self.today:
            return Decimal(1)
        return Decimal(self.now.hour // self.today_refresh_hours * self.today_refresh_hours) / Decimal(HOURS_PER_DAY)

    def unblended(self, day: date, account: str, service: str) -> Decimal:
        base = Decimal(1) + _unit(account, service) ** 2 * Decimal(300)
        weekly = Decimal("0.75") if day.weekday() >= 5 else Decimal(1)
        noise = Decimal("0.9") + _unit(day, account, service) * Decimal("0.2")
        amount = base * weekly * noise * self.elapsed_share(day)
        if (self.today - day).days < RESTATED_DAYS:  # late usage records arrive at every refresh
            amount *= Decimal(1) + Decimal(self.now.hour // REFRESH_HOURS) / Decimal(50)
        return amount.quantize(TEN_PLACES)

    def day_total(self, day: date, account: str | None = None) -> Decimal:
        accounts = [a for a, _ in self.accounts if account in (None, a)]
        return sum((self.unblended(day, a, s) for a in accounts for s in self.services), Decimal(0))

    def charges(self, day: date, account: str) -> list[tuple[str, Decimal]]:
        """(RECORD_TYPE, unblended cost) of `account`'s day, adding up to its `day_total` exactly."""
        total = self.day_total(day, account)
        role = ACCOUNT_NAMES[[a for a, _ in self.accounts].index(account) % len(ACCOUNT_NAMES)]
        shares = {"Tax": TAX_SHARE}
        if role == "production":
            covered = SAVINGS_PLAN["SavingsPlanCoveredUsage"]
            shares |= {**SAVINGS_PLAN, "SavingsPlanNegation": -covered}
        if role == "sandbox":
            shares["Credit"] = CREDIT_SHARE
        lines = [(kind, (total * share).quantize(TEN_PLACES)) for kind, share in shares.items()]
        return [("Usage", total - sum(amount for _, amount in lines)), *lines]

    def month_trend(self, month: date) -> Decimal:
        """The factor of the month starting `month` over today's run rate: growth per month ahead, plus noise."""
        ahead = (month.year - self.today.year) * 12 + month.month - self.today.month
        return Decimal(1) + MONTHLY_GROWTH * ahead + MONTHLY_NOISE * _unit("month", month.year, month.month)

    def category_value(self, category: str, account: str) -> str:
        """The value of `category` that `account`'s cost falls in ("" when it matches no rule)."""
        role = ACCOUNT_NAMES[[a for a, _ in self.accounts].index(account) % len(ACCOUNT_NAMES)]
        return CATEGORY_VALUES[category][role]

    def tag_value(self, key: str, account: str) -> str:
        values = TAGS[key]
        return values[int(_unit(key, account) * len(values))]


def _previous_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)
