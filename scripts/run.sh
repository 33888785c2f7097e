#!/usr/bin/env bash
# The README's run command: costmonitor on embedded defaults (SQLite, local cache) at http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh requirements/base.txt
export DEBUG=${DEBUG:-true}
mkdir -p "${COSTMONITOR_DATA_DIR:-data}"
PY=.venv/bin/python
$PY manage.py migrate --no-input
$PY manage.py ensure_admin
exec $PY manage.py runserver "${BIND:-127.0.0.1:8000}"
