#!/usr/bin/env bash
# CI smoke test of the image: build it, run migrate, web, worker and beat against the loopback PostgreSQL and Redis
# (host network, loopback addresses only, a database of its own and a Redis of its own on a free loopback port,
# start_private_redis in scripts/ci_lib.sh), one demo collection through the containerized
# worker on the Redis broker, /health, /metrics, uid 10001, every role's healthcheck, and a web container turning
# unhealthy when its (throwaway) database stops. Where no Docker engine can run it says so in one line and exits 0.
# Needs root (CI runs as root): the engine comes from ../shared/docker/standin-base.sh (require_docker_engine).
set -euo pipefail
cd "$(dirname "$0")/.."
CI_NAME=ci-docker
# shellcheck source=scripts/ci_lib.sh
source scripts/ci_lib.sh
require_docker_engine

IMAGE=costmonitor:ci
PREFIX=cm-smoke
DB=${CI_DOCKER_DB:-cmsmoke}
THROWAWAY_PORT=${CI_DOCKER_THROWAWAY_PG_PORT:-5439}
PG_VERSION=$(ls /etc/postgresql | sort -V | tail -1)
PORT=$(free_port)
METRICS_PORT=$(free_port)

cleanup() {
  docker ps -aq --filter "label=costmonitor.ci=smoke" | xargs -r docker rm -f >/dev/null 2>&1 || true
  pg_dropcluster --stop "$PG_VERSION" "$PREFIX" >/dev/null 2>&1 || true
  dropdb -h 127.0.0.1 -U postgres --if-exists "$DB" >/dev/null 2>&1 || true
}
trap 'cleanup; stop_private_redis' EXIT
start_private_redis
# Whatever a failing run logged, shown before cleanup removes the containers.
show_logs() {
  for name in $(docker ps -a --filter "label=costmonitor.ci=smoke" --format '{{.Names}}'); do
    echo "--- $name ($(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$name"))" >&2
    docker logs --tail 40 "$name" >&2 2>&1 || true
  done
}
fail() { log "FAILED: $*" >&2; show_logs; exit 1; }
cleanup

log "building $IMAGE"
docker build -t "$IMAGE" . >/tmp/ci-docker-build.log 2>&1 || { tail -30 /tmp/ci-docker-build.log >&2; fail "docker build"; }
build_done=$(date +%s)

dropdb -h 127.0.0.1 -U postgres --if-exists "$DB" 2>/dev/null
createdb -h 127.0.0.1 -U postgres "$DB"
# The configuration a deployment gives the containers; the image's read-only root with a tmpfs /tmp, as in compose.
app() {  # app NAME DATABASE_URL [docker run options...] -- ROLE [args...]
  local name=$1 database=$2; shift 2
  local options=()
  while [ "$1" != "--" ]; do options+=("$1"); shift; done
  shift
  docker run --name "$PREFIX-$name" --label costmonitor.ci=smoke --network host --read-only --tmpfs /tmp \
    -e DATABASE_URL="$database" -e REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
    -e CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/1" \
    -e SECRET_KEY=ci-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz -e ALLOWED_HOSTS=127.0.0.1 \
    -e SECURE_SSL_REDIRECT=false -e COST_SOURCE=demo -e BIND_HOST=127.0.0.1 \
    -e PORT="$PORT" -e METRICS_PORT="$METRICS_PORT" \
    --health-interval 3s --health-timeout 10s --health-start-period 60s --health-retries 2 \
    "${options[@]}" "$IMAGE" "$@"
}
DATABASE=postgres://postgres@127.0.0.1:5432/$DB
health() { docker inspect -f '{{.State.Health.Status}}' "$PREFIX-$1"; }
wait_healthy() {  # wait_healthy NAME: up to 90 s
  for _ in $(seq 180); do
    [ "$(health "$1")" = healthy ] && return 0
    [ "$(docker inspect -f '{{.State.Running}}' "$PREFIX-$1")" = true ] || fail "$1 exited"
    sleep 0.5
  done
  fail "$1 not healthy after 90 s"
}

# A missing SECRET_KEY: the one-line configuration error of the troubleshooting table, no traceback.
refused=$(docker run --rm --label costmonitor.ci=smoke --network host "$IMAGE" web 2>&1 || true)
[ "$refused" = "costmonitor: configuration error: SECRET_KEY is missing or a placeholder while DEBUG is off; set SECRET_KEY to a long random value (or DEBUG=true for local development)." ] \
  || fail "web without SECRET_KEY said: $refused"

app migrate "$DATABASE" --rm -- migrate >/dev/null 2>&1 || fail "migrate"
app web "$DATABASE" -d -- web >/dev/null
app worker "$DATABASE" -d -- worker --concurrency 1 >/dev/null
wait_healthy web
wait_healthy worker

for name in web worker; do
  uid=$(docker exec "$PREFIX-$name" awk '/^Uid:/ {print $2}' /proc/1/status)
  [ "$uid" = 10001 ] || fail "$name runs as uid $uid, not 10001"
done

# One demo collection, queued by the web container on the Redis broker and run by the worker container.
run_id=$(docker exec "$PREFIX-web" python manage.py shell -c \
  'from collection.services.scheduling import enqueue_collection; print(enqueue_collection(kind="costs", trigger="api").pk)' \
  2>/dev/null | tail -1)
[[ "$run_id" =~ ^[0-9]+$ ]] || fail "could not queue a collection: $run_id"
status=
for _ in $(seq 120); do
  status=$(psql -h 127.0.0.1 -U postgres -d "$DB" -tAc "SELECT status FROM collection_collectionrun WHERE id = $run_id")
  [ "$status" = succeeded ] && break
  sleep 0.5
done
[ "$status" = succeeded ] || fail "demo collection run $run_id is $status"
docker logs "$PREFIX-worker" 2>&1 | grep -c "\"run_id\": $run_id" >/dev/null || fail "the worker container did not log run $run_id"
log "demo collection run $run_id succeeded in the worker container"

body=$(curl -fsS -H 'Host: 127.0.0.1' "http://127.0.0.1:$PORT/health") || fail "/health"
python3 -c 'import json, sys; d = json.loads(sys.argv[1])["data"]; assert d["ready"] and d["checks"]["data_source"] == "demo"' "$body" \
  || fail "/health answered $body"
series=$(curl -fsS -H 'Host: 127.0.0.1' "http://127.0.0.1:$METRICS_PORT/metrics" | grep -c '^aws_') || fail "/metrics"
[ "$series" -gt 0 ] || fail "/metrics has no aws_* series"
log "/health ready, /metrics has $series aws_* series"

# beat: its heartbeat makes it healthy; it runs as uid 10001 too.
app beat "$DATABASE" -d -- beat >/dev/null
wait_healthy beat
uid=$(docker exec "$PREFIX-beat" awk '/^Uid:/ {print $2}' /proc/1/status)
[ "$uid" = 10001 ] || fail "beat runs as uid $uid"
# The file the Helm chart's beat liveness probe reads (deploy/helm values: beat.livenessProbe).
docker exec "$PREFIX-beat" test -f /tmp/beat-heartbeat || fail "beat has no /tmp/beat-heartbeat"
log "web, worker and beat healthy, each as uid 10001"

# A database that stops: the web container turns unhealthy within two healthcheck intervals (3 s each here).
pg_createcluster "$PG_VERSION" "$PREFIX" --port "$THROWAWAY_PORT" --start -- --auth=trust >/dev/null
PORT=$(free_port) METRICS_PORT=$(free_port) \
  app web-db "postgres://postgres@127.0.0.1:$THROWAWAY_PORT/postgres" -d -- web >/dev/null
wait_healthy web-db
pg_ctlcluster "$PG_VERSION" "$PREFIX" stop -m immediate
stopped=$(date +%s.%N)
# Docker probes `interval` after the previous probe ended: two failures take two intervals plus two probes' run time
# (under a second each on an idle machine), so allow two intervals and two probe timeouts.
for _ in $(seq 104); do [ "$(health web-db)" = unhealthy ] && break; sleep 0.25; done
[ "$(health web-db)" = unhealthy ] || fail "web still $(health web-db) 26 s after its database stopped"
log "web unhealthy $(python3 -c "import time; print(f'{time.time() - $stopped:.1f}')") s after its database stopped (interval 3 s, 2 retries)"

docker stop -t 20 "$PREFIX-beat" "$PREFIX-worker" "$PREFIX-web" "$PREFIX-web-db" >/dev/null
log "passed in $(($(date +%s) - started)) s (build $((build_done - started)) s)"
