#!/usr/bin/env bash
# The calendar pass: the in-process suite at the instants that break date arithmetic (COSTMONITOR_TEST_NOW,
# tests/conftest.py); tests that start other processes (marker `integration`) and the reliability scenarios
# cannot travel in time and are left out. The instants run side by side (CALENDAR_JOBS at a time, default: one
# per CPU), each with its own data directory so their file caches and SQLite files never meet; each pass's
# output is printed whole when it ends. Extra arguments pass through to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh requirements/test.txt
INSTANTS=(
  2027-06-01T00:15:00+00:00  # the 1st of a month, just after midnight
  2027-06-30T23:30:00+00:00  # a month's last day, 30 minutes before the next month
  2028-01-01T00:15:00+00:00  # 1 January
  2028-02-29T12:00:00+00:00  # 29 February
)
jobs=${CALENDAR_JOBS:-$(nproc)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pass() {  # pass INDEX INSTANT ARGS...: one calendar pass, its output in $work/INDEX.log, its status in $work/INDEX.rc
  local index=$1 instant=$2; shift 2
  local rc=0
  COSTMONITOR_TEST_NOW=$instant COSTMONITOR_DATA_DIR="$work/data-$index" \
    .venv/bin/python -m pytest -q -p no:cacheprovider -m "not integration and not reliability" "$@" \
    >"$work/$index.log" 2>&1 || rc=$?
  echo "$rc" >"$work/$index.rc"
}

for index in "${!INSTANTS[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  pass "$index" "${INSTANTS[$index]}" "$@" &
done
wait

status=0
for index in "${!INSTANTS[@]}"; do
  rc=$(cat "$work/$index.rc")
  echo "calendar pass at ${INSTANTS[$index]}: exit $rc"
  tail -n 15 "$work/$index.log"
  [ "$rc" -eq 0 ] || { cat "$work/$index.log"; status=1; }
done
exit "$status"
