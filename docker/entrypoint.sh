#!/bin/sh
# The one entrypoint of the image: `web` (migrate, then serve), `worker`, `migrate`,
# `gateway-config` (write the split shop's nginx config), or a command.
# In a split container (MICROSTORE_ROLE set, docker compose --profile split) `web` first creates
# its service's own database when missing.
set -eu
cd "$(dirname "$0")/.."

role="${1:-web}"

# A split process signs every internal call: say where the secret goes before settings refuse.
require_internal_secret() {
  if [ -z "${MICROSTORE_INTERNAL_SECRET:-}" ]; then
    echo "entrypoint: MICROSTORE_INTERNAL_SECRET is not set: every process of the split shop" \
      "signs its internal calls with it. Put MICROSTORE_INTERNAL_SECRET=<32+ random characters>" \
      "in .env next to docker-compose.yml, e.g." \
      "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'" >&2
    exit 64
  fi
}
if [ -n "${MICROSTORE_ROLE:-}" ] || [ "$role" = "gateway-config" ]; then
  case "$role" in web|worker|migrate|gateway-config) require_internal_secret ;; esac
fi

case "$role" in
  web)
    if [ "${MIGRATE_ON_START:-1}" = "1" ]; then
      if [ -n "${MICROSTORE_ROLE:-}" ]; then
        python manage.py create_database
      fi
      python manage.py migrate --noinput
    fi
    if [ "${SEED_DEMO:-0}" = "1" ]; then
      python manage.py seed_demo
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
  gateway-config)
    # The gateway's nginx config, generated from the code (microstore/topology.py) with the
    # services' addresses from MICROSTORE_SERVICES, for the nginx container to read.
    out="${GATEWAY_CONFIG:-/app/var/gateway/nginx.conf}"
    mkdir -p "$(dirname "$out")"
    python manage.py gateway_config --listen "${GATEWAY_LISTEN:-0.0.0.0}" \
      --port "${GATEWAY_PORT:-8000}" ${GATEWAY_RESOLVER:+--resolver "$GATEWAY_RESOLVER"} \
      > "$out.tmp"
    mv "$out.tmp" "$out"
    echo "entrypoint: wrote $out"
    ;;
  *)
    exec "$@"
    ;;
esac
