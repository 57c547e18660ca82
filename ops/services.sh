#!/usr/bin/env bash
# Installs (Debian packages) and starts RabbitMQ, PostgreSQL and ffmpeg on loopback, without Docker, and
# creates the least-privilege database roles (ops/postgres/roles.sql) and broker users (ops/rabbitmq/setup.sh).
# Idempotent. Defaults match src/InternS1.Batch.Cli/appsettings.json; override with environment variables:
#   INTERNS1_STATE_DIR  (/var/tmp/interns1)   data and logs of the services started here
#   INTERNS1_PG_PORT    (55432)               PostgreSQL port (a private cluster, not the system one)
#   INTERNS1_PG_DATABASE (interns1)
#   INTERNS1_PG_OWNER / INTERNS1_PG_OWNER_PASSWORD    (interns1 / interns1)   migrations (DDL); may create
#                                                     databases here (scratch databases of tests and benchmarks)
#   INTERNS1_PG_WORKER / INTERNS1_PG_WORKER_PASSWORD  (interns1_worker / interns1_worker)   DML only
#   INTERNS1_RABBIT_PORT (5672), INTERNS1_RABBIT_MGMT_PORT (15672)
#   INTERNS1_RABBIT_WORKER / INTERNS1_RABBIT_WORKER_PASSWORD      (interns1_worker / interns1_worker)
#   INTERNS1_RABBIT_PRODUCER / INTERNS1_RABBIT_PRODUCER_PASSWORD  (interns1_producer / interns1_producer)
#   INTERNS1_QUEUE      (interns1-jobs)       the jobs exchange the producer user may publish to
#   INTERNS1_CONSUMER_TIMEOUT_MS (21600000 = 6 h: the longest generation a job may take)
# The postgres superuser is reachable only over the local socket (trust, for this script); guest only on loopback.
# Usage: ops/services.sh up|down|status
set -euo pipefail

STATE_DIR=${INTERNS1_STATE_DIR:-/var/tmp/interns1}
PG_PORT=${INTERNS1_PG_PORT:-55432}
# INTERNS1_PG_USER / INTERNS1_PG_PASSWORD: the names of the single role of earlier versions (now the owner).
PG_OWNER=${INTERNS1_PG_OWNER:-${INTERNS1_PG_USER:-interns1}}
PG_OWNER_PASSWORD=${INTERNS1_PG_OWNER_PASSWORD:-${INTERNS1_PG_PASSWORD:-interns1}}
PG_WORKER=${INTERNS1_PG_WORKER:-interns1_worker}
PG_WORKER_PASSWORD=${INTERNS1_PG_WORKER_PASSWORD:-interns1_worker}
PG_DB=${INTERNS1_PG_DATABASE:-interns1}
RABBIT_PORT=${INTERNS1_RABBIT_PORT:-5672}
RABBIT_MGMT_PORT=${INTERNS1_RABBIT_MGMT_PORT:-15672}
RABBIT_WORKER=${INTERNS1_RABBIT_WORKER:-interns1_worker}
RABBIT_WORKER_PASSWORD=${INTERNS1_RABBIT_WORKER_PASSWORD:-interns1_worker}
RABBIT_PRODUCER=${INTERNS1_RABBIT_PRODUCER:-interns1_producer}
RABBIT_PRODUCER_PASSWORD=${INTERNS1_RABBIT_PRODUCER_PASSWORD:-interns1_producer}
JOBS_QUEUE=${INTERNS1_QUEUE:-interns1-jobs}
CONSUMER_TIMEOUT_MS=${INTERNS1_CONSUMER_TIMEOUT_MS:-21600000}
OPS_DIR=$(cd "$(dirname "$0")" && pwd)

PG_DATA=$STATE_DIR/postgres/data
PG_SOCK=$STATE_DIR/postgres/run
RABBIT_BASE=$STATE_DIR/rabbitmq
export RABBITMQ_NODENAME=${RABBITMQ_NODENAME:-interns1@localhost}
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$RABBIT_PORT
export RABBITMQ_MNESIA_BASE=$RABBIT_BASE/mnesia
export RABBITMQ_LOG_BASE=$RABBIT_BASE/log
export RABBITMQ_CONFIG_FILE=$RABBIT_BASE/rabbitmq          # .conf appended by RabbitMQ
export RABBITMQ_ENABLED_PLUGINS_FILE=$RABBIT_BASE/enabled_plugins
export RABBITMQ_PID_FILE=$RABBIT_BASE/rabbit.pid
export HOME=${HOME:-/root}

log() { printf '[services] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; exit 1; fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (apt-get)"
  as_root apt-get update -qq || true
  # policy-rc.d keeps Debian's maintainer scripts from starting the system services: we run our own.
  as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  as_root rm -f /usr/sbin/policy-rc.d
}

pg_bin() {
  local v
  v=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n1)
  [ -n "$v" ] || { log "PostgreSQL binaries not found"; exit 1; }
  echo "/usr/lib/postgresql/$v/bin"
}

# The local socket: the superuser only for the OS users postgres and root (peer, map interns1_admins: this
# script and the tests' administration), passwords for every other role; TCP always asks for a password.
# NOTE: earlier versions trusted every local connection, which let any local OS user act as the superuser.
pg_local_auth() {
  local hba=$PG_DATA/pg_hba.conf ident=$PG_DATA/pg_ident.conf
  grep -q '^interns1_admins' "$ident" 2>/dev/null || printf 'interns1_admins postgres postgres\ninterns1_admins root postgres\n' >> "$ident"
  if ! grep -q 'map=interns1_admins' "$hba"; then
    sed -i -E 's/^local(\s+)all(\s+)all(\s+)(trust|scram-sha-256|peer|md5)\s*$/local all postgres peer map=interns1_admins\nlocal all all scram-sha-256/' "$hba"
    chown postgres:postgres "$hba" "$ident"
    if runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
      runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$PG_DATA" reload >/dev/null
    fi
  fi
}

pg_up() {
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
  local bin; bin=$(pg_bin)
  mkdir -p "$STATE_DIR/postgres" "$PG_SOCK"
  chown -R postgres:postgres "$STATE_DIR/postgres" 2>/dev/null || true
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initdb $PG_DATA"
    local pw; pw=$(mktemp); echo "postgres" > "$pw"; chown postgres "$pw"
    runuser -u postgres -- "$bin/initdb" -D "$PG_DATA" -U postgres --pwfile="$pw" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pw"
  fi
  pg_local_auth
  if runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log "postgres already running on 127.0.0.1:$PG_PORT"
  else
    log "starting postgres on 127.0.0.1:$PG_PORT"
    runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DATA" -w -t 60 -l "$STATE_DIR/postgres/server.log" \
      -o "-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  fi
  # Roles and database (ops/postgres/roles.sql): the superuser over the local socket, the file on stdin
  # (the postgres OS user may not read this checkout).
  runuser -u postgres -- "$bin/psql" -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt \
    -v owner="$PG_OWNER" -v owner_password="$PG_OWNER_PASSWORD" -v owner_createdb=true \
    -v worker="$PG_WORKER" -v worker_password="$PG_WORKER_PASSWORD" -v database="$PG_DB" \
    -f - < "$OPS_DIR/postgres/roles.sql" >/dev/null
}

pg_down() {
  [ -f "$PG_DATA/PG_VERSION" ] || return 0
  local bin; bin=$(pg_bin)
  if runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log "stopping postgres"
    runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  fi
}

rabbit_up() {
  command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
  mkdir -p "$RABBIT_BASE/mnesia" "$RABBIT_BASE/log"
  cat > "$RABBIT_BASE/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$RABBIT_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $RABBIT_MGMT_PORT
loopback_users.guest = true
# Jobs stay unacked while they generate: allow the longest generation (see README, "Long jobs").
consumer_timeout = $CONSUMER_TIMEOUT_MS
CONF
  echo "[rabbitmq_management]." > "$RABBITMQ_ENABLED_PLUGINS_FILE"
  # Debian's wrappers run the server and rabbitmqctl as the rabbitmq user (su keeps our RABBITMQ_* env).
  chown -R rabbitmq:rabbitmq "$RABBIT_BASE" 2>/dev/null || true
  if rabbitmqctl -q -n "$RABBITMQ_NODENAME" status >/dev/null 2>&1; then
    log "rabbitmq already running on 127.0.0.1:$RABBIT_PORT"
    rabbit_users
    return 0
  fi
  log "starting rabbitmq on 127.0.0.1:$RABBIT_PORT (management :$RABBIT_MGMT_PORT)"
  rabbitmq-server -detached >/dev/null 2>&1 || true
  for _ in $(seq 1 120); do
    if rabbitmqctl -q -n "$RABBITMQ_NODENAME" await_startup >/dev/null 2>&1; then
      log "rabbitmq ready"; rabbit_users; return 0
    fi
    sleep 1
  done
  log "rabbitmq did not start; see $RABBIT_BASE/log"; tail -n 40 "$RABBIT_BASE"/log/*.log 2>/dev/null || true
  exit 1
}

rabbit_users() {
  command -v curl >/dev/null || apt_install curl
  RABBIT_API="http://127.0.0.1:$RABBIT_MGMT_PORT" RABBIT_ADMIN_USER=guest RABBIT_ADMIN_PASSWORD=guest JOBS_QUEUE="$JOBS_QUEUE" \
    WORKER_USER="$RABBIT_WORKER" WORKER_PASSWORD="$RABBIT_WORKER_PASSWORD" \
    PRODUCER_USER="$RABBIT_PRODUCER" PRODUCER_PASSWORD="$RABBIT_PRODUCER_PASSWORD" \
    sh "$OPS_DIR/rabbitmq/setup.sh" | sed 's/^/[services] /'
}

rabbit_down() {
  command -v rabbitmqctl >/dev/null || return 0
  if rabbitmqctl -q -n "$RABBITMQ_NODENAME" status >/dev/null 2>&1; then
    log "stopping rabbitmq"
    rabbitmqctl -q -n "$RABBITMQ_NODENAME" stop >/dev/null 2>&1 || true
  fi
}

status() {
  local bin
  if [ -f "$PG_DATA/PG_VERSION" ] && bin=$(pg_bin) && runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    echo "postgres: running (127.0.0.1:$PG_PORT, database $PG_DB, owner $PG_OWNER, worker $PG_WORKER)"
  else
    echo "postgres: stopped"
  fi
  if command -v rabbitmqctl >/dev/null && rabbitmqctl -q -n "$RABBITMQ_NODENAME" status >/dev/null 2>&1; then
    echo "rabbitmq: running (127.0.0.1:$RABBIT_PORT, management http://127.0.0.1:$RABBIT_MGMT_PORT, worker $RABBIT_WORKER, producer $RABBIT_PRODUCER)"
  else
    echo "rabbitmq: stopped"
  fi
  if command -v ffmpeg >/dev/null; then echo "ffmpeg:   $(ffmpeg -version | head -n1 | cut -d' ' -f1-3)"; else echo "ffmpeg:   not installed"; fi
}

case "${1:-}" in
  up)
    command -v ffmpeg >/dev/null || apt_install ffmpeg
    pg_up
    rabbit_up
    status
    ;;
  down)
    rabbit_down
    pg_down
    ;;
  status)
    status
    ;;
  pg-up) pg_up ;;
  pg-down) pg_down ;;
  rabbit-up) rabbit_up ;;
  rabbit-down) rabbit_down ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
