"""Issue 13, defects 3, 5 and 6 through botocore's Stubber: enums in any case, one bad entry skipped, never mixed or
oversize amounts."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from collection.errors import DataValidationError
from collection.models import AwsAccount, CollectionRun, CostData, OptimizationRecommendation
from collection.services import run_collection
from collection.services.recommendations import rightsizing_rows
from tests.collection.helpers import day_result, no_charges, stub
from tests.factories import RecommendationFactory

pytestmark = pytest.mark.django_db

ACCOUNT = "111122223333"
DAY = dt.date(2026, 10, 5)
IDENTITY = {"UserId": "AIDAEXAMPLE", "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/costmonitor"}
NOTHING = {"instanceRecommendations": []}


def rightsizing(instance: str, kind: str, *, savings: str = "40.5", currency: str = "USD") -> dict:
    detail = {"EstimatedMonthlySavings": savings, "CurrencyCode": currency}
    return {
        "AccountId": ACCOUNT,
        "CurrentInstance": {
            "ResourceId": instance,
            "ResourceDetails": {"EC2ResourceDetails": {"InstanceType": "m5.2xlarge"}},
        },
        "RightsizingType": kind,
        "TerminateRecommendationDetail": detail,
        "ModifyRecommendationDetail": {
            "TargetInstances": [
                {
                    **detail,
                    "DefaultTargetInstance": True,
                    "ResourceDetails": {"EC2ResourceDetails": {"InstanceType": "m5.xlarge"}},
                }
            ]
        },
    }


def optimization_run(client_hooks, entries: list[dict], *, savings_plans: dict | None = None) -> CollectionRun:
    stub(client_hooks, "sts", [("get_caller_identity", IDENTITY)])
    stub(
        client_hooks,
        "ce",
        [
            ("get_rightsizing_recommendation", {"RightsizingRecommendations": entries}),
            ("get_savings_plans_purchase_recommendation", savings_plans or {}),
        ],
    )
    stub(client_hooks, "compute-optimizer", [("get_ec2_instance_recommendations", NOTHING)])
    return run_collection(kind="optimization", trigger="command")


def stored_rightsizing() -> dict:
    return dict(OptimizationRecommendation.objects.filter(type="rightsizing").values_list("resource_id", "category"))


def test_title_case_rightsizing_types_are_stored_as_documented(aws_source, client_hooks, api_client):
    """Defect 3: `Terminate` failed the run (MalformedResponse); `Modify` was stored as is, so MODIFY missed it."""
    run = optimization_run(client_hooks, [rightsizing("i-aaa", "Terminate"), rightsizing("i-bbb", "Modify")])
    assert (run.status, run.skipped_entries) == ("succeeded", 0), run.error_message
    assert stored_rightsizing() == {"i-aaa": "TERMINATE", "i-bbb": "MODIFY"}
    response = api_client.get("/api/optimization?category=MODIFY")
    assert [r["resource_id"] for r in response.json()["data"]["recommendations"]] == ["i-bbb"]
    lower = api_client.get("/api/optimization?category=terminate")
    assert [r["resource_id"] for r in lower.json()["data"]["recommendations"]] == ["i-aaa"]


def test_an_unreadable_entry_is_skipped_counted_and_logged_with_its_id(aws_source, client_hooks, log_lines):
    """Point 5: an unknown value, a malformed shape, a currency that is none (`EURO`, which crashed the run) or an
    amount beyond the model's precision skips its entry; the others are stored."""
    malformed = rightsizing("i-shapeless", "MODIFY")
    del malformed["ModifyRecommendationDetail"]
    entries = [
        rightsizing("i-good", "MODIFY"),
        rightsizing("i-resize", "RESIZE"),
        malformed,
        rightsizing("i-euro", "MODIFY", currency="EURO"),
        rightsizing("i-huge", "MODIFY", savings="1E+20"),
    ]
    run = optimization_run(client_hooks, entries)
    assert (run.status, run.skipped_entries) == ("succeeded", 4), run.error_message
    assert stored_rightsizing() == {"i-good": "MODIFY"}
    assert "4 entries skipped" in run.summary()
    skipped = [line["message"] for line in log_lines() if "skipped the entry" in line["message"]]
    assert [next(i for i in ("i-resize", "i-shapeless", "i-euro", "i-huge") if i in m) for m in skipped] == [
        "i-resize",
        "i-shapeless",
        "i-euro",
        "i-huge",
    ]
    assert "RESIZE" in skipped[0]
    assert "EURO" in skipped[2]
    assert "14 integer digits" in skipped[3]


def test_organizations_status_in_any_case_is_stored_as_documented(aws_source, client_hooks):
    accounts = [
        {"Id": ACCOUNT, "Name": "payer", "Email": "payer@example.com", "Status": "Active"},
        {"Id": "444455556666", "Name": "gone", "Email": "gone@example.com", "Status": "pending_closure"},
        {"Id": "777788889999", "Name": "new", "Email": "new@example.com", "Status": "SOMETHING_NEW"},
    ]
    stub(
        client_hooks,
        "organizations",
        [
            ("list_accounts", {"Accounts": accounts}),
            ("describe_organization", {"Organization": {"MasterAccountId": ACCOUNT}}),
        ],
    )
    run = run_collection(kind="accounts", trigger="command")
    assert run.status == "succeeded", run.error_message
    assert dict(AwsAccount.objects.values_list("account_id", "status")) == {
        ACCOUNT: "ACTIVE",
        "444455556666": "PENDING_CLOSURE",
        "777788889999": "UNKNOWN",
    }


@pytest.fixture
def stored_costs():
    """One stored day; the function reads the cost history back."""
    AwsAccount.objects.create(account_id=ACCOUNT)
    CostData.objects.create(date=DAY, account_id=ACCOUNT, service="EC2", unblended_cost=7, amortized_cost=7)
    return lambda: list(CostData.objects.values_list("date", "service", "unblended_cost", "currency"))


def cost_answer(amount: str, unit: str) -> dict:
    result = day_result(DAY, [(ACCOUNT, "EC2", amount)])
    for metric in result["Groups"][0]["Metrics"].values():
        metric["Unit"] = unit
    return {"ResultsByTime": [result]}


@pytest.mark.parametrize(
    ("amount", "unit", "problem"),
    [
        ("12.5", "XYZ", "'XYZ' is not an ISO 4217 currency code"),  # defect 5: XYZ was stored as a currency
        ("1E+20", "USD", "beyond the 14 integer digits"),  # defect 6: a database error (InternalError)
        ("100000000000000", "USD", "beyond the 14 integer digits"),
        ("99999999999999.99999999999", "USD", "beyond the 14 integer digits"),  # rounds to 15 digits
    ],
)
def test_a_malformed_cost_page_fails_the_run_and_keeps_the_history(
    amount, unit, problem, aws_source, client_hooks, stored_costs
):
    """Costs are complete or not written: unlike a recommendation entry, a bad cost line fails its run."""
    before = stored_costs()
    stub(client_hooks, "ce", [("get_cost_and_usage", cost_answer(amount, unit))])
    run = run_collection(kind="costs", trigger="command", start=DAY, end=DAY + dt.timedelta(days=1))
    assert (run.status, run.error_code) == ("failed", "MalformedResponse")
    assert problem in run.error_message
    assert stored_costs() == before


def test_fourteen_integer_digits_are_stored(aws_source, client_hooks, stored_costs):
    # Not 99999999999999.9999999999, which PostgreSQL holds too: SQLite keeps decimals as 15-digit REALs.
    charges = no_charges(DAY, DAY + dt.timedelta(days=1))
    stub(
        client_hooks,
        "ce",
        [("get_cost_and_usage", cost_answer("99999999999999", "usd")), ("get_cost_and_usage", charges)],
    )
    run = run_collection(kind="costs", trigger="command", start=DAY, end=DAY + dt.timedelta(days=1))
    assert run.status == "succeeded", run.error_message
    assert stored_costs() == [(DAY, "EC2", Decimal("99999999999999"), "USD")]


def test_the_migration_gives_stored_categories_their_documented_spelling():
    """0005: findings stored in capitals before (OVERPROVISIONED) and a title-case type stored as sent (Modify)."""
    migration = importlib.import_module("collection.migrations.0005_enums_skipped_entries")
    for type_, category, resource in [
        ("compute_optimizer", "OVERPROVISIONED", "i-a"),
        ("rightsizing", "Modify", "i-b"),
        ("rightsizing", "TERMINATE", "i-c"),
        ("savings_plans", "compute_sp", "plan"),
    ]:
        RecommendationFactory(type=type_, category=category, resource_id=resource)
    migration.documented_spelling(apps, None)
    assert dict(OptimizationRecommendation.objects.values_list("resource_id", "category")) == {
        "i-a": "Overprovisioned",
        "i-b": "MODIFY",
        "i-c": "TERMINATE",
        "plan": "COMPUTE_SP",
    }


def test_a_list_that_is_no_list_fails_the_run_clearly(aws_source, client_hooks):
    """Entries are skipped one by one; a page whose list is something else is malformed as a whole."""
    stub(client_hooks, "sts", [("get_caller_identity", IDENTITY)])
    stub(client_hooks, "ce", [("get_rightsizing_recommendation", {})])
    RecommendationFactory(resource_id="i-kept")
    run = run_collection(kind="optimization", trigger="command")
    assert (run.status, run.error_code) == ("failed", "MalformedResponse")
    assert stored_rightsizing() == {"i-kept": "MODIFY"}


@pytest.mark.parametrize("entries", [None, "i-aaa", {"ResourceId": "i-aaa"}])
def test_entries_that_are_no_list_are_a_malformed_page(entries):
    with pytest.raises(DataValidationError) as raised:
        rightsizing_rows({"RightsizingRecommendations": entries})
    assert raised.value.code == "MalformedResponse"
