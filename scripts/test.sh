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
exec .venv/bin/python -m pytest -n "$workers" --dist worksteal "$@"
