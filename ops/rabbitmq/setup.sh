#!/bin/sh
# Creates (or updates) the broker users of InternS1.Batch and the jobs topology through the RabbitMQ
# management HTTP API (curl only): run by ops/services.sh and by docker-compose's rabbitmq-setup service;
# on your own broker run it with an administrator's credentials. Idempotent.
#
#   worker user    configure ".*"  write ".*"  read ".*" on the vhost: it declares its queues and MassTransit's
#                  exchanges, consumes jobs, moves faults to <queue>_error and drains <queue>_error/_skipped.
#   producer user  may only publish to the jobs exchange:
#                  configure "^$"          declares nothing, deletes or purges nothing
#                  write     "^<queue>$"   publishes to the jobs exchange only (not the default exchange, not
#                                          <queue>_error, not another exchange)
#                  read      "^$"          consumes nothing, binds nothing
#   topology       the fanout exchange <queue> bound to the durable quorum queue <queue> (as the worker declares
#                  them), so producers can publish before a worker ever ran.
#
# Environment:
#   RABBIT_API (http://127.0.0.1:15672), RABBIT_ADMIN_USER / RABBIT_ADMIN_PASSWORD (guest / guest),
#   RABBIT_VHOST (/), JOBS_QUEUE (interns1-jobs),
#   WORKER_USER / WORKER_PASSWORD (interns1_worker / interns1_worker),
#   PRODUCER_USER / PRODUCER_PASSWORD (interns1_producer / interns1_producer)
set -eu

API=${RABBIT_API:-http://127.0.0.1:15672}
ADMIN=${RABBIT_ADMIN_USER:-guest}
ADMIN_PASSWORD=${RABBIT_ADMIN_PASSWORD:-guest}
VHOST=${RABBIT_VHOST:-/}
QUEUE=${JOBS_QUEUE:-interns1-jobs}
WORKER=${WORKER_USER:-interns1_worker}
WORKER_PW=${WORKER_PASSWORD:-interns1_worker}
PRODUCER=${PRODUCER_USER:-interns1_producer}
PRODUCER_PW=${PRODUCER_PASSWORD:-interns1_producer}

# JSON string content: backslashes and double quotes escaped.
json() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
# Percent-encoding of a path segment (vhost, names): enough for the characters these names may hold.
seg() { printf '%s' "$1" | sed 's/%/%25/g; s|/|%2F|g; s/ /%20/g; s/#/%23/g; s/?/%3F/g'; }
# A regular expression matching exactly one name (queue names hold letters, digits and . _ : -).
exact() { printf '^%s$' "$(printf '%s' "$1" | sed 's/[.]/\\./g')"; }

put() {
  curl -fsS -o /dev/null -u "$ADMIN:$ADMIN_PASSWORD" -H 'content-type: application/json' -X "${3:-PUT}" "$API$1" -d "$2"
}

V=$(seg "$VHOST")
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null -u "$ADMIN:$ADMIN_PASSWORD" "$API/api/vhosts/$V" 2>/dev/null && break
  sleep 1
done

put "/api/users/$(seg "$WORKER")" "{\"password\":\"$(json "$WORKER_PW")\",\"tags\":\"\"}"
put "/api/permissions/$V/$(seg "$WORKER")" '{"configure":".*","write":".*","read":".*"}'
put "/api/users/$(seg "$PRODUCER")" "{\"password\":\"$(json "$PRODUCER_PW")\",\"tags\":\"\"}"
put "/api/permissions/$V/$(seg "$PRODUCER")" "{\"configure\":\"^\$\",\"write\":\"$(json "$(exact "$QUEUE")")\",\"read\":\"^\$\"}"

Q=$(seg "$QUEUE")
put "/api/exchanges/$V/$Q" '{"type":"fanout","durable":true,"auto_delete":false,"internal":false,"arguments":{}}'
put "/api/queues/$V/$Q" '{"durable":true,"auto_delete":false,"arguments":{"x-queue-type":"quorum"}}'
put "/api/bindings/$V/e/$Q/q/$Q" '{"routing_key":"","arguments":{}}' POST
echo "[rabbitmq] users $WORKER (all of vhost $VHOST) and $PRODUCER (publish to exchange $QUEUE only); $QUEUE declared"
