#!/usr/bin/env bash
# The main job, end to end, on the embedded default model (a tiny random-weight Intern-S1 in the real
# layout: its answers are noise, every code path is real):
#   services up -> build -> migrate -> sample dataset (text, image, video; media made with ffmpeg)
#   -> worker in the background -> submit -> wait -> status table + a few results -> worker stopped.
# Environment: the ops/services.sh variables; INTERNS1_DEMO_TIMEOUT (seconds, default 900).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
STATE_DIR=${INTERNS1_STATE_DIR:-/var/tmp/interns1}
TIMEOUT=${INTERNS1_DEMO_TIMEOUT:-900}
say() { printf '\n== %s\n' "$*"; }

say "services (RabbitMQ, PostgreSQL, ffmpeg)"
ops/services.sh up

say "build"
dotnet build src/InternS1.Batch.Cli/InternS1.Batch.Cli.csproj -c Release -nologo -v q
CLI=(dotnet src/InternS1.Batch.Cli/bin/Release/net10.0/linux-x64/interns1.dll)

say "migrate"
"${CLI[@]}" migrate

say "sample dataset"
SAMPLE=$(ops/sample/make-sample.sh)
echo "$SAMPLE/sample.jsonl ($(wc -l < "$SAMPLE/sample.jsonl") jobs)"

say "worker (log: $STATE_DIR/demo-worker.log)"
mkdir -p "$STATE_DIR"
# Jobs that set no max_new_tokens get 128 here (the tiny model rarely emits its eos; the default is 4096).
"${CLI[@]}" worker --Media:MediaRoot="$SAMPLE/media" --Engine:DefaultMaxNewTokens=128 > "$STATE_DIR/demo-worker.log" 2>&1 &
WORKER=$!
cleanup() { kill -TERM "$WORKER" 2>/dev/null && wait "$WORKER" 2>/dev/null || true; }
trap cleanup EXIT

DATASET="demo-$(date -u +%Y%m%d-%H%M%S)"
say "submit to dataset $DATASET"
"${CLI[@]}" submit "$SAMPLE/sample.jsonl" --dataset "$DATASET"

say "waiting for every job to end (result or dead letter)"
start=$(date +%s)
while :; do
  if ! kill -0 "$WORKER" 2>/dev/null; then echo "the worker stopped:"; tail -n 40 "$STATE_DIR/demo-worker.log"; exit 1; fi
  line=$("${CLI[@]}" status --dataset "$DATASET" --json 2>/dev/null | head -n1 || true)
  pending=$(printf '%s' "$line" | sed -n 's/.*"pending":\([0-9]*\).*/\1/p')
  [ -n "$pending" ] && printf '\r%s' "$line" | cut -c1-160
  [ "$pending" = "0" ] && break
  if [ $(( $(date +%s) - start )) -gt "$TIMEOUT" ]; then echo; echo "timed out after ${TIMEOUT}s"; tail -n 40 "$STATE_DIR/demo-worker.log"; exit 1; fi
  sleep 2
done
echo

say "status"
"${CLI[@]}" status --dataset "$DATASET"

say "results and token accounting (PostgreSQL: results + token_usage; the tiny model's text is noise)"
# As the worker's role (it reads every table; the dashboard role would see only the views without text).
PGPASSWORD=${INTERNS1_PG_WORKER_PASSWORD:-interns1_worker} psql -h 127.0.0.1 -p "${INTERNS1_PG_PORT:-55432}" -U "${INTERNS1_PG_WORKER:-interns1_worker}" \
  -d "${INTERNS1_PG_DATABASE:-interns1}" -P pager=off -v ds="$DATASET" <<'SQL'

  SELECT j.custom_id, r.finish_reason, u.prompt_tokens AS prompt, u.image_tokens AS image, u.video_tokens AS video,
         u.cached_tokens AS cached, u.completion_tokens AS completion, u.reasoning_tokens AS reasoning,
         round(u.prefill_ms) AS prefill_ms, round(u.decode_ms) AS decode_ms,
         left(regexp_replace(coalesce(nullif(r.content, ''), r.reasoning_content, ''), '\s+', ' ', 'g'), 40) AS text
  FROM jobs j JOIN results r ON r.job_id = j.id JOIN token_usage u ON u.job_id = j.id
  WHERE j.dataset = :'ds' ORDER BY j.custom_id;
SQL

say "OpenAI Batch output (interns1 export), first line"
"${CLI[@]}" export --dataset "$DATASET" | head -n 1 | cut -c1-400

say "dead letters of the dataset (reason and message)"
"${CLI[@]}" dead-letters list --dataset "$DATASET" --json
