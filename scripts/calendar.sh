#!/usr/bin/env bash
# The calendar pass: the in-process suite at the instants that break date arithmetic (COSTMONITOR_TEST_NOW,
# tests/conftest.py); tests that start other processes (marker `integration`) and the reliability scenarios
# cannot travel in time and are left out, as are the date-independent modules listed below and the answer-variant
# tests (marker `variants`: a collection run per variant of AWS's answers, two minutes of the pass at each instant,
# varying the answer while the date arithmetic they pass through is what the rest of their modules test). The
# instants run side by side (CALENDAR_JOBS at a time, default: one per CPU), each with its own data directory so
# their file caches and SQLite files never meet; each pass's output is printed whole when it ends. Extra arguments
# pass through to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh requirements/test.txt
# Two instants hold the four dates that break date arithmetic: 1 January just after midnight is also the 1st of a
# month (and of a year), and 29 February at 23:30 UTC is also a month's last day, 30 minutes before the next.
INSTANTS=(
  2028-01-01T00:15:00+00:00  # 1 January, the 1st of a month, just after midnight
  2028-02-29T23:30:00+00:00  # 29 February, a month's last day, 30 minutes before the next month
)
# Modules whose outcome cannot depend on the date (static files and configuration, the image and the chart,
# headers, masking, schema fuzzing, error envelopes): the date-sensitive rest of the suite runs at each instant.
DATE_INDEPENDENT=(
  tests/api/test_docs.py tests/api/test_schema.py
  tests/security/test_bounded_cache.py tests/security/test_csp_browser.py
  tests/security/test_csp_headers.py tests/security/test_error_envelopes.py tests/security/test_log_masking.py
  tests/security/test_metrics_access.py tests/security/test_scope_schemathesis.py
  tests/test_backends.py tests/test_commands_setup.py tests/test_compose.py tests/test_deployment_doc.py
  tests/test_entrypoint.py tests/test_gunicorn_conf.py tests/test_helm_chart.py tests/test_iam_policy.py
  tests/test_log_masking_session.py tests/test_logging.py tests/test_masking.py tests/test_security.py
  tests/test_settings_checks.py
)
ignored=()
for module in "${DATE_INDEPENDENT[@]}"; do ignored+=("--ignore=$module"); done
jobs=${CALENDAR_JOBS:-$(nproc)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pass() {  # pass INDEX INSTANT ARGS...: one calendar pass, its output in $work/INDEX.log, its status in $work/INDEX.rc
  local index=$1 instant=$2; shift 2
  local rc=0
  COSTMONITOR_TEST_NOW=$instant COSTMONITOR_DATA_DIR="$work/data-$index" \
    .venv/bin/python -m pytest -q -p no:cacheprovider -m "not integration and not reliability and not variants" \
    "${ignored[@]}" "$@" \
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
