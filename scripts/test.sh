#!/usr/bin/env bash
# The README's test command: installs the test requirements into .venv and runs pytest (extra args pass through)
# on TEST_WORKERS pytest-xdist workers (default: two per CPU, at most 4; 0 runs the tests in pytest's own process).
# Workers past the CPU count pay off: many tests wait on processes they start (gunicorn, Celery workers,
# Prometheus, Chromium). Each worker has its own test database (pytest-django), Redis databases and data
# directory (tests/parallel.py); worksteal hands a worker that ran out of tests half of another's queue.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh requirements/test.txt
cpus=$(nproc)
workers=${TEST_WORKERS:-$((cpus * 2 < 4 ? cpus * 2 : 4))}
[ "$workers" -eq 0 ] && exec .venv/bin/python -m pytest "$@"
# Arguments that choose tests by marker choose for themselves: one run on the workers.
for arg in "$@"; do
  case "$arg" in -m*) exec .venv/bin/python -m pytest -n "$workers" --dist worksteal "$@" ;; esac
done
# Tests marked `exclusive` compare timings under a load they make themselves (tests/security/test_saturation.py):
# they run after the workers, alone, so the other workers' load never passes for theirs. Each part may select
# nothing (exit 5) when arguments pick tests of one part only; the run fails if neither selected anything.
rc=0
.venv/bin/python -m pytest -n "$workers" --dist worksteal -m "not exclusive" "$@" || rc=$?
exclusive_rc=0
.venv/bin/python -m pytest -m exclusive "$@" || exclusive_rc=$?
if [ "$rc" -eq 5 ] && [ "$exclusive_rc" -eq 5 ]; then exit 5; fi
for part in "$rc" "$exclusive_rc"; do
  [ "$part" -eq 0 ] || [ "$part" -eq 5 ] || exit "$part"
done
