#!/usr/bin/env bash
# The README's run command: costmonitor on embedded defaults (SQLite, local cache) at http://127.0.0.1:8000
# (PORT, or BIND=host:port), with a Celery worker and embedded beat so the collection schedule runs from minute one.
# Once the web server answers, a banner says where, with which login, and whether the data is demo or AWS's.
set -euo pipefail
cd "$(dirname "$0")/.."
bind=${BIND:-127.0.0.1:${PORT:-8000}}
case "$bind" in
  *:*) host=${bind%:*} port=${bind##*:} ;;
  *) host=127.0.0.1 port=$bind ;;
esac
host=${host#[} host=${host%]}
fail() {
  echo "make run: $*" >&2
  exit 1
}
[[ "$port" =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || fail "'$bind' is no port or host:port; set PORT=8001 or BIND=127.0.0.1:8001"

bash scripts/venv.sh requirements/base.txt
PY=.venv/bin/python
# A port in use is refused before anything starts, in one line (runserver would report it among the worker's logs).
if ! $PY - "$host" "$port" <<'EOF'; then
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
with socket.socket(family) as sock:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as runserver binds: a closed port's TIME_WAIT is free
    try:
        sock.bind((host, port))
    except OSError as exc:
        sys.exit(f"make run: cannot listen on {host}:{port} ({exc.strerror}); another server holds it: stop it, or run PORT=<free port> make run")
EOF
  exit 1
fi

export DEBUG=${DEBUG:-true}
mkdir -p "${COSTMONITOR_DATA_DIR:-data}"
$PY manage.py migrate --no-input
$PY manage.py ensure_admin
# Reading AWS on a new installation: the Cost Explorer requests and USD of the first collections, and a go-ahead,
# asked for on a terminal or given by CONFIRM_AWS_SPEND=yes. Without one, schedules wait (SpendNotConfirmed) and the
# rest runs, so the admin and API stay reachable.
confirm=()
[[ "${CONFIRM_AWS_SPEND:-}" == yes ]] && confirm=(--yes)
$PY manage.py confirm_first_run "${confirm[@]}" || true

# Broker: CELERY_BROKER_URL / REDIS_URL when set, else kombu's filesystem transport in the data folder.
# Beat (-B) reads the schedule from the database; on its first start every collection is due, so data shows at once.
.venv/bin/celery -A costmonitor worker -B --concurrency "${WORKER_CONCURRENCY:-1}" --loglevel "${LOG_LEVEL:-INFO}" &
worker=$!
$PY manage.py runserver "$bind" &
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

# The banner, once the web server accepts connections (an address of every interface is reached on loopback).
case "$host" in 0.0.0.0) reach=127.0.0.1 ;; ::) reach=::1 ;; *) reach=$host ;; esac
url_host=$host
[[ "$host" == *:* ]] && url_host="[$host]"
for _ in $(seq 1 240); do
  kill -0 "$web" 2>/dev/null || break
  if (exec 3<>"/dev/tcp/$reach/$port") 2>/dev/null; then
    $PY manage.py run_banner --url "http://$url_host:$port"
    break
  fi
  sleep 0.5
done

status=0
wait -n "$web" "$worker" || status=$?
if ! kill -0 "$web" 2>/dev/null; then
  echo "make run: the web server stopped (exit $status); stopping the worker and beat" >&2
else
  echo "make run: the worker stopped (exit $status); stopping the web server" >&2
fi
exit "$status"
