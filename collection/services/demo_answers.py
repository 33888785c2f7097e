"""AWS-shaped answers of the demo source, one method per operation, computed from the synthetic DemoBill."""

from datetime import date, datetime
from decimal import Decimal

from collection.services.demo_accounts import DemoAccountAnswers
from collection.services.demo_budgets import DemoBudgetAnswers
from collection.services.demo_commitments import DemoCommitmentAnswers
from collection.services.demo_data import (
    COST_CATEGORIES,
    MAIN_REGION,
    MAIN_REGION_SHARE,
    OTHER_REGION,
    TAGS,
    TEN_PLACES,
    DemoBill,
)
from collection.services.demo_export import DemoExportAnswers
from collection.services.windows import month_periods


def money(amount: Decimal) -> dict:
    return {"Amount": str(amount.quantize(TEN_PLACES)), "Unit": "USD"}


# Savings Plans and reservations amortized over their term: the demo's amortized cost is 97 % of unblended.
AMORTIZED_SHARE = Decimal("0.97")
# An enterprise discount: net (after discounts) cost is 95 % of the gross, amortized or not.
NET_SHARE = Decimal("0.95")


def metrics(unblended: Decimal, names) -> dict:
    """The `Metrics` (or `Total`) of an answer asking for `names`, from a group's or a day's unblended cost."""
    amortized = unblended * AMORTIZED_SHARE
    amounts = {
        "UnblendedCost": unblended,
        "AmortizedCost": amortized,
        "NetUnblendedCost": unblended * NET_SHARE,
        "NetAmortizedCost": amortized * NET_SHARE,
    }
    return {name: money(amounts[name]) for name in names}


def _window(period: dict) -> tuple[date, date]:
    return date.fromisoformat(period["Start"]), date.fromisoformat(period["End"])


def _filter_account(flt: dict | None) -> str | None:
    return (flt or {}).get("Dimensions", {}).get("Values", [None])[0]


class DemoAnswers(DemoAccountAnswers, DemoBudgetAnswers, DemoCommitmentAnswers, DemoExportAnswers):
    def __init__(self, *, now: datetime, page_size: int = 500, **bill_options) -> None:
        self.bill = DemoBill(now=now, **bill_options)
        self.page_size = page_size

    def _groups(self, day: date, group_by: list[dict], account: str | None) -> list[tuple[list[str], Decimal]]:
        bill, keys = self.bill, [g["Key"] for g in group_by]
        if keys == ["LINKED_ACCOUNT"]:
            return [([a], bill.day_total(day, a)) for a, _ in bill.accounts]
        if keys == ["LINKED_ACCOUNT", "RECORD_TYPE"]:
            return [([a, kind], amount) for a, _ in bill.accounts for kind, amount in bill.charges(day, a)]
        if keys == ["LINKED_ACCOUNT", "SERVICE"]:
            return [([a, s], bill.unblended(day, a, s)) for a, _ in bill.accounts for s in bill.services]
        if keys == ["SERVICE", "REGION"]:
            groups = []
            for s in bill.services:
                amount = bill.unblended(day, account, s)
                main = (amount * MAIN_REGION_SHARE).quantize(TEN_PLACES)  # regions add up to the total exactly
                groups += [([s, MAIN_REGION], main), ([s, OTHER_REGION], amount - main)]
            return groups
        if group_by[0]["Type"] == "COST_CATEGORY":  # keys read "name$value", as for tags
            values = sorted({bill.category_value(keys[0], a) for a, _ in bill.accounts})
            return [
                (
                    [f"{keys[0]}${v}"],
                    sum(
                        (bill.day_total(day, a) for a, _ in bill.accounts if bill.category_value(keys[0], a) == v),
                        Decimal(0),
                    ),
                )
                for v in values
            ]
        tag_key, by_service = keys[0], keys[1:] == ["SERVICE"]

        def cost(value: str, services: list[str]) -> Decimal:
            tagged = [a for a, _ in bill.accounts if bill.tag_value(tag_key, a) == value]
            return sum((bill.unblended(day, a, s) for a in tagged for s in services), Decimal(0))

        if not by_service:  # grouped by the tag alone (the tag-value probe)
            return [([f"{tag_key}${value}"], cost(value, bill.services)) for value in TAGS[tag_key]]
        return [([f"{tag_key}${value}", s], cost(value, [s])) for value in TAGS[tag_key] for s in bill.services]

    def _page(self, days: list[date], group_by: list[dict], account: str | None, offset: int):
        """(day, keys, amount) of groups offset…offset+page_size; every day has as many groups, so only the
        days this page covers are computed."""
        per_day = len(self._groups(days[0], group_by, account)) if days else 0
        if not per_day:
            return
        for index in range(offset // per_day, min(len(days), -(-(offset + self.page_size) // per_day))):
            for position, (keys, amount) in enumerate(self._groups(days[index], group_by, account)):
                if offset <= index * per_day + position < offset + self.page_size:
                    yield days[index], keys, amount

    def _monthly(self, *, TimePeriod, Metrics, GroupBy, account: str | None) -> dict:
        """A MONTHLY answer: per month of the window, each group summed over its days (one page: the demo
        organization has few accounts)."""
        results = []
        for start, end in month_periods(*_window(TimePeriod)):
            days, totals = self.bill.days(start, end), {}
            for d in days:
                for keys, amount in self._groups(d, list(GroupBy), account):
                    totals[tuple(keys)] = totals.get(tuple(keys), Decimal(0)) + amount
            results.append(
                {
                    "TimePeriod": {"Start": str(start), "End": str(end)},
                    "Total": {},
                    "Groups": [
                        {"Keys": list(keys), "Metrics": metrics(amount, Metrics)} for keys, amount in totals.items()
                    ],
                    "Estimated": any(self.bill.estimated(d) for d in days),
                }
            )
        return {"ResultsByTime": results, "GroupDefinitions": list(GroupBy), "DimensionValueAttributes": []}

    def ce_get_cost_and_usage(self, *, TimePeriod, Granularity, Metrics, GroupBy=(), Filter=None, NextPageToken=None):
        account = _filter_account(Filter)
        if Granularity == "MONTHLY":
            return self._monthly(TimePeriod=TimePeriod, Metrics=Metrics, GroupBy=GroupBy, account=account)
        days = self.bill.days(*_window(TimePeriod))
        if not GroupBy:
            results = [
                {
                    "TimePeriod": {"Start": str(d), "End": str(d.fromordinal(d.toordinal() + 1))},
                    "Total": metrics(self.bill.day_total(d, account), Metrics),
                    "Groups": [],
                    "Estimated": self.bill.estimated(d),
                }
                for d in days
            ]
            return {"ResultsByTime": results, "DimensionValueAttributes": [], "GroupDefinitions": []}
        offset, results = int(NextPageToken or 0), {}
        group_count = len(days) * len(self._groups(days[0], list(GroupBy), account)) if days else 0
        for d, keys, amount in self._page(days, list(GroupBy), account, offset):
            entry = results.setdefault(
                d,
                {
                    "TimePeriod": {"Start": str(d), "End": str(d.fromordinal(d.toordinal() + 1))},
                    "Total": {},
                    "Groups": [],
                    "Estimated": self.bill.estimated(d),
                },
            )
            entry["Groups"].append({"Keys": keys, "Metrics": metrics(amount, Metrics)})
        response = {"ResultsByTime": list(results.values()), "GroupDefinitions": list(GroupBy)}
        if GroupBy[0]["Key"] == "LINKED_ACCOUNT":
            response["DimensionValueAttributes"] = [
                {"Value": a, "Attributes": {"description": name}} for a, name in self.bill.accounts
            ]
        if offset + self.page_size < group_count:
            response["NextPageToken"] = str(offset + self.page_size)
        return response

    def ce_get_cost_forecast(self, *, TimePeriod, Metric, Granularity, PredictionIntervalLevel=80, Filter=None):
        account, today = _filter_account(Filter), self.bill.today
        daily = sum(self.bill.day_total(today.fromordinal(today.toordinal() - i), account) for i in range(1, 8))
        results = []
        for start, end in month_periods(*_window(TimePeriod)):
            mean = daily / 7 * (end - start).days * self.bill.month_trend(start)
            results.append(
                {
                    "TimePeriod": {"Start": str(start), "End": str(end)},
                    "MeanValue": str(mean.quantize(TEN_PLACES)),
                    "PredictionIntervalLowerBound": str((mean * Decimal("0.9")).quantize(TEN_PLACES)),
                    "PredictionIntervalUpperBound": str((mean * Decimal("1.1")).quantize(TEN_PLACES)),
                }
            )
        total = sum(Decimal(r["MeanValue"]) for r in results)
        return {"Total": money(total), "ForecastResultsByTime": results}

    def ce_get_tags(self, *, TimePeriod, TagKey=None, NextPageToken=None, **_):
        tags = sorted(TAGS) if TagKey is None else [v for v in TAGS[TagKey] if v]
        return {"Tags": tags, "ReturnSize": len(tags), "TotalSize": len(tags)}

    def ce_list_cost_category_definitions(self, *, MaxResults=100, NextToken=None, **_):
        """Every demo category, effective since the demo's history began, fully applied; one page."""
        references = [
            {
                "CostCategoryArn": f"arn:aws:ce::{self.bill.payer}:costcategory/demo-{i:04d}",
                "Name": name,
                "EffectiveStart": "2025-01-01T00:00:00Z",
                "NumberOfRules": 3,
                "ProcessingStatus": [{"Component": "COST_EXPLORER", "Status": "APPLIED"}],
                **({"DefaultValue": default} if default else {}),
            }
            for i, (name, default) in enumerate(COST_CATEGORIES.items())
        ]
        return {"CostCategoryReferences": references}
