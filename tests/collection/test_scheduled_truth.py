"""Scheduled runs through the real boto3 client end with stored data equal to a ground truth, to the cent (issue 13).

Cost Explorer restates what no total shows: Savings Plans amortization settling, a discount (net cost) settling, a
cost allocation tag backfill. Each is played by `CostExplorerTruth` (answers of the `ce` service model) between
scheduled runs on the default settings, except where a test says otherwise.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from collection.cost_metrics import COST_METRICS
from collection.models import ChargeTypeCost, CostData, TagCost
from collection.services import run_collection
from tests.collection.ce_truth import CostExplorerTruth, Line

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("spend_confirmed")]  # scheduled AWS runs

NOW = dt.datetime(2026, 3, 18, 10, 0, tzinfo=dt.UTC)
CLOSED_DAY = dt.date(2026, 3, 10)  # in the open month, before the days CE restates usage of
A, B = "111122223333", "444455556666"
SERVICES = ("Amazon Elastic Compute Cloud - Compute", "Amazon Simple Storage Service", "AWS Lambda")
TEAMS = {(A, SERVICES[0]): "web", (A, SERVICES[1]): "data", (B, SERVICES[0]): "web"}  # the rest is untagged
FIELDS = [m.field for m in COST_METRICS]


def amount(*parts: int) -> Decimal:
    """A deterministic amount with ten decimals, as Cost Explorer answers them."""
    seed = 1
    for part in parts:
        seed = (seed * 7919 + part) % 1_000_003
    return Decimal(seed) / Decimal(10**6) * 40 + Decimal("0.0000000001") * (seed % 97)


def metrics(unblended: Decimal, *, amortized: str = "0.97", net: str = "0.95") -> dict[str, Decimal]:
    amortized_cost = (unblended * Decimal(amortized)).quantize(Decimal("1E-10"))
    return {
        "UnblendedCost": unblended,
        "AmortizedCost": amortized_cost,
        "NetUnblendedCost": (unblended * Decimal(net)).quantize(Decimal("1E-10")),
        "NetAmortizedCost": (amortized_cost * Decimal(net)).quantize(Decimal("1E-10")),
    }


def bill(today: dt.date) -> list[Line]:
    """90 days (COST_HISTORY_DAYS) of usage of two accounts, each with its tax; A on a Savings Plan, B spending a
    promotional credit on compute."""
    lines = []
    for offset in range(91):
        day = today - dt.timedelta(days=offset)
        for a, account in enumerate((A, B)):
            usage = [amount(offset, a, s) for s in range(len(SERVICES))]
            for service, cost in zip(SERVICES, usage, strict=True):
                team = TEAMS.get((account, service))
                lines.append(Line(day, account, service, "Usage", metrics(cost), {"team": team} if team else {}))
            lines.append(Line(day, account, "Tax", "Tax", metrics(sum(usage) * Decimal("0.08"), amortized="1")))
        fee = metrics(Decimal("36.0000000000"), amortized="0.25")
        lines.append(Line(day, A, "Savings Plans for AWS Compute usage", "SavingsPlanRecurringFee", fee))
        lines.append(Line(day, B, SERVICES[0], "Credit", metrics(-amount(offset, 9) / 4, amortized="1", net="1")))
    return lines


@pytest.fixture
def truth(aws_source, client_hooks, clock):
    ce = CostExplorerTruth(lines=bill(NOW.date()), today=NOW.date())
    client_hooks.append(lambda service, client: ce.install(client) if service == "ce" else None)
    return ce


@pytest.fixture
def scheduled(django_capture_on_commit_callbacks, clock):
    """A scheduled run of `kind` an hour after the last one (CE_PROBE_MAX_AGE stays at its default)."""
    runs = []

    def run(kind: str):
        if runs:
            clock["now"] += dt.timedelta(hours=1)
        with django_capture_on_commit_callbacks(execute=True):
            finished = run_collection(kind=kind, trigger="schedule")
        assert finished.status == "succeeded", finished.error_message
        runs.append(finished)
        return finished

    return run


def stored_costs() -> dict[tuple, dict[str, Decimal]]:
    rows = CostData.objects.filter(region="").values_list("date", "account_id", "service", *FIELDS)
    return {tuple(row[:3]): dict(zip(FIELDS, row[3:], strict=True)) for row in rows}


def stored_charges() -> dict[tuple, dict[str, Decimal]]:
    rows = ChargeTypeCost.objects.values_list("date", "account_id", "charge_type", *FIELDS)
    return {tuple(row[:3]): dict(zip(FIELDS, row[3:], strict=True)) for row in rows}


def stored_tags() -> dict[tuple, Decimal]:
    rows = TagCost.objects.filter(tag_key="team").values_list("date", "tag_value", "service", "amount")
    return {tuple(row[:3]): row[3] for row in rows}


def truth_tags(truth: CostExplorerTruth) -> dict[tuple, Decimal]:
    totals: dict[tuple, Decimal] = {}
    for line in truth.lines:
        key = (line.day, line.tags.get("team", ""), line.service)
        totals[key] = totals.get(key, Decimal(0)) + line.metrics["UnblendedCost"]
    return totals


def cents(rows: dict) -> dict:
    """Every amount to the cent (None, an unknown net figure, stays None)."""

    def rounded(value):
        if isinstance(value, dict):
            return {k: rounded(v) for k, v in value.items()}
        return None if value is None else Decimal(value).quantize(Decimal("0.01"))

    return {key: rounded(value) for key, value in rows.items()}


def requests_of(truth: CostExplorerTruth, since: int) -> list[list[str]]:
    """The GroupBy keys of each GetCostAndUsage request after the first `since` calls ([] for the probe)."""
    return [[g["Key"] for g in params.get("GroupBy", [])] for _, params in truth.calls[since:]]


def test_restated_amortized_cost_is_fetched_again_and_ends_equal_to_the_truth(truth, scheduled):
    scheduled("costs")
    assert cents(stored_costs()) == cents(truth.sums("account", "service"))
    # Savings Plans amortization settles: one day's amortized cost (net amortized with it) moves, unblended stays.
    for line in truth.lines:
        if line.day == CLOSED_DAY and line.charge_type == "Usage":
            line.metrics |= {k: v for k, v in metrics(line.metrics["UnblendedCost"], amortized="0.8").items()}
    before = len(truth.calls)
    run = scheduled("costs")
    assert run.window_start <= CLOSED_DAY < run.window_end
    assert requests_of(truth, before)[0] == []  # the probe, then the refetch of the changed days
    assert cents(stored_costs()) == cents(truth.sums("account", "service"))
    assert cents(stored_charges()) == cents(truth.sums("account", "charge_type"))
    day = CostData.objects.filter(date=CLOSED_DAY, region="").aggregate(t=Sum("amortized_cost"))["t"]
    assert day.quantize(Decimal("0.01")) == sum(
        (line.metrics["AmortizedCost"] for line in truth.lines if line.day == CLOSED_DAY), Decimal(0)
    ).quantize(Decimal("0.01"))


def test_a_tag_backfill_is_fetched_again_and_ends_equal_to_the_truth(truth, scheduled, settings):
    settings.TAG_PROBE_HOURS = 0  # probe each key's values on every run
    scheduled("tags")
    assert cents(stored_tags()) == cents(truth_tags(truth))
    # AWS re-assigns the open month's past "web" cost to "data" (a cost allocation tag backfill): every total stays
    # equal. (A backfill of closed months is what `backfill_costs --force` is for: the probes watch the open days.)
    backfilled = (NOW.date().replace(day=1), NOW.date() - dt.timedelta(days=3))
    for line in truth.lines:
        if line.tags.get("team") == "web" and backfilled[0] <= line.day < backfilled[1]:
            line.tags["team"] = "data"
    before = len(truth.calls)
    scheduled("tags")
    assert ["TAG"] in [[g["Type"] for g in p.get("GroupBy", [])] for _, p in truth.calls[before:]]  # the value probe
    assert cents(stored_tags()) == cents(truth_tags(truth))
    assert not TagCost.objects.filter(tag_value="web", date__range=backfilled).exclude(date=backfilled[1]).exists()


def test_net_cost_and_charge_types_end_equal_to_the_truth_when_a_discount_settles(truth, scheduled):
    scheduled("costs")
    assert cents(stored_charges()) == cents(truth.sums("account", "charge_type"))
    assert {key[2] for key in stored_charges()} == {"Usage", "Tax", "SavingsPlanRecurringFee", "Credit"}
    # An enterprise discount settles on a closed day: net cost moves alone, every gross total stays equal.
    for line in truth.lines:
        if line.day == CLOSED_DAY and line.charge_type == "Usage":
            line.metrics["NetUnblendedCost"] = (line.metrics["UnblendedCost"] * Decimal("0.9")).quantize(
                Decimal("1E-10")
            )
    run = scheduled("costs")
    assert run.window_start <= CLOSED_DAY < run.window_end
    assert cents(stored_costs()) == cents(truth.sums("account", "service"))
    assert cents(stored_charges()) == cents(truth.sums("account", "charge_type"))


def drop_optional(params: dict, answer: dict) -> dict:
    """What the model lets Cost Explorer leave out: every `Estimated`, the `Groups` of a day without cost, and the
    NetAmortizedCost of B's credit."""
    for result in answer["ResultsByTime"]:
        result.pop("Estimated")
        if not result.get("Groups"):
            result.pop("Groups")
        for group in result.get("Groups", []):
            if group["Keys"] == [B, "Credit"]:
                group["Metrics"].pop("NetAmortizedCost", None)
    return answer


def test_answers_without_optional_members_store_the_truth_and_leave_unknown_net_cost_unknown(
    truth, scheduled, settings
):
    truth.edit = drop_optional
    truth.lines = [line for line in truth.lines if line.day != CLOSED_DAY]  # a day without any cost
    settings.COST_HISTORY_DAYS = 20
    scheduled("costs")
    start = NOW.date() - dt.timedelta(days=20)
    expected = truth.sums("account", "charge_type", start=start)
    for key in expected:
        if key[1:] == (B, "Credit"):
            expected[key]["net_amortized_cost"] = None  # unknown, never a made-up figure
    assert cents(stored_charges()) == cents(expected)
    assert cents(stored_costs()) == cents(truth.sums("account", "service", start=start))
    assert not CostData.objects.filter(date=CLOSED_DAY).exists()
    assert not CostData.objects.filter(estimated=True).exists()  # no flag: final
    # Nothing changed: the unknown figure is not compared, so the next run is its probe alone, not a refetch.
    before = len(truth.calls)
    assert scheduled("costs").ce_requests == 1
    assert requests_of(truth, before) == [[]]
