#!/usr/bin/env bash
# The calendar pass: the in-process suite at the instants that break date arithmetic (COSTMONITOR_TEST_NOW,
# tests/conftest.py); tests that start other processes (marker `integration`) and the reliability scenarios
# cannot travel in time and are left out. Extra arguments pass through to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh requirements/test.txt
INSTANTS=(
  2027-06-01T00:15:00+00:00  # the 1st of a month, just after midnight
  2027-06-30T23:30:00+00:00  # a month's last day, 30 minutes before the next month
  2028-01-01T00:15:00+00:00  # 1 January
  2028-02-29T12:00:00+00:00  # 29 February
)
for instant in "${INSTANTS[@]}"; do
  echo "calendar pass at $instant"
  COSTMONITOR_TEST_NOW=$instant .venv/bin/python -m pytest -q -p no:cacheprovider -m "not integration and not reliability" "$@"
done
