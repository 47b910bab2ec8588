#!/bin/sh
# The one entrypoint of the image: `web` (migrate, then serve), `worker`, `migrate`, or a command.
set -eu
cd "$(dirname "$0")/.."

role="${1:-web}"
case "$role" in
  web)
    if [ "${MIGRATE_ON_START:-1}" = "1" ]; then
      python manage.py migrate --noinput
    fi
    # Metrics of every gunicorn worker meet in one directory, emptied at each start.
    export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/tmp/prometheus}"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    find "$PROMETHEUS_MULTIPROC_DIR" -mindepth 1 -delete
    exec gunicorn microstore.wsgi:application --config microstore/gunicorn_conf.py
    ;;
  worker)
    exec python manage.py run_worker
    ;;
  migrate)
    exec python manage.py migrate --noinput
    ;;
  *)
    exec "$@"
    ;;
esac
