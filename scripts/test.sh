#!/usr/bin/env bash
# The README's test command: installs the test requirements into .venv and runs pytest (extra args pass through).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh requirements/test.txt
exec .venv/bin/python -m pytest "$@"
