#!/usr/bin/env bash
# Sourced by the CI scripts that need Docker (ci_docker.sh, ci_compose.sh): a running engine and the local
# python:3.11-slim stand-in from ../shared/docker/standin-base.sh (see its README), or one line saying why not
# and `exit 0`, so CI goes on where no engine can run. Needs root, as CI has.
STANDIN=${STANDIN_BASE:-../shared/docker/standin-base.sh}
if [ ! -f "$STANDIN" ]; then echo "$CI_NAME: skipped: no $STANDIN on this machine"; exit 0; fi
set +e
bash "$STANDIN" >"/tmp/$CI_NAME-standin.log" 2>&1
standin_rc=$?
set -e
if [ "$standin_rc" -eq 3 ]; then
  echo "$CI_NAME: skipped: no Docker engine can run here ($(tail -1 "/tmp/$CI_NAME-standin.log"))"
  exit 0
fi
[ "$standin_rc" -eq 0 ] || { cat "/tmp/$CI_NAME-standin.log" >&2; exit "$standin_rc"; }
