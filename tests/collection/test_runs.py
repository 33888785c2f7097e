"""The run lifecycle: single flight, queued runs, the spend guard, dry runs, source selection, cache versions."""

import time

import pytest
from django.core.cache import cache

from collection.cache_versions import dataset_version
from collection.data_source import source_name
from collection.models import CollectionRun, CostData
from collection.services import run_collection
from collection.services.locks import single_flight
from collection.state import state_cache
from tests.factories import CollectionRunFactory

pytestmark = pytest.mark.django_db


def test_a_second_run_of_a_kind_is_skipped_while_one_holds_the_lock(demo_source):
    with single_flight(kind="costs", ttl=60) as held:
        assert held
        run = run_collection(kind="costs", trigger="schedule")
    assert (run.status, run.error_code) == ("skipped", "AlreadyRunning")
    assert not CostData.objects.exists()
    assert run_collection(kind="costs", trigger="schedule").status == "succeeded"  # released on exit


def test_the_lock_is_released_when_the_run_fails(demo_source, monkeypatch):
    monkeypatch.setattr("collection.services.costs.collect_costs", lambda **kw: 1 / 0)
    assert run_collection(kind="costs", trigger="schedule").error_code == "InternalError"
    with single_flight(kind="costs", ttl=60) as held:
        assert held


def test_the_same_task_delivered_again_takes_over_its_dead_delivery_lease(demo_source):
    """A worker died holding the lease: the broker's next delivery of that task runs at once."""
    with single_flight(kind="costs", ttl=60, owner="task-1") as held:
        assert held
        other = run_collection(kind="costs", trigger="schedule", task_id="task-2")
        untasked = run_collection(kind="costs", trigger="command")
        again = run_collection(kind="costs", trigger="schedule", task_id="task-1")
    assert again.status == "succeeded"
    assert [(r.status, r.error_code) for r in (other, untasked)] == [("skipped", "AlreadyRunning")] * 2


def test_a_held_lock_survives_the_answer_cache_losing_every_key(demo_source):
    """The answer cache evicts under memory pressure (allkeys-lru, or a flood of distinct queries): the lock lives
    in the state cache, so even a wiped answer cache lets no second run of the kind start."""
    with single_flight(kind="costs", ttl=60) as held:
        assert held
        cache.clear()
        run = run_collection(kind="costs", trigger="schedule")
    assert (run.status, run.error_code) == ("skipped", "AlreadyRunning")


def test_other_kinds_are_not_blocked(demo_source):
    with single_flight(kind="costs", ttl=60):
        assert run_collection(kind="forecast", trigger="schedule").status == "succeeded"


def test_queued_run_is_carried_out_once(demo_source):
    queued = CollectionRunFactory(
        kind="costs", status="queued", source="demo", finished_at=None, ce_requests=0, rows_written=0
    )
    run = run_collection(kind="costs", trigger="schedule", run_id=queued.pk, task_id="task-1")
    assert run.pk == queued.pk
    assert (run.status, run.task_id, run.source) == ("succeeded", "task-1", "demo")
    again = run_collection(kind="costs", trigger="schedule", run_id=queued.pk)
    assert again.rows_written == run.rows_written
    assert CollectionRun.objects.count() == 1


def test_budget_spent_refuses_the_run(demo_source):
    demo_source.CE_MONTHLY_REQUEST_BUDGET = 10
    CollectionRunFactory(ce_requests=10)
    run = run_collection(kind="costs", trigger="schedule")
    assert (run.status, run.error_code, run.ce_requests) == ("skipped", "CEBudgetExceeded", 0)
    assert "budget of 10" in run.error_message


def test_budget_stops_a_run_before_it_overspends_and_rolls_it_back(demo_source):
    demo_source.CE_MONTHLY_REQUEST_BUDGET = 2  # the first costs run needs three pages
    run = run_collection(kind="costs", trigger="schedule")
    assert (run.status, run.error_code, run.ce_calls) == ("failed", "CEBudgetExceeded", 2)
    assert not CostData.objects.exists()


@pytest.mark.parametrize(("kind", "trigger"), [("everything", "command"), ("costs", "cron")])
def test_unknown_kind_or_trigger_is_a_value_error(kind, trigger):
    with pytest.raises(ValueError, match="unknown"):
        run_collection(kind=kind, trigger=trigger)


def test_success_bumps_the_datasets_it_changed(demo_source):
    before = {name: dataset_version(dataset=name) for name in ("costs", "accounts", "runs", "metrics", "tags")}
    run_collection(kind="costs", trigger="schedule")
    after = {name: dataset_version(dataset=name) for name in before}
    assert {name for name in before if after[name] != before[name]} == {"costs", "accounts", "runs", "metrics"}


def test_auto_source_is_demo_without_credentials(settings, monkeypatch, tmp_path):
    settings.COST_SOURCE, settings.AWS_ROLE_ARN = "auto", ""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert source_name() == "demo"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    assert source_name() == "aws"


def test_the_lock_is_a_lease_renewed_while_held_and_freed_when_its_holder_stops(db):
    with single_flight(kind="tags", ttl=1) as held:
        assert held
        time.sleep(1.6)  # beyond the ttl: only the renewals keep it
        with single_flight(kind="tags", ttl=1) as second:
            assert not second
    assert state_cache.get("collect:lock:tags") is None
