"""Answers built from botocore's own output shapes reach every collector (issue 13, point 11).

Each answer is a realistic one completed with every member its output shape declares, then varied: each optional
member absent in turn, each enum in every documented value and in another case (`Modify`, `OVERPROVISIONED`).
Every run must store the correct result or fail with a clear code and the previous data intact: never
InternalError, never a partial write. Recommendation lists may skip the one entry a variant breaks (counted).
"""

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

import boto3
import botocore.session
import pytest
from django.core.cache import cache

from collection import aws
from collection.models import (
    AwsAccount,
    CategoryCost,
    ChargeTypeCost,
    CollectionRun,
    CostData,
    CostForecast,
    OptimizationRecommendation,
    TagCost,
)
from collection.services import recommendations, run_collection
from tests.collection.helpers import instance_recommendation, stub

pytestmark = pytest.mark.django_db

SESSION = botocore.session.get_session()
PAGE_TOKENS = {"NextPageToken", "NextToken", "nextToken"}  # pagination is not what these answers vary
NAMED = {"CurrencyCode": "USD", "Unit": "USD", "currency": "USD"}  # a filled-in currency is a valid one
MAX_DEPTH = 12
CLEAR_CODES = {"MalformedResponse", "EmptyResponse"}
ACCOUNT, OTHER = "111122223333", "444455556666"
DAY, NEXT_DAY = dt.date(2026, 10, 5), dt.date(2026, 10, 6)
EC2 = "Amazon Elastic Compute Cloud - Compute"
JOINED = dt.datetime(2024, 1, 2, tzinfo=dt.UTC)


def output_shape(service: str, operation: str):
    return SESSION.get_service_model(service).operation_model(operation).output_shape


def filled(shape, name: str = "", depth: int = 0):
    """A value of `shape` with every member (lists and maps of one), as the model types it."""
    kind = shape.type_name
    if kind == "structure":
        return {
            member: filled(member_shape, member, depth + 1)
            for member, member_shape in shape.members.items()
            if member not in PAGE_TOKENS and (depth < MAX_DEPTH or member in shape.required_members)
        }
    if kind == "list":
        return [filled(shape.member, name, depth + 1)]
    if kind == "map":
        return {filled(shape.key, "", depth + 1): filled(shape.value, name, depth + 1)}
    if kind == "string":
        return shape.enum[0] if shape.enum else NAMED.get(name, "1" * max(1, shape.metadata.get("min", 1)))
    return {"boolean": False, "timestamp": JOINED, "blob": b"1", "double": 1.0, "float": 1.0}.get(kind, 1)


def completed(value, shape, depth: int = 0):
    """`value` with every member its shape declares and it lacks filled in."""
    kind = shape.type_name
    if kind == "structure":
        present = {name: completed(v, shape.members[name], depth + 1) for name, v in value.items()}
        return {**filled(shape, depth=depth), **present}
    if kind == "list":
        return [completed(v, shape.member, depth + 1) for v in value]
    if kind == "map":
        return {k: completed(v, shape.value, depth + 1) for k, v in value.items()}
    return value


def members(value, shape, path: tuple = ()) -> Iterator[tuple[tuple, object, bool]]:
    """(path, shape, optional) of every value in `value`; list items and map values are never optional."""
    kind = shape.type_name
    if kind == "structure":
        for name, v in value.items():
            yield (*path, name), shape.members[name], name not in shape.required_members
            yield from members(v, shape.members[name], (*path, name))
    elif kind in ("list", "map"):
        items = enumerate(value) if kind == "list" else value.items()
        inner = shape.member if kind == "list" else shape.value
        for key, v in items:
            yield (*path, key), inner, False
            yield from members(v, inner, (*path, key))


def dotted(path: tuple) -> str:
    return ".".join(map(str, path))


def other_case(value: str) -> str:
    return value.title() if value.isupper() else value.upper()


def changed(answer: dict, path: tuple, value=None, *, drop: bool = False) -> dict:
    result = copy.deepcopy(answer)
    parent = result
    for key in path[:-1]:
        parent = parent[key]
    if drop:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return result


@dataclass(frozen=True)
class Variant:
    label: str
    answer: dict
    path: tuple = ()
    dropped: bool = False
    documented: str | None = None  # an enum variant: the documented value it spells


def variants(answer: dict, shape, *, stored: set[str]) -> Iterator[Variant]:
    """The complete answer; without each optional member; each enum in each documented value, in two cases.

    The enums at `stored` paths vary one at a time; the others (which costmonitor does not store) vary together,
    the n-th variant setting each to its n-th value: as thorough, in far fewer runs.
    """
    yield Variant("complete", answer)
    others: list[tuple[tuple, list[str]]] = []
    for path, member, optional in members(answer, shape):
        if optional:
            yield Variant(f"without {dotted(path)}", changed(answer, path, drop=True), path, dropped=True)
        enum = member.enum if member.type_name == "string" else []
        if enum and dotted(path) not in stored:
            others.append((path, enum))
            continue
        for value in enum:
            for spelling in dict.fromkeys([value, other_case(value)]):
                yield Variant(f"{dotted(path)}={spelling}", changed(answer, path, spelling), path, documented=value)
    for n in range(max((len(enum) for _, enum in others), default=0)):
        for spelling, spell in (("as documented", str), ("in another case", other_case)):
            varied = answer
            for path, enum in others:
                varied = changed(varied, path, spell(enum[n % len(enum)]))
            yield Variant(f"every other enum at its value {n + 1}, {spelling}", varied)


Rows = dict
Effect = Callable[[Rows, Variant], Rows]


@dataclass(frozen=True)
class Case:
    """One answer of one collection to vary; `calls` are the run's answers (the varied one replaces its own)."""

    kind: str
    service: str
    operation: str
    answer: dict
    calls: list[tuple[str, str, dict]]
    stored: Callable[[], Rows]
    prior: Callable[[], None]
    expected: Rows  # what the complete answer stores
    effects: dict[str, Effect] = field(default_factory=dict)  # by dotted path: how a variant changes `expected`
    window: tuple[dt.date, dt.date] | None = None
    entries: str = ""  # a recommendation type: a broken entry is skipped, never the run
    varies: int = 0  # which of the calls of `operation` the varied answer replaces (a costs run makes two)

    @property
    def method(self) -> str:
        return botocore.xform_name(self.operation)

    @property
    def complete(self) -> dict:
        return completed(self.answer, output_shape(self.service, self.operation))


def replace(key, **values) -> Effect:
    """An effect: the row `key` with `values` replaced."""
    return lambda rows, variant: {**rows, key: {**rows[key], **values}}


# --- Projections of what a collection stored, and the data before it ---


def projection(queryset, key: tuple[str, ...], **values: str) -> Callable[[], Rows]:
    """What is stored, read afresh at each call: {row key: {name: field}}."""

    def read() -> Rows:
        return {
            tuple(getattr(r, f) for f in key) if len(key) > 1 else getattr(r, key[0]): {
                name: getattr(r, f) for name, f in values.items()
            }
            for r in queryset.all()
        }

    return read


cost_rows = projection(
    CostData.objects,
    ("date", "account_id", "service", "region"),
    unblended="unblended_cost",
    amortized="amortized_cost",
    net_unblended="net_unblended_cost",
    net_amortized="net_amortized_cost",
    currency="currency",
    estimated="estimated",
)
charge_rows = projection(
    ChargeTypeCost.objects,
    ("date", "account_id", "charge_type"),
    unblended="unblended_cost",
    net_amortized="net_amortized_cost",
    currency="currency",
    estimated="estimated",
)
tag_rows = projection(
    TagCost.objects,
    ("date", "tag_key", "tag_value", "service"),
    amount="amount",
    currency="currency",
    estimated="estimated",
)
category_rows = projection(
    CategoryCost.objects,
    ("date", "category", "value"),
    amount="amount",
    uncategorized="uncategorized",
    currency="currency",
    estimated="estimated",
)
forecast_rows = projection(
    CostForecast.objects,
    ("scope", "period_start", "period_end"),
    mean="mean",
    lower="lower_bound",
    upper="upper_bound",
    currency="currency",
)
account_rows = projection(
    AwsAccount.objects, ("account_id",), name="name", email="email", status="status", is_payer="is_payer"
)
recommendation_rows = projection(
    OptimizationRecommendation.objects.filter(active=True),
    ("type", "account_id", "resource_id"),
    category="category",
    savings="estimated_monthly_savings",
    currency="currency",
)


def prior_costs() -> None:
    AwsAccount.objects.create(account_id=ACCOUNT)
    for service, amount in ((EC2, "99"), ("Retired service", "5")):
        CostData.objects.create(
            date=DAY, account_id=ACCOUNT, service=service, unblended_cost=amount, amortized_cost=amount
        )


def prior_charges() -> None:
    prior_costs()
    ChargeTypeCost.objects.create(
        date=DAY, account_id=ACCOUNT, charge_type="Refund", unblended_cost=5, amortized_cost=5
    )


def prior_tags() -> None:
    for value, amount in (("platform", "99"), ("retired", "5")):
        TagCost.objects.create(date=DAY, tag_key="team", tag_value=value, service=EC2, amount=amount)


def prior_categories() -> None:
    for value, amount in (("Retail", "99"), ("Retired", "5")):
        CategoryCost.objects.create(date=DAY, category="Business Unit", value=value, amount=amount)


PRIOR_CATEGORIES = {
    (DAY, "Business Unit", value): {
        "amount": Decimal(amount),
        "uncategorized": False,
        "currency": "USD",
        "estimated": False,
    }
    for value, amount in (("Retail", "99"), ("Retired", "5"))
}


def prior_forecast() -> None:
    now = dt.datetime.now(dt.UTC)
    CostForecast.objects.create(
        period_start=DAY, period_end=dt.date(2026, 11, 1), mean=1, generated_on=now.date(), generated_at=now
    )


def prior_accounts() -> None:
    AwsAccount.objects.create(account_id=ACCOUNT, name="old name", status="SUSPENDED")
    AwsAccount.objects.create(account_id=OTHER, name="other", is_payer=True)


def prior_recommendations() -> None:
    AwsAccount.objects.create(account_id=ACCOUNT)
    now = dt.datetime.now(dt.UTC)
    for resource, savings in (("i-aaa", 1), ("i-retired", 5)):
        OptimizationRecommendation.objects.create(
            type="rightsizing",
            category="TERMINATE",
            account_id=ACCOUNT,
            resource_id=resource,
            estimated_monthly_savings=savings,
            last_seen=now,
        )


# --- The answers ---


def cost_page(keys: list[str], metrics: dict) -> dict:
    return {
        "ResultsByTime": [
            {
                "TimePeriod": {"Start": str(DAY), "End": str(NEXT_DAY)},
                "Total": {},
                "Groups": [{"Keys": keys, "Metrics": metrics}],
                "Estimated": True,
            }
        ],
    }


COSTS = {
    **cost_page(
        [ACCOUNT, EC2],
        {
            "UnblendedCost": {"Amount": "12.5", "Unit": "USD"},
            "AmortizedCost": {"Amount": "10.25", "Unit": "USD"},
            "NetUnblendedCost": {"Amount": "11.875", "Unit": "USD"},
            "NetAmortizedCost": {"Amount": "9.74", "Unit": "USD"},
        },
    ),
    "GroupDefinitions": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}, {"Type": "DIMENSION", "Key": "SERVICE"}],
    "DimensionValueAttributes": [{"Value": ACCOUNT, "Attributes": {"description": "payer"}}],
}
TAGS = {
    **cost_page(["team$platform", EC2], {"UnblendedCost": {"Amount": "3.5", "Unit": "USD"}}),
    "GroupDefinitions": [{"Type": "TAG", "Key": "team"}, {"Type": "DIMENSION", "Key": "SERVICE"}],
}
CHARGES = {  # by charge type: a credit spelt in capitals, with no NetAmortizedCost (the model allows it)
    **cost_page(
        [ACCOUNT, "CREDIT"],
        {
            "UnblendedCost": {"Amount": "-2.5", "Unit": "USD"},
            "AmortizedCost": {"Amount": "-2.5", "Unit": "USD"},
            "NetUnblendedCost": {"Amount": "-2.5", "Unit": "USD"},
        },
    ),
    "GroupDefinitions": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}, {"Type": "DIMENSION", "Key": "RECORD_TYPE"}],
}
GET_TAGS = {"Tags": ["team"], "ReturnSize": 1, "TotalSize": 1}
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_ListCostCategoryDefinitions.html
DEFINITIONS = {"CostCategoryReferences": [{"Name": "Business Unit", "DefaultValue": "Other"}]}
# Cost no rule matched, under the category's default value.
CATEGORY_PAGE = {
    **cost_page(["Business Unit$Other"], {"UnblendedCost": {"Amount": "7.5", "Unit": "USD"}}),
    "GroupDefinitions": [{"Type": "COST_CATEGORY", "Key": "Business Unit"}],
}
FORECAST = {
    "Total": {"Amount": "120.5", "Unit": "USD"},
    "ForecastResultsByTime": [
        {
            "TimePeriod": {"Start": str(DAY), "End": "2026-11-01"},
            "MeanValue": "120.5",
            "PredictionIntervalLowerBound": "100",
            "PredictionIntervalUpperBound": "140.25",
        }
    ],
}
LIST_ACCOUNTS = {
    "Accounts": [
        {
            "Id": ACCOUNT,
            "Email": "payer@example.com",
            "Name": "payer",
            "Status": "ACTIVE",
            "JoinedTimestamp": JOINED,
        }
    ]
}
ORGANIZATION = {"Organization": {"Id": "o-exampleorgid", "MasterAccountId": ACCOUNT}}
IDENTITY = {"UserId": "AIDAEXAMPLE", "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/costmonitor"}
RIGHTSIZING = {
    "RightsizingRecommendations": [
        {
            "AccountId": ACCOUNT,
            "CurrentInstance": {
                "ResourceId": "i-aaa",
                "MonthlyCost": "200",
                "CurrencyCode": "USD",
                "ResourceDetails": {"EC2ResourceDetails": {"InstanceType": "m5.2xlarge"}},
            },
            "RightsizingType": "MODIFY",
            "ModifyRecommendationDetail": {
                "TargetInstances": [
                    {
                        "EstimatedMonthlySavings": "40.5",
                        "CurrencyCode": "USD",
                        "DefaultTargetInstance": True,
                        "ResourceDetails": {"EC2ResourceDetails": {"InstanceType": "m5.xlarge"}},
                    }
                ]
            },
            "TerminateRecommendationDetail": {"EstimatedMonthlySavings": "40.5", "CurrencyCode": "USD"},
        }
    ]
}
SAVINGS_PLANS = {
    "SavingsPlansPurchaseRecommendation": {
        "SavingsPlansType": "COMPUTE_SP",
        "TermInYears": "ONE_YEAR",
        "PaymentOption": "NO_UPFRONT",
        "SavingsPlansPurchaseRecommendationDetails": [
            {
                "AccountId": ACCOUNT,
                "HourlyCommitmentToPurchase": "1.5",
                "EstimatedMonthlySavingsAmount": "300.10",
                "CurrencyCode": "USD",
            }
        ],
    }
}
INSTANCE_ARN = f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-aaa"
INSTANCES = {"instanceRecommendations": [instance_recommendation("i-aaa", 55.25)]}

OPTIMIZATION_CALLS = [
    ("sts", "get_caller_identity", IDENTITY),
    ("ce", "get_rightsizing_recommendation", RIGHTSIZING),
    ("ce", "get_savings_plans_purchase_recommendation", SAVINGS_PLANS),
    ("compute-optimizer", "get_ec2_instance_recommendations", INSTANCES),
]
PLAN = ("savings_plans", ACCOUNT, "COMPUTE_SP/ONE_YEAR/NO_UPFRONT")
RIGHTSIZED = ("rightsizing", ACCOUNT, "i-aaa")
INSTANCE = ("compute_optimizer", ACCOUNT, INSTANCE_ARN)
OPTIMIZATION_EXPECTED = {
    RIGHTSIZED: {"category": "MODIFY", "savings": Decimal("40.5"), "currency": "USD"},
    PLAN: {"category": "COMPUTE_SP", "savings": Decimal("300.10"), "currency": "USD"},
    INSTANCE: {"category": "Overprovisioned", "savings": Decimal("55.25"), "currency": "USD"},
}


def renamed_plan(rows: Rows, variant: Variant) -> Rows:
    """The plan's resource id is its type, term and payment option: a variant of one is another plan."""
    rec = variant.answer.get("SavingsPlansPurchaseRecommendation", {})
    parts = [rec.get(k) for k in ("SavingsPlansType", "TermInYears", "PaymentOption")]
    documented = [
        "" if part is None else next(v for v in choices if v.casefold() == part.casefold())
        for part, choices in zip(
            parts,
            (recommendations.SAVINGS_PLANS_TYPES, recommendations.TERMS, recommendations.PAYMENT_OPTIONS),
            strict=True,
        )
    ]
    plan = {**rows[PLAN], "category": documented[0]}
    return {**{k: v for k, v in rows.items() if k != PLAN}, ("savings_plans", ACCOUNT, "/".join(documented)): plan}


def without_any(rows: Rows, variant: Variant) -> Rows:
    return {}


def without(key) -> Effect:
    return lambda rows, variant: {k: v for k, v in rows.items() if k != key}


def documented(key, name: str) -> Effect:
    """An effect: the enum's documented value stored in `name` (unchanged when the member is absent)."""
    return lambda rows, variant: {**rows, key: {**rows[key], name: variant.documented or rows[key][name]}}


NO_SAVINGS = replace(INSTANCE, savings=Decimal(0))
RESULT = "ResultsByTime.0"
TARGET = "RightsizingRecommendations.0.ModifyRecommendationDetail.TargetInstances.0"
PLANS = "SavingsPlansPurchaseRecommendation"
OPTION = "instanceRecommendations.0.recommendationOptions"

TAG_ROW = (DAY, "team", "platform", EC2)
FORECAST_ROW = ("", DAY, dt.date(2026, 11, 1))
tags = partial(
    Case,
    kind="tags",
    service="ce",
    calls=[("ce", "get_tags", GET_TAGS), ("ce", "get_cost_and_usage", TAGS)],
    stored=tag_rows,
    prior=prior_tags,
    window=(DAY, NEXT_DAY),
    expected={TAG_ROW: {"amount": Decimal("3.5"), "currency": "USD", "estimated": True}},
)
CATEGORY_ROW = (DAY, "Business Unit", "Other")
categories = partial(
    Case,
    kind="cost_categories",
    service="ce",
    calls=[("ce", "list_cost_category_definitions", DEFINITIONS), ("ce", "get_cost_and_usage", CATEGORY_PAGE)],
    stored=category_rows,
    prior=prior_categories,
    window=(DAY, NEXT_DAY),
    expected={CATEGORY_ROW: {"amount": Decimal("7.5"), "uncategorized": True, "currency": "USD", "estimated": True}},
)
organization = partial(
    Case,
    kind="accounts",
    service="organizations",
    calls=[("organizations", "list_accounts", LIST_ACCOUNTS), ("organizations", "describe_organization", ORGANIZATION)],
    stored=account_rows,
    prior=prior_accounts,
    expected={
        ACCOUNT: {"name": "payer", "email": "payer@example.com", "status": "ACTIVE", "is_payer": True},
        OTHER: {"name": "other", "email": "", "status": "UNKNOWN", "is_payer": False},
    },
)
optimization = partial(
    Case,
    kind="optimization",
    calls=OPTIMIZATION_CALLS,
    stored=recommendation_rows,
    prior=prior_recommendations,
    expected=OPTIMIZATION_EXPECTED,
)


def account_status(rows: Rows, variant: Variant) -> Rows:
    status = variant.documented if variant.documented in AwsAccount.Status else "UNKNOWN"
    return {**rows, ACCOUNT: {**rows[ACCOUNT], "status": status}}


CASES = {
    "costs": Case(
        kind="costs",
        service="ce",
        operation="GetCostAndUsage",
        answer=COSTS,
        calls=[("ce", "get_cost_and_usage", COSTS), ("ce", "get_cost_and_usage", CHARGES)],
        stored=cost_rows,
        prior=prior_costs,
        window=(DAY, NEXT_DAY),
        expected={
            (DAY, ACCOUNT, EC2, ""): {
                "unblended": Decimal("12.5"),
                "amortized": Decimal("10.25"),
                "net_unblended": Decimal("11.875"),
                "net_amortized": Decimal("9.74"),
                "currency": "USD",
                "estimated": True,
            }
        },
        effects={
            f"{RESULT}.Estimated": replace((DAY, ACCOUNT, EC2, ""), estimated=False),
            f"{RESULT}.Groups": without_any,  # a day without groups had no cost: its rows go
        },
    ),
    "costs: by charge type": Case(
        kind="costs",
        service="ce",
        operation="GetCostAndUsage",
        answer=CHARGES,
        calls=[("ce", "get_cost_and_usage", COSTS), ("ce", "get_cost_and_usage", CHARGES)],
        varies=1,
        stored=charge_rows,
        prior=prior_charges,
        window=(DAY, NEXT_DAY),
        expected={
            (DAY, ACCOUNT, "Credit"): {
                "unblended": Decimal("-2.5"),
                "net_amortized": None,
                "currency": "USD",
                "estimated": True,
            }
        },
        effects={
            f"{RESULT}.Estimated": replace((DAY, ACCOUNT, "Credit"), estimated=False),
            f"{RESULT}.Groups": without_any,
        },
    ),
    "tags: GetTags": tags(operation="GetTags", answer=GET_TAGS),
    "tags: GetCostAndUsage": tags(
        operation="GetCostAndUsage",
        answer=TAGS,
        effects={f"{RESULT}.Estimated": replace(TAG_ROW, estimated=False), f"{RESULT}.Groups": without_any},
    ),
    # Without references, or a reference without a Name, there is no category to ask for: the history stays.
    "cost_categories: ListCostCategoryDefinitions": categories(
        operation="ListCostCategoryDefinitions",
        answer=DEFINITIONS,
        effects={
            "CostCategoryReferences": lambda rows, variant: PRIOR_CATEGORIES,
            "CostCategoryReferences.0.Name": lambda rows, variant: PRIOR_CATEGORIES,
            "CostCategoryReferences.0.DefaultValue": replace(CATEGORY_ROW, uncategorized=False),
        },
    ),
    "cost_categories: GetCostAndUsage": categories(
        operation="GetCostAndUsage",
        answer=CATEGORY_PAGE,
        effects={f"{RESULT}.Estimated": replace(CATEGORY_ROW, estimated=False), f"{RESULT}.Groups": without_any},
    ),
    "forecast": Case(
        kind="forecast",
        service="ce",
        operation="GetCostForecast",
        answer=FORECAST,
        calls=[("ce", "get_cost_forecast", FORECAST)],
        stored=forecast_rows,
        prior=prior_forecast,
        expected={
            FORECAST_ROW: {
                "mean": Decimal("120.5"),
                "lower": Decimal("100"),
                "upper": Decimal("140.25"),
                "currency": "USD",
            }
        },
        effects={
            f"ForecastResultsByTime.0.PredictionInterval{bound}Bound": replace(FORECAST_ROW, **{bound.lower(): None})
            for bound in ("Lower", "Upper")
        },
    ),
    "accounts: ListAccounts": organization(
        operation="ListAccounts",
        answer=LIST_ACCOUNTS,
        effects={
            "Accounts.0.Name": replace(ACCOUNT, name=""),
            "Accounts.0.Email": replace(ACCOUNT, email=""),
            "Accounts.0.Status": account_status,
        },
    ),
    "accounts: DescribeOrganization": organization(operation="DescribeOrganization", answer=ORGANIZATION),
    "optimization: GetRightsizingRecommendation": optimization(
        service="ce",
        operation="GetRightsizingRecommendation",
        answer=RIGHTSIZING,
        entries="rightsizing",
        effects={"RightsizingRecommendations.0.RightsizingType": documented(RIGHTSIZED, "category")},
    ),
    "optimization: GetSavingsPlansPurchaseRecommendation": optimization(
        service="ce",
        operation="GetSavingsPlansPurchaseRecommendation",
        answer=SAVINGS_PLANS,
        entries="savings_plans",
        effects={
            PLANS: without(PLAN),  # AWS has nothing to recommend
            f"{PLANS}.SavingsPlansPurchaseRecommendationDetails": without(PLAN),
            **{f"{PLANS}.{part}": renamed_plan for part in ("SavingsPlansType", "TermInYears", "PaymentOption")},
        },
    ),
    "optimization: GetEC2InstanceRecommendations": optimization(
        service="compute-optimizer",
        operation="GetEC2InstanceRecommendations",
        answer=INSTANCES,
        entries="compute_optimizer",
        effects={
            "instanceRecommendations.0.finding": documented(INSTANCE, "category"),
            OPTION: NO_SAVINGS,  # nothing to save: no option, or an option without savings
            f"{OPTION}.0.savingsOpportunity": NO_SAVINGS,
            f"{OPTION}.0.savingsOpportunity.estimatedMonthlySavings": NO_SAVINGS,
            f"{OPTION}.0.savingsOpportunity.estimatedMonthlySavings.value": NO_SAVINGS,
            f"{OPTION}.0.savingsOpportunity.estimatedMonthlySavings.currency": documented(INSTANCE, "currency"),
        },
    ),
}


def reset(case: Case) -> None:
    """The data before each run: the case's prior rows only, no runs, no cached tag keys."""
    for model in (
        CostData,
        ChargeTypeCost,
        TagCost,
        CategoryCost,
        CostForecast,
        OptimizationRecommendation,
        CollectionRun,
        AwsAccount,
    ):
        model.objects.all().delete()
    cache.clear()
    case.prior()


def collect(case: Case, answer: dict, client_hooks: list) -> CollectionRun:
    client_hooks.clear()
    by_service: dict[str, list] = {}
    seen = 0
    for service, method, given in case.calls:
        varied = method == case.method and seen == case.varies
        seen += method == case.method
        by_service.setdefault(service, []).append((method, answer if varied else given))
    for service, calls in by_service.items():
        stub(client_hooks, service, calls)
    start, end = case.window or (None, None)
    return run_collection(kind=case.kind, trigger="command", start=start, end=end)


def verdict(case: Case, variant: Variant, run: CollectionRun, before: Rows, after: Rows) -> str | None:
    """None when the run did what it must with this variant, else what went wrong."""
    effect = case.effects.get(dotted(variant.path)) if variant.path else None
    if run.status == CollectionRun.Status.FAILED:
        if run.error_code not in CLEAR_CODES:
            return f"failed with {run.error_code}: {run.error_message}"
        if after != before:
            return f"failed ({run.error_code}) and left a partial write: {after}"
        if not variant.dropped:
            return f"a documented value failed the run: {run.error_message}"
        if case.entries and len(variant.path) > 1:
            return f"one entry failed the whole run: {run.error_message}"
        return None
    if run.status != CollectionRun.Status.SUCCEEDED:
        return f"{run.status} ({run.error_code}): {run.error_message}"
    expected = case.expected if effect is None else effect(case.expected, variant)
    if run.skipped_entries:
        if not case.entries or not variant.dropped or run.skipped_entries != 1:
            return f"skipped {run.skipped_entries} entries"
        expected = {k: v for k, v in case.expected.items() if k[0] != case.entries}
    if after != expected:
        return f"stored {after}, expected {expected}"
    return None


@pytest.mark.variants
@pytest.mark.parametrize("name", list(CASES))
def test_every_variant_of_an_answer_is_stored_right_or_fails_clearly(
    name, aws_source, client_hooks, settings, monkeypatch
):
    # One boto3 session for every run: a new one would load the service models again for each of hundreds of runs.
    shared = boto3.Session(region_name=settings.AWS_REGION)
    monkeypatch.setattr(aws, "build_session", lambda: shared)
    settings.COST_TAG_KEYS, settings.FORECAST_PER_ACCOUNT, settings.COST_REGION_BREAKDOWN = [], False, False
    settings.CE_MONTHLY_REQUEST_BUDGET = 10**9  # hundreds of stubbed runs, none billed
    case = CASES[name]
    complete = case.complete
    wrong = []
    for variant in variants(complete, output_shape(case.service, case.operation), stored=set(case.effects)):
        reset(case)
        before = case.stored()
        run = collect(case, variant.answer, client_hooks)
        problem = verdict(case, variant, run, before, case.stored())
        if problem:
            wrong.append(f"{variant.label}: {problem}")
    assert wrong == []


def test_the_enums_costmonitor_stores_are_the_service_models():
    """The documented spellings the collectors store, held to botocore's models (a botocore upgrade shows news)."""
    ce, organizations = SESSION.get_service_model("ce"), SESSION.get_service_model("organizations")
    optimizer = SESSION.get_service_model("compute-optimizer")
    assert set(recommendations.RIGHTSIZING_TYPES) == set(ce.shape_for("RightsizingType").enum)
    assert set(recommendations.SAVINGS_PLANS_TYPES) == set(ce.shape_for("SupportedSavingsPlansType").enum)
    assert set(recommendations.TERMS) == set(ce.shape_for("TermInYears").enum)
    assert set(recommendations.PAYMENT_OPTIONS) == set(ce.shape_for("PaymentOption").enum)
    assert set(recommendations.FINDINGS) == set(optimizer.shape_for("Finding").enum)
    assert set(AwsAccount.Status.values) - {"UNKNOWN"} == set(organizations.shape_for("AccountStatus").enum)
