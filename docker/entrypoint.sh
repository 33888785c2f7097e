#!/bin/sh
# The image's one entrypoint. Roles: web | worker | beat | migrate | manage <command> | <any manage.py command>.
# Extra arguments after a role are passed on to its program.
set -eu

role=${1:-web}
[ "$#" -gt 0 ] && shift

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
    # Schedules live in the database and are edited in the admin (django-celery-beat).
    exec celery -A costmonitor beat --scheduler django_celery_beat.schedulers:DatabaseScheduler "$@"
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
