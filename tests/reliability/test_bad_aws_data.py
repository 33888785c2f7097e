"""Scenario 5: broken Cost Explorer answers reach a real worker; each run fails clearly and keeps the history."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from collection.models import CollectionRun, CostData
from tests.integration.workers import NEEDS_SERVICES, collect_now
from tests.reliability.emulator import CREDIT, SERVICES
from tests.reliability.truth import assert_complete, first_run_window

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(NEEDS_SERVICES["condition"], reason=NEEDS_SERVICES["reason"]),
]


def grouped(fault):
    """Apply `fault(emulator, body)` to the grouped (detailed) queries only, not to the change probe."""

    def hook(emulator):
        return lambda call, body: fault(emulator, body) if body.get("GroupBy") else None

    return hook


def second_page_without_amount(emulator, body):
    if not body.get("NextPageToken"):
        return None
    page = emulator.get_cost_and_usage(body)
    del page["ResultsByTime"][0]["Groups"][0]["Metrics"]["UnblendedCost"]["Amount"]
    return page


def truncated_second_page(emulator, body):
    if not body.get("NextPageToken"):
        return None
    data = json.dumps(emulator.get_cost_and_usage(body)).encode()
    return data[: len(data) // 2]


def unknown_currency(emulator, body):
    page = emulator.get_cost_and_usage(body)
    for result in page["ResultsByTime"]:
        for group in result["Groups"]:
            for money in group["Metrics"].values():
                money["Unit"] = "US$"
    return page


def empty_result(emulator, body):
    return {"GroupDefinitions": body["GroupBy"], "ResultsByTime": [], "DimensionValueAttributes": []}


FAULTS = {
    "malformed page (an amount missing, page 2)": (grouped(second_page_without_amount), "MalformedResponse"),
    "truncated page (half a JSON body, page 2)": (grouped(truncated_second_page), "MalformedResponse"),
    "unknown currency (Unit 'US$')": (grouped(unknown_currency), "MalformedResponse"),
    "empty result (no ResultsByTime)": (grouped(empty_result), "EmptyResponse"),
}


def stored() -> dict:
    return {(r.date, r.account_id, r.service): r.unblended_cost for r in CostData.objects.all()}


def test_bad_answers_fail_clearly_keep_the_history_and_the_worker(emulated_worker, emulator, figures):
    worker = emulated_worker()
    assert collect_now().status == CollectionRun.Status.SUCCEEDED
    start, end = first_run_window(emulator)
    baseline = assert_complete(emulator, start=start, end=end)
    before = stored()
    assert all(amount <= 0 for (_, _, service), amount in before.items() if service == CREDIT)

    # Cost Explorer restates yesterday (a larger credit too), so the next runs fetch it: through each fault.
    yesterday, account = emulator.today - dt.timedelta(days=1), emulator.accounts[0]
    emulator.overrides[(yesterday, account, SERVICES[0])] = Decimal("999.99")
    emulator.overrides[(yesterday, account, CREDIT)] = Decimal("-123.45")
    outcomes = {}
    for name, (fault, code) in FAULTS.items():
        emulator.malformed = fault(emulator)
        run = collect_now(what=name)
        outcomes[name] = f"{run.status} ({run.error_code})"
        assert (run.status, run.error_code) == (CollectionRun.Status.FAILED, code), run.error_message
        assert run.error_message
        assert stored() == before, f"{name}: the history changed"
        assert worker.poll() is None, f"{name}: the worker died"

    emulator.malformed = None
    healed = collect_now(what="the run after the faults")
    assert healed.status == CollectionRun.Status.SUCCEEDED, healed.error_message
    complete = assert_complete(emulator, start=min(start, emulator.today.replace(day=1)), end=end)
    assert CostData.objects.get(date=yesterday, account_id=account, service=CREDIT).unblended_cost == Decimal("-123.45")
    figures.update(
        faults=outcomes,
        rows_kept_through_faults=baseline["rows"],
        rows_lost=0,
        worker_pid_unchanged=True,
        after_faults=healed.status,
        rows=complete["rows"],
        total_usd=complete["total_usd"],
        credits_usd=complete["credits_usd"],
    )
