#!/bin/sh
# The image's one entrypoint. Roles: web | worker | beat | migrate | manage <command> | <any manage.py command>.
# Extra arguments after a role are passed on to its program.
set -eu

role=${1:-web}
[ "$#" -gt 0 ] && shift

# The role, for the container healthcheck (docker/healthcheck.py; costmonitor/heartbeat.py names the files).
# A read-only temporary folder must not stop the process: its healthcheck then says that no role was recorded.
{ printf '%s\n' "$role" >"${TMPDIR:-/tmp}/costmonitor-role"; } 2>/dev/null || true

case "$role" in
  web)
    # Several gunicorn workers share their metrics through this directory (gunicorn.conf.py empties it at start).
    : "${PROMETHEUS_MULTIPROC_DIR:=${TMPDIR:-/tmp}/costmonitor-prometheus}"
    export PROMETHEUS_MULTIPROC_DIR
    exec gunicorn --config gunicorn.conf.py costmonitor.web:application "$@"
    ;;
  worker)
    exec celery -A costmonitor worker "$@"
    ;;
  beat)
    # CONFIRM_AWS_SPEND=yes is the declarative first-run go-ahead (compose's costmonitor.env, Helm's env): beat,
    # which sends the scheduled collections, records it with AWS credentials of its own (IRSA: the migrate hook runs
    # before the ServiceAccount exists). A refusal is told and beat starts anyway, with the schedule paused (/health,
    # costmonitor_schedule_paused): the free collections keep running and the operator sees why.
    if [ "${CONFIRM_AWS_SPEND:-}" = yes ]; then
      python manage.py confirm_first_run --yes ||
        echo "costmonitor: the first-run go-ahead was not recorded (see above): scheduled AWS collections stay paused" >&2
    fi
    # Schedules live in the database and are edited in the admin (django-celery-beat); the scheduler touches a
    # heartbeat file at every tick of its loop, which the healthcheck reads.
    exec celery -A costmonitor beat --scheduler costmonitor.beat:HeartbeatScheduler "$@"
    ;;
  migrate)
    exec python manage.py migrate --no-input "$@"
    ;;
  manage)
    exec python manage.py "$@"
    ;;
  *)
    exec python manage.py "$role" "$@"
    ;;
esac
