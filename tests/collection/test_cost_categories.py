"""The cost_categories kind through the real boto3 client: scheduled runs end equal to a ground truth, to the cent.

Answers are shaped as the AWS API reference documents them and validated against botocore's `ce` model
(`CostExplorerTruth`):
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_ListCostCategoryDefinitions.html
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_CostCategoryReference.html
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html (GroupBy COST_CATEGORY:
group keys read "name$value"; cost no rule matched is the category's default value, or "" without one).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django_celery_beat.models import PeriodicTask

from collection.models import CategoryCost, CollectionRun, SeededSchedule
from collection.selectors.cost_categories import stored_categories, uncategorized_share
from collection.services import run_collection
from collection.services.cost_categories import is_processing
from collection.services.default_schedule import seed_default_schedule
from tests.collection.ce_truth import CENTS, CostExplorerTruth, Line
from tests.factories import CategoryCostFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("spend_confirmed")]

NOW = dt.datetime(2026, 3, 18, 10, 0, tzinfo=dt.UTC)
CLOSED_DAY = dt.date(2026, 3, 10)  # open (this month), before the days CE restates usage of
A, B = "111122223333", "444455556666"
SERVICES = ("Amazon Elastic Compute Cloud - Compute", "Amazon Simple Storage Service", "AWS Lambda")
UNIT, ENV = "Business Unit", "Environment"
REFERENCES = [
    {
        "CostCategoryArn": f"arn:aws:ce::{A}:costcategory/0a1b2c3d-unit",
        "Name": UNIT,
        "EffectiveStart": "2025-01-01T00:00:00Z",
        "NumberOfRules": 2,
        "ProcessingStatus": [{"Component": "COST_EXPLORER", "Status": "APPLIED"}],
        "Values": ["Retail", "Analytics"],
    },
    {"Name": ENV, "DefaultValue": "Other", "NumberOfRules": 1},
]


def categories(account: str, service: str) -> dict[str, str]:
    """A's cost is Retail and Production; B's compute is Analytics, the rest of B matches no Business Unit rule
    (""), and all of B falls in Environment's default value."""
    unit = "Retail" if account == A else ("Analytics" if service == SERVICES[0] else "")
    return {**({UNIT: unit} if unit else {}), ENV: "Production" if account == A else "Other"}


def bill(today: dt.date) -> list[Line]:
    lines = []
    for offset in range(91):
        day = today - dt.timedelta(days=offset)
        for a, account in enumerate((A, B)):
            for s, service in enumerate(SERVICES):
                cost = Decimal(offset * 7 + a * 3 + s + 1) * Decimal("1.2345678901")
                metrics = {
                    "UnblendedCost": cost,
                    "AmortizedCost": cost,
                    "NetUnblendedCost": cost,
                    "NetAmortizedCost": cost,
                }
                lines.append(Line(day, account, service, "Usage", metrics, categories=categories(account, service)))
    return lines


@pytest.fixture
def truth(aws_source, client_hooks, clock):
    ce = CostExplorerTruth(lines=bill(NOW.date()), today=NOW.date(), category_references=list(REFERENCES))
    client_hooks.append(lambda service, client: ce.install(client) if service == "ce" else None)
    return ce


@pytest.fixture
def scheduled(django_capture_on_commit_callbacks, clock):
    """A scheduled run of cost_categories an hour after the last one; `status` is what it must end as."""
    runs = []

    def run(status: str = "succeeded") -> CollectionRun:
        if runs:
            clock["now"] += dt.timedelta(hours=1)
        with django_capture_on_commit_callbacks(execute=True):
            finished = run_collection(kind="cost_categories", trigger="schedule")
        assert finished.status == status, finished.error_message
        runs.append(finished)
        return finished

    return run


def stored() -> dict[tuple, Decimal]:
    rows = CategoryCost.objects.values_list("date", "category", "value", "amount")
    return {row[:3]: row[3].quantize(CENTS) for row in rows}


def truth_by_category(truth: CostExplorerTruth, *names: str, start: dt.date) -> dict[tuple, Decimal]:
    totals: dict[tuple, Decimal] = {}
    for line in truth.lines:
        for name in names:
            if line.day >= start:
                key = (line.day, name, line.categories.get(name, ""))
                totals[key] = totals.get(key, Decimal(0)) + line.metrics["UnblendedCost"]
    return {key: amount.quantize(CENTS) for key, amount in totals.items()}


def calls_of(truth: CostExplorerTruth, since: int) -> list[str]:
    """Each request after the first `since`: the operation, or GetCostAndUsage's GroupBy key ("" for the probe)."""
    return [
        op if op != "GetCostAndUsage" else "".join(g["Key"] for g in params.get("GroupBy", []))
        for op, params in truth.calls[since:]
    ]


HISTORY_START = NOW.date() - dt.timedelta(days=90)


def test_scheduled_runs_end_equal_to_the_truth_through_restatement_and_a_rule_change(truth, scheduled, settings):
    first = scheduled()
    # The definitions, then each category's 91 days: 3 values a day of Business Unit (273 groups, 3 pages of 100),
    # 2 of Environment (2 pages).
    assert calls_of(truth, 0) == ["ListCostCategoryDefinitions", *[UNIT] * 3, *[ENV] * 2]
    assert first.ce_requests == 6
    assert stored() == truth_by_category(truth, UNIT, ENV, start=HISTORY_START)

    # Cost Explorer restates today: one probe, then today of each category (one page each).
    for line in truth.lines:
        if line.day == NOW.date():
            line.metrics = {name: amount * 2 for name, amount in line.metrics.items()}
    before = len(truth.calls)
    scheduled()
    assert calls_of(truth, before) == ["", UNIT, ENV]
    assert stored() == truth_by_category(truth, UNIT, ENV, start=HISTORY_START)

    # A rule edited in AWS moves B's compute from Analytics to Retail on a closed day: every total stays equal, so
    # the probe shows nothing until the values are re-fetched, TAG_PROBE_HOURS after the last time.
    settings.TAG_PROBE_HOURS = 3  # the last re-fetch of every open day was the first run, 2 h ago
    for line in truth.lines:
        if line.day == CLOSED_DAY and line.categories.get(UNIT) == "Analytics":
            line.categories[UNIT] = "Retail"
    before = len(truth.calls)
    scheduled()
    assert calls_of(truth, before) == [""]
    assert stored() != truth_by_category(truth, UNIT, ENV, start=HISTORY_START)
    before = len(truth.calls)
    scheduled()
    assert calls_of(truth, before) == ["", UNIT, ENV]  # the open window of each, one page each
    assert stored() == truth_by_category(truth, UNIT, ENV, start=HISTORY_START)
    assert not CategoryCost.objects.filter(date=CLOSED_DAY, value="Analytics").exists()


@pytest.mark.parametrize("status", ["PROCESSING", "processing", "Processing"])
def test_a_category_still_processing_is_refetched_by_every_run_until_applied(truth, scheduled, status, caplog):
    truth.category_references = [
        {**REFERENCES[0], "ProcessingStatus": [{"Component": "COST_EXPLORER", "Status": status}]},
        REFERENCES[1],
    ]
    scheduled()
    assert f"cost category '{UNIT}': Cost Explorer is still applying its rules" in caplog.text
    assert stored() == truth_by_category(truth, UNIT, ENV, start=HISTORY_START)
    # The rules finish applying: B's compute moves from Analytics to Retail on an open day, every total equal.
    for line in truth.lines:
        if line.day == CLOSED_DAY and line.categories.get(UNIT) == "Analytics":
            line.categories[UNIT] = "Retail"
    before = len(truth.calls)
    scheduled()
    assert calls_of(truth, before) == ["", UNIT]  # the probe, then the open window of the processing category only
    assert stored() == truth_by_category(truth, UNIT, ENV, start=HISTORY_START)


@pytest.mark.parametrize(
    ("statuses", "processing"),
    [
        ([{"Component": "COST_EXPLORER", "Status": "APPLIED"}], False),
        ([{"Component": "cost_explorer", "Status": "processing"}], True),
        ([{"Status": "PROCESSING"}], True),  # every member is optional: a status without a component is CE's
        ([{"Component": "COST_EXPLORER"}], False),
        ([], False),
        (None, False),
    ],
)
def test_processing_is_read_in_any_casing_with_any_member_absent(statuses, processing):
    reference = {"Name": UNIT} if statuses is None else {"Name": UNIT, "ProcessingStatus": statuses}
    assert is_processing(reference) is processing


def test_uncategorized_is_the_empty_value_and_the_default_value(truth, scheduled):
    scheduled()
    assert set(CategoryCost.objects.filter(uncategorized=True).values_list("category", "value")) == {
        (UNIT, ""),
        (ENV, "Other"),
    }
    shares = {row["category"]: row for row in uncategorized_share(start=NOW.date(), end=NOW.date() + dt.timedelta(1))}
    today = [line for line in truth.lines if line.day == NOW.date()]
    total = sum(line.metrics["UnblendedCost"] for line in today)
    b_rest = sum(line.metrics["UnblendedCost"] for line in today if line.account == B and line.service != SERVICES[0])
    b_all = sum(line.metrics["UnblendedCost"] for line in today if line.account == B)
    assert (shares[UNIT]["total"], shares[UNIT]["uncategorized"]) == (total, b_rest)
    assert (shares[ENV]["total"], shares[ENV]["uncategorized"]) == (total, b_all)


def drop_optional(params: dict, answer: dict) -> dict:
    """What the model lets Cost Explorer leave out of GetCostAndUsage: every `Estimated`, a cost-less day's `Groups`."""
    for result in answer.get("ResultsByTime", []):
        result.pop("Estimated")
        if not result.get("Groups"):
            result.pop("Groups")
    return answer


def test_definitions_are_read_across_pages_and_every_optional_member_may_be_absent(truth, scheduled, settings):
    settings.COST_HISTORY_DAYS = 20
    truth.references_per_page = 1
    truth.category_references = [{"Name": UNIT}, {}, {"Name": ENV, "DefaultValue": "Other"}]  # {}: no Name to ask
    truth.edit = drop_optional
    truth.lines = [line for line in truth.lines if line.day != CLOSED_DAY]  # a day without any cost
    scheduled()
    assert calls_of(truth, 0) == [*["ListCostCategoryDefinitions"] * 3, UNIT, ENV]
    assert [params.get("NextToken") for _, params in truth.calls[:3]] == [None, "1", "2"]
    start = NOW.date() - dt.timedelta(days=20)
    assert stored() == truth_by_category(truth, UNIT, ENV, start=start)
    assert not CategoryCost.objects.filter(date=CLOSED_DAY).exists()
    assert not CategoryCost.objects.filter(estimated=True).exists()  # no flag: final


def test_an_organization_without_categories_succeeds_and_keeps_the_history(truth, scheduled):
    CategoryCostFactory(date=CLOSED_DAY, category="Deleted long ago", value="", amount=Decimal(7))
    truth.category_references = []  # the answer is {}: no CostCategoryReferences member at all
    run = scheduled()
    assert calls_of(truth, 0) == ["ListCostCategoryDefinitions"]
    assert (run.ce_requests, run.rows_written) == (1, 0)
    assert stored() == {(CLOSED_DAY, "Deleted long ago", ""): Decimal("7.00")}


def test_a_renamed_or_deleted_category_keeps_its_history_and_the_new_name_gets_its_own(truth, scheduled, clock):
    scheduled()
    unit_history = {key: amount for key, amount in stored().items() if key[1] == UNIT}
    truth.category_references = [{"Name": "Business Units"}]  # Business Unit renamed; Environment deleted
    for line in truth.lines:
        line.categories = {"Business Units": line.categories[UNIT]} if UNIT in line.categories else {}
    clock["now"] += dt.timedelta(hours=24)  # a new day: the definitions are listed again
    before = len(truth.calls)
    scheduled()
    assert calls_of(truth, before) == ["ListCostCategoryDefinitions", *["Business Units"] * 3]
    assert stored_categories() == ["Business Unit", "Business Units", ENV]
    assert {key: amount for key, amount in stored().items() if key[1] == UNIT} == unit_history


def other_casings(params: dict, answer: dict) -> dict:
    """Group keys as AWS may spell them: the name in another case, the default value upper-cased."""
    for result in answer.get("ResultsByTime", []):
        for group in result.get("Groups", []):
            name, _, value = group["Keys"][0].partition("$")
            group["Keys"] = [f"{name.lower()}${'OTHER' if value == 'Other' else value}"]
    return answer


def test_values_in_other_casings_are_stored_under_the_listed_name_and_the_default_stays_uncategorized(truth, scheduled):
    truth.edit = other_casings
    scheduled()
    assert stored_categories() == [UNIT, ENV]
    assert set(CategoryCost.objects.filter(category=ENV).values_list("value", "uncategorized")) == {
        ("Production", False),
        ("OTHER", True),
    }


def test_an_empty_answer_fails_the_run_and_deletes_nothing(truth, scheduled):
    scheduled()
    before = stored()
    truth.edit = lambda params, answer: {"ResultsByTime": []} if params.get("GroupBy") else answer
    for line in truth.lines:
        if line.day == NOW.date():
            line.metrics = {name: amount * 2 for name, amount in line.metrics.items()}
    run = scheduled(status="failed")
    assert run.error_code == "EmptyResponse"
    assert stored() == before


def test_requests_per_run_are_pinned_on_the_demo_source(demo_source, clock, django_capture_on_commit_callbacks):
    """The demo's two categories (Business Unit: 4 values, Environment: 3) over 29 days: one page each."""

    def spend(kind: str = "cost_categories") -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            finished = run_collection(kind=kind, trigger="schedule")
        assert finished.status == "succeeded", finished.error_message
        return {key: n for key, n in finished.aws_requests.items() if key.startswith("ce:")}

    spend("costs")  # its history
    assert spend() == {"ce:ListCostCategoryDefinitions": 1, "ce:GetCostAndUsage": 2}
    clock["now"] += dt.timedelta(minutes=10)  # Cost Explorer has not refreshed: the probe alone
    assert spend() == {"ce:GetCostAndUsage": 1}
    clock["now"] += dt.timedelta(hours=8)  # its next refresh restates the last days: probe, then a page each
    spend("costs")  # a costs run just before: its probe is shared
    assert spend() == {"ce:GetCostAndUsage": 2}
    clock["now"] += dt.timedelta(hours=8)  # a new day: the definitions once, and every open day (the values' recheck)
    assert spend() == {"ce:ListCostCategoryDefinitions": 1, "ce:GetCostAndUsage": 3}


def test_an_existing_installation_gets_the_new_kinds_schedule_once(db):
    # An installation migrated before the kind existed: every other kind seeded (by migrate's seeding), not this one.
    SeededSchedule.objects.filter(kind="cost_categories").delete()
    PeriodicTask.objects.filter(name="collect cost_categories").delete()
    assert seed_default_schedule() == ["cost_categories"]
    task = PeriodicTask.objects.get(name="collect cost_categories")
    assert (task.interval.every, task.interval.period) == (8, "hours")
    task.delete()
    assert seed_default_schedule() == []  # the operator deleted it: never re-created
