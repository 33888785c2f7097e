"""What each open run has spent so far, kept in the state cache, so a rolled-back, killed or timed-out run still counts.

A run's writes are one transaction that rolls back when it fails, and a killed worker commits nothing, so the
AWS requests of a run still open are tallied outside the database: in the state cache (`collection.state`: the
broker's Redis, which never evicts, or files, where a second SQLite connection writing beside the run's
transaction would wait for its lock). The run's row takes the tally over when the run finishes or is closed for
it (`WorkerLost`, `Abandoned`, a time limit); until then `collection.selectors.ce_spend` and the budget add it in.
"""

from collections.abc import Iterable

from collection.aws import CE_REQUEST_USD
from collection.data_source import AWS
from collection.state import state_cache

TALLY_SECONDS = 40 * 24 * 3600  # beyond a month: a run closed days later still gets what it spent


def _key(run_id: int) -> str:
    return f"collect:run:{run_id}:spend"


def save_tally(*, run_id: int, tally: dict) -> None:
    """Keep `tally` (`RequestCounter.tally()`) as what run `run_id` has spent so far; only its own process writes it."""
    state_cache.set(_key(run_id), tally, timeout=TALLY_SECONDS)


def read_tallies(*, run_ids: Iterable[int]) -> dict[int, dict]:
    """The saved tallies of these runs, by run id (runs that sent nothing yet have none)."""
    keys = {_key(run_id): run_id for run_id in run_ids}
    return {keys[key]: tally for key, tally in state_cache.get_many(list(keys)).items()} if keys else {}


def discard_tally(*, run_id: int) -> None:
    state_cache.delete(_key(run_id))


def spend_fields(*, tally: dict, source: str) -> dict:
    """The `CollectionRun` fields a tally fills. The demo source's calls stay in `aws_requests`, but reach no AWS
    and are billed nothing: its `ce_requests` (the billed figure) is 0, as the month's spend says."""
    requests = int(tally.get("ce_requests", 0)) if source == AWS else 0
    return {
        "ce_requests": requests,
        "ce_cost_usd": requests * CE_REQUEST_USD,
        "aws_requests": dict(tally.get("aws_requests", {})),
        "aws_retries": dict(tally.get("aws_retries", {})),
        "bytes_scanned": dict(tally.get("bytes_scanned", {})) if source == AWS else {},
    }
