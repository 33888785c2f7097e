#!/usr/bin/env bash
# The README's run command: costmonitor on embedded defaults (SQLite, local cache) at http://127.0.0.1:8000,
# with a Celery worker and embedded beat so the collection schedule runs from minute one.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh requirements/base.txt
export DEBUG=${DEBUG:-true}
mkdir -p "${COSTMONITOR_DATA_DIR:-data}"
PY=.venv/bin/python
$PY manage.py migrate --no-input
$PY manage.py ensure_admin

# Broker: CELERY_BROKER_URL / REDIS_URL when set, else kombu's filesystem transport in the data folder.
# Beat (-B) reads the schedule from the database; on its first start every collection is due, so data shows at once.
.venv/bin/celery -A costmonitor worker -B --concurrency "${WORKER_CONCURRENCY:-1}" --loglevel "${LOG_LEVEL:-INFO}" &
worker=$!
$PY manage.py runserver "${BIND:-127.0.0.1:8000}" &
web=$!
# Whichever stops first (or Ctrl-C / SIGTERM), stop the other: no worker is left running without its web server.
stop_all() {
  trap - EXIT INT TERM
  kill -TERM "$web" "$worker" 2>/dev/null || true
  wait "$web" "$worker" 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
wait -n "$web" "$worker"
