"""Run the reliability suite (pytest -m reliability) with a 60 s load and write docs/reliability.md from its figures.

Run: DATABASE_URL=postgres://… REDIS_URL=redis://… CELERY_BROKER_URL=redis://… python bench/reliability_report.py
[--load-seconds 60]. It exits with pytest's status; the report says which scenarios failed, if any.
"""

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "reliability.md"
SUITE = "tests/reliability"

# (test name prefix, scenario, what it proves)
SCENARIOS = [
    (
        "test_throttled_",
        "1. Throttling",
        "30 % of Cost Explorer calls answer `LimitExceededException`: 4 windowed runs and a scheduled one all "
        "succeed, the stored rows equal the emulator's lines to the cent, and every throttled answer is counted "
        "once in `CollectionRun.aws_retries` and `costmonitor_aws_retries_this_month` on `/metrics`.",
    ),
    (
        "test_redis_outage_",
        "2. Redis outage under load",
        "gunicorn (2 workers) under load on a private `redis-server`, which is stopped and started again: no 5xx, "
        "20 reads during the outage answered uncached from the database with the right totals, `/health` "
        "healthy → degraded → healthy, then answers come from the cache again.",
    ),
    (
        "test_database_connection_lost_",
        "3. Database connection lost mid-collection",
        "A real worker holds a collection's transaction open; its PostgreSQL backend is terminated "
        "(`pg_terminate_backend`, what a server restart does to it — the shared server is not restarted). The "
        "run is recorded `failed` (`DatabaseUnavailable`), nothing of it is kept, the worker lives on, and the "
        "next run stores every line once.",
    ),
    (
        "test_worker_killed_",
        "4. Worker SIGKILLed mid-collection",
        "The worker is killed with SIGKILL in the middle of its writes; Redis delivers the task again to a "
        "second worker, which takes the dead delivery's lock over at once (no `skipped` run); the killed run is "
        "`failed` (`WorkerLost`) with every request it sent counted (in the month's spend while it was open, too), "
        "the redelivered one succeeds, every line is stored once, and a later run still finds no gap and no "
        "duplicate.",
    ),
    (
        "test_a_killed_collect_command_",
        "4b. `manage.py collect` SIGKILLed mid-request",
        "No task, no redelivery: the run stays `running` until its lease expires, its requests (the one in "
        "flight included) already in the month's spend; the next run's sweep closes it `failed` (`Abandoned`) "
        "with them, nothing of it kept.",
    ),
    (
        "test_a_repeated_page_token_",
        "8. Runaway pagination",
        "Cost Explorer repeats a `NextPageToken`: the run fails `PaginationLoop` after 2 requests, both "
        "counted (a query of more than `CE_MAX_PAGES_PER_QUERY` pages fails `TooManyPages` the same way; a "
        "request that never connected is not billed).",
    ),
    (
        "test_bad_answers_",
        "5. Bad AWS data",
        "Through a real worker: a page missing an amount, a truncated JSON page, a non-ISO currency and an "
        "empty answer each end in a `failed` run with a clear code, the stored history unchanged, the same "
        "worker alive; negative credit lines are stored as such; the run after the faults is complete.",
    ),
    (
        "test_no_input_makes_the_api_fail",
        "6a. Bad input: the API",
        "schemathesis over every operation of `/api/schema/`, 100 valid and invalid examples each "
        "(derandomized): no 5xx and every answer within the documented schema.",
    ),
    ("test_schemathesis_tried_every_operation", "6a. Bad input: the API (coverage)", "Every operation was tried."),
    (
        "test_malformed_command_arguments_",
        "6b. Bad input: commands",
        "Malformed arguments of `collect_costs`, `backfill_costs`, `create_api_token` and `serve_metrics`, run "
        "as `manage.py` runs them: non-zero exit, one clear `error` line, no traceback.",
    ),
    (
        "test_api_under_load_",
        "7. Load",
        "gunicorn with 2 workers, 8 client threads on a mix of one cached `/api/costs` query, varied (mostly "
        "uncached) windows and groupings, and `/metrics`; every costs total is checked against the seeded data.",
    ),
]


def run_suite(*, figures: Path, load_seconds: float, extra: list[str]) -> tuple[int, dict[str, str]]:
    """Run pytest on the suite; return its exit status and each test's outcome."""
    junit = figures.with_suffix(".xml")
    env = {**os.environ, "RELIABILITY_FIGURES": str(figures), "RELIABILITY_LOAD_SECONDS": str(load_seconds)}
    command = [sys.executable, "-m", "pytest", SUITE, "-m", "reliability", "-q", f"--junitxml={junit}", *extra]
    status = subprocess.call(command, cwd=ROOT, env=env)  # noqa: S603 - our own interpreter and arguments
    outcomes = {}
    if junit.exists():
        for case in ElementTree.parse(junit).iter("testcase"):  # noqa: S314 - our own pytest output
            failed = case.find("failure") is not None or case.find("error") is not None
            skipped = case.find("skipped") is not None
            outcomes[case.get("name")] = "FAILED" if failed else "skipped" if skipped else "passed"
    return status, outcomes


def describe(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {describe(v)}" for k, v in value.items())
    return str(value)


def render(*, figures: dict, outcomes: dict[str, str], load_seconds: float, seconds: float) -> str:
    lines = [
        "# Reliability",
        "",
        "What costmonitor survives, measured on this machine by the committed suite. Regenerate this page with",
        "one command (PostgreSQL, Redis and `redis-server` on the machine, as in CI):",
        "",
        "```sh",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/costmonitor REDIS_URL=redis://127.0.0.1:6379/0 \\",
        "CELERY_BROKER_URL=redis://127.0.0.1:6379/1 python bench/reliability_report.py   # or: make reliability",
        "```",
        "",
        "Each scenario alone: `python -m pytest tests/reliability -m reliability -k <test name>`. Cost Explorer",
        "is `tests/reliability/emulator.py`, an HTTP emulator of `GetCostAndUsage` (JSON 1.1, `TimePeriod`,",
        "`GroupBy`, pages on which a day continues onto the next, an exact Decimal ground truth, injected faults)",
        "that boto3 reaches through `AWS_ENDPOINT_URL`; workers are real `celery worker` processes on Redis.",
        "Completeness is checked line by line against that ground truth: every (day, account, service) stored",
        "exactly once with its exact amount, the total equal to the cent, no day missing.",
        "",
        f"Run of {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} CPUs, Python {platform.python_version()}): {len(outcomes)} tests, "
        f"{sum(o == 'passed' for o in outcomes.values())} passed, "
        f"{sum(o == 'FAILED' for o in outcomes.values())} failed, in {seconds:.0f} s "
        f"(load: {load_seconds:g} s).",
        "",
        "| Scenario | What is checked | Result | Figures |",
        "|---|---|---|---|",
    ]
    for prefix, title, checked in SCENARIOS:
        names = sorted(n for n in outcomes if n.startswith(prefix)) or [prefix]
        results = [outcomes.get(n, "not run") for n in names]
        result = results[0] if len(set(results)) == 1 else ", ".join(sorted(set(results)))
        if len(names) > 1:
            result = f"{sum(r == 'passed' for r in results)}/{len(names)} passed"
        found = [(n, figures[n]) for n in names if n in figures]
        if len(found) == 1:
            shown = describe(found[0][1])
        else:
            shown = "<br>".join(f"`{n.split('[', 1)[-1].rstrip(']')}` → {describe(f)}" for n, f in found)
        test = f"`{prefix.rstrip('_')}`"
        lines.append(f"| {title} ({test}) | {checked} | {result} | {shown.replace('|', '/')} |")
    lines += [
        "",
        "Figures: `rows` are stored daily cost lines, `rows_lost` lines of the ground truth missing afterwards,",
        "`total_usd` the ground truth the stored total equals; latencies are client-side, in milliseconds,",
        "through gunicorn on loopback (8 client threads queue on 2 synchronous workers, so they include waiting).",
        "",
        "In CI the suite runs within `make test` with a 5 s load (`RELIABILITY_LOAD_SECONDS`); scenarios that",
        "need PostgreSQL, a Redis broker or `redis-server` are skipped on the embedded SQLite defaults.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load-seconds", type=float, default=60.0, help="duration of the load scenario (60)")
    parser.add_argument("--output", type=Path, default=REPORT, help=f"where to write the report ({REPORT})")
    args, extra = parser.parse_known_args()
    if args.load_seconds <= 0:
        parser.error("--load-seconds must be positive")
    with tempfile.TemporaryDirectory() as tmp:
        figures_path = Path(tmp) / "figures.json"
        began = dt.datetime.now(dt.UTC)
        status, outcomes = run_suite(figures=figures_path, load_seconds=args.load_seconds, extra=extra)
        seconds = (dt.datetime.now(dt.UTC) - began).total_seconds()
        figures = json.loads(figures_path.read_text()) if figures_path.exists() else {}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(figures=figures, outcomes=outcomes, load_seconds=args.load_seconds, seconds=seconds))
    print(f"wrote {args.output} ({len(outcomes)} tests, pytest exit status {status})")
    return status


if __name__ == "__main__":
    sys.exit(main())
