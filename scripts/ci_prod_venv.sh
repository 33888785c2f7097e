#!/usr/bin/env bash
# CI: a virtualenv of requirements/prod.txt alone (no test extras) runs the worker and beat roles against Redis:
# each starts through docker/entrypoint.sh and passes its container healthcheck (the worker a ping of itself over
# the broker, beat the heartbeat of its scheduler loop), on a Redis of its own (start_private_redis, ci_lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
CI_NAME=ci-prod-venv
# shellcheck source=scripts/ci_lib.sh
source scripts/ci_lib.sh
VENV=${PROD_VENV:-/tmp/costmonitor-prod-venv}
WORK=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_private_redis
  rm -rf "$WORK"
}
trap cleanup EXIT
start_private_redis

rm -rf "$VENV"
python3.11 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check -r requirements/prod.txt >"$WORK/pip.log" 2>&1 \
  || { cat "$WORK/pip.log" >&2; exit 1; }
# Nothing of the test requirements came along (pytest, moto and schemathesis pull packaging in, for one).
if "$VENV/bin/python" -c 'import pytest' 2>/dev/null; then log "FAILED: pytest is in the production venv" >&2; exit 1; fi
export PATH="$VENV/bin:$PATH" TMPDIR=$WORK COSTMONITOR_DATA_DIR=$WORK DATABASE_URL=sqlite:///$WORK/prod.sqlite3 \
  REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0 CELERY_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/1 COST_SOURCE=demo DEBUG=false \
  SECRET_KEY=ci-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz
sh docker/entrypoint.sh migrate >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log" >&2; exit 1; }
for role in worker beat; do
  mkdir -p "$WORK/$role"
  # Each role in a temporary folder of its own, as in its own container: the healthcheck reads the role from there.
  TMPDIR=$WORK/$role sh docker/entrypoint.sh "$role" >"$WORK/$role.log" 2>&1 &
  pids+=($!)
done
for role in worker beat; do
  for _ in $(seq 120); do
    TMPDIR=$WORK/$role "$VENV/bin/python" docker/healthcheck.py 2>/dev/null && continue 2
    sleep 0.5
  done
  log "FAILED: $role not healthy after 60 s" >&2
  tail -30 "$WORK/$role.log" >&2
  exit 1
done
log "worker and beat run from requirements/prod.txt alone on a Redis broker, both healthy ($(($(date +%s) - started)) s)"
