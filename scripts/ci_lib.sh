#!/usr/bin/env bash
# Shared by the CI scripts that run processes and containers (ci_prod_venv.sh, ci_docker.sh, ci_compose.sh), which
# set CI_NAME and source this file: log lines, free loopback ports, a Redis of their own, a Docker engine.
started=$(date +%s)
log() { echo "$CI_NAME: $*"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A Redis on a free loopback port (REDIS_PORT), so these scripts never touch the shared Redis's databases that the
# test suite uses; the caller's EXIT trap calls stop_private_redis.
start_private_redis() {
  REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >/dev/null 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 40); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -c PONG >/dev/null && return 0; sleep 0.25; done
  log "FAILED: Redis does not start on port $REDIS_PORT" >&2
  return 1
}
stop_private_redis() {
  if [ -n "${REDIS_PID:-}" ]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
}

# A running engine and the local python:3.11-slim stand-in from ../shared/docker/standin-base.sh (see its README),
# or one line saying why not and `exit 0`, so CI goes on where no engine can run. Needs root, as CI has.
# STANDIN_BASE names the script; else ../shared beside the checkout, else the workplace's /work/shared (a clone
# made elsewhere, e.g. by `git clone . $(mktemp -d)`, has no ../shared).
require_docker_engine() {
  local standin=${STANDIN_BASE:-} rc=0 candidate
  if [ -z "$standin" ]; then
    for candidate in ../shared/docker/standin-base.sh /work/shared/docker/standin-base.sh; do
      if [ -f "$candidate" ]; then standin=$candidate; break; fi
    done
  fi
  if [ ! -f "${standin:-}" ]; then log "skipped: no ../shared/docker/standin-base.sh on this machine"; exit 0; fi
  bash "$standin" >"/tmp/$CI_NAME-standin.log" 2>&1 || rc=$?
  if [ "$rc" -eq 3 ]; then log "skipped: no Docker engine can run here ($(tail -1 "/tmp/$CI_NAME-standin.log"))"; exit 0; fi
  [ "$rc" -eq 0 ] || { cat "/tmp/$CI_NAME-standin.log" >&2; exit "$rc"; }
}
