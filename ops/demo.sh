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
"${CLI[@]}" worker --Media:MediaRoot="$SAMPLE/media" > "$STATE_DIR/demo-worker.log" 2>&1 &
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

say "some results (OpenAI Batch output lines, first 3)"
"${CLI[@]}" export --dataset "$DATASET" | head -n 3 | cut -c1-600

say "dead letters of the dataset (if any)"
"${CLI[@]}" dead-letters list --dataset "$DATASET"
