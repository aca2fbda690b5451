#!/usr/bin/env bash
# Bounded soak of our server (issue 20): POST anomaly/prediction (the body and model of
# bench/server/run.sh) with 8, then 64 connections for a fixed time each on loopback, and a
# hostile request (revision with control characters, malformed JSON, bad multipart) between
# rounds. Reports requests, failures (non-2xx replies and socket errors), and the server's
# resident memory (VmRSS) after warm-up and after each round; exits 1 on any failed request,
# any 5xx to a hostile request, or a server that stops answering /healthcheck.
# Usage: bench/server/soak.sh [seconds per connection count, default 60]
# (GORDO_BENCH_GORDO: an already built `gordo`; GORDO_BENCH_PORT: port, default 15555.)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
seconds="${1:-60}"
port="${GORDO_BENCH_PORT:-15555}"
dir="$(mktemp -d)"
pid=""
cleanup() {
  [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "missing wrk: apt-get install -y wrk"; exit 1; }

gordo="${GORDO_BENCH_GORDO:-$repo/src/Gordo.Cli/bin/Release/net10.0/gordo}"
[ -n "${GORDO_BENCH_GORDO:-}" ] || dotnet build src/Gordo.Cli -c Release -nologo -v:q > /dev/null
. bench/server/model.sh
bench_model "$gordo" "$dir"
export BODY_FILE="$dir/body.json"

DOTNET_gcServer=1 MODEL_COLLECTION_DIR="$dir/models/1" "$gordo" run-server --host 127.0.0.1 --port "$port" \
  --log-level warning > "$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 240); do
  kill -0 "$pid" 2>/dev/null || { echo "server exited"; cat "$dir/server.log"; exit 1; }
  curl -sf -o /dev/null "http://127.0.0.1:$port/healthcheck" && break
  sleep 0.5
done
base="http://127.0.0.1:$port"
route="gordo/v0/bench/bench-model/anomaly/prediction"

rss_mb() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }
failed=0

hostile() { # one of each kind; any 5xx or no answer fails the soak
  local codes
  codes="$(curl -s -o /dev/null -w '%{http_code} ' "$base/gordo/v0/bench/models?revision=1%0D%0A%01")"
  codes+="$(curl -s -o /dev/null -w '%{http_code} ' -H 'Content-Type: application/json' \
    --data-binary '{"X": [[NaN, 1]' "$base/$route")"
  codes+="$(curl -s -o /dev/null -w '%{http_code} ' -H 'Content-Type: multipart/form-data' \
    --data-binary 'x' "$base/$route")"
  codes+="$(curl -s -o /dev/null -w '%{http_code}' "$base/healthcheck")"
  echo "hostile requests and /healthcheck: $codes"
  if grep -qE '(^| )(5[0-9][0-9]|000)( |$)' <<< "$codes" || [ "${codes##* }" != 200 ]; then failed=1; fi
}

wrk -t 2 -c 8 -d "${GORDO_BENCH_WARMUP:-20}s" -s bench/server/post.lua "$base/$route" > /dev/null
start_rss="$(rss_mb)"
echo
echo "| connections | seconds | requests | requests/s | p99 | failures | RSS after (MB) |"
echo "|---|---|---|---|---|---|---|"
for c in 8 64; do
  out="$(wrk -t 2 -c "$c" -d "${seconds}s" --timeout 10s --latency -s bench/server/post.lua "$base/$route")"
  requests="$(awk '/requests in/ {print $1}' <<< "$out")"
  rps="$(awk '/^Requests\/sec/ {print $2}' <<< "$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<< "$out")"
  non2xx="$(grep -o 'non2xx=[0-9]*' <<< "$out" | cut -d= -f2)"
  errors="$(grep -o 'errors=[0-9]*' <<< "$out" | cut -d= -f2)"
  printf '| %d | %d | %s | %s | %s | %d | %s |\n' "$c" "$seconds" "$requests" "$rps" "$p99" \
    "$(( non2xx + errors ))" "$(rss_mb)"
  [ "$(( non2xx + errors ))" -eq 0 ] || failed=1
  hostile
done
end_rss="$(rss_mb)"
echo
echo "RSS after warm-up ${start_rss} MB, at the end ${end_rss} MB (growth $(awk -v a="$start_rss" -v b="$end_rss" 'BEGIN {printf "%+.1f", b - a}') MB)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
[ "$failed" -eq 0 ] && echo "soak passed: 0 failed requests" || { echo "soak FAILED"; exit 1; }
