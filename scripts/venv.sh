#!/usr/bin/env bash
# Creates .venv (Python 3.11) if missing and installs the given requirements file into it; sourced by the other scripts.
set -euo pipefail
REQUIREMENTS=${1:-requirements/base.txt}
VENV=${VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
  PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
fi
# A stamp per requirements file: reinstall only when the requirements changed.
stamp="$VENV/.installed-$(basename "$REQUIREMENTS")"
if [ ! -f "$stamp" ] || [ -n "$(find requirements -newer "$stamp" -name '*.txt')" ]; then
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQUIREMENTS"
  touch "$stamp"
fi
