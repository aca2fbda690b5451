#!/usr/bin/env bash
# Load benchmark of POST /gordo/v0/<project>/<model>/anomaly/prediction (issue 6): our server
# (`gordo run-server`) and Gordo's Python serving stack (bench/peers/server_peer.py under
# gunicorn) side by side in the same run, loopback only. The body is 100 rows x 10 tags in
# pandas dict form (what Gordo's client sends); the model is a DiffBasedAnomalyDetector around
# MinMaxScaler + feedforward_hourglass built by `gordo local-build` from `gordo data generate`.
# Prints requests/s, p50 and p99 at 1, 8 and 64 connections (wrk --latency), then stops both
# servers. Needs Debian wrk, gunicorn, python3-flask, python3-pandas, python3-sklearn,
# python3-torch.
# Then (issue 21) the same model and body on our server, interleaved at 1 connection: plain
# anomaly/prediction, ?quality=true and anomaly/events: server CPU per request and p50 of each,
# in 15 rounds (GORDO_BENCH_ROUNDS) of 3 s per route (GORDO_BENCH_ROUND_SECONDS); each route
# against plain prediction of the same round (median of the paired ratios), and medians; also the
# server's own request time per route (gordo_server_request_duration_seconds of /metrics: ours
# runs with ENABLE_PROMETHEUS=true, as Gordo's workflow deploys it; Gordo's Python peer here does
# not serve metrics). (The project page's ring is on, as by default; what feeding it costs is
# measured in process by Gordo.Micro.Bench's FeedRing: a second server with the ring off would
# differ in its history.)
# Usage: bench/server/run.sh [seconds per measurement, default 10]
# (GORDO_BENCH_WARMUP: seconds of the first warm-up of ours, default 20.)
# GORDO_BENCH_VS=PATH/gordo: measure that build of ours (e.g. main's, for a before/after
# comparison) in the peer's place, with the same model, body and durations; no Python needed.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
seconds="${1:-10}"
ours_port="${GORDO_BENCH_PORT:-15555}"
peer_port="$((ours_port + 1))"
dir="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

vs="${GORDO_BENCH_VS:-}"
tools="wrk gunicorn"
[ -z "$vs" ] || tools="wrk"
for tool in $tools; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y wrk gunicorn python3-flask"; exit 1; }
done

# GORDO_BENCH_GORDO: an already built `gordo` to use instead of building src/Gordo.Cli.
gordo="${GORDO_BENCH_GORDO:-$repo/src/Gordo.Cli/bin/Release/net10.0/gordo}"
[ -n "${GORDO_BENCH_GORDO:-}" ] || dotnet build src/Gordo.Cli -c Release -nologo -v:q > /dev/null

. bench/server/model.sh
bench_model "$gordo" "$dir"
export BODY_FILE="$dir/body.json"

# Ours as Gordo's workflow deploys it: ENABLE_PROMETHEUS=true (it serves /metrics and times every
# request; the issue-21 part reads each route's server-side request time from there).
ENABLE_PROMETHEUS=true DOTNET_gcServer=1 MODEL_COLLECTION_DIR="$dir/models/1" "$gordo" run-server --host 127.0.0.1 --port "$ours_port" --log-level warning \
  > "$dir/ours.log" 2>&1 &
ours_pid=$!
pids+=("$ours_pid")
if [ -n "$vs" ]; then
  peer_name="gordo-dotnet ($vs)"
  DOTNET_gcServer=1 MODEL_COLLECTION_DIR="$dir/models/1" "$vs" run-server --host 127.0.0.1 --port "$peer_port" \
    --log-level warning > "$dir/peer.log" 2>&1 &
else
  peer_name="gordo-python (Flask+gunicorn)"
  (cd bench/peers && PEER_TAGS="${tags// /,}" exec gunicorn --workers 2 --threads 8 --worker-class gthread \
    --bind "127.0.0.1:$peer_port" --log-level warning server_peer:app) > "$dir/peer.log" 2>&1 &
fi
peer_pid=$!
pids+=("$peer_pid")

wait_for() { # port pid
  for _ in $(seq 1 240); do
    kill -0 "$2" 2>/dev/null || { echo "server on port $1 exited"; cat "$dir"/*.log; exit 1; }
    curl -sf -o /dev/null "http://127.0.0.1:$1/healthcheck" && return 0
    sleep 0.5
  done
  echo "server on port $1 did not start"; cat "$dir"/*.log; exit 1
}
wait_for "$ours_port" "$ours_pid"
wait_for "$peer_port" "$peer_pid"

# Check both answer 200 with the same column set before measuring.
route="gordo/v0/bench/bench-model/anomaly/prediction"
for port in "$ours_port" "$peer_port"; do
  curl -sf -H 'Content-Type: application/json' --data-binary "@$BODY_FILE" "http://127.0.0.1:$port/$route" \
    > "$dir/reply-$port.json" || { echo "POST to port $port failed"; cat "$dir"/*.log; exit 1; }
done
/usr/bin/python3 - "$dir/reply-$ours_port.json" "$dir/reply-$peer_port.json" <<'PY'
import json, sys
ours, peer = (json.load(open(p))["data"] for p in sys.argv[1:3])
assert sorted(ours) == sorted(peer), (sorted(ours), sorted(peer))
assert all(len(ours[k]) == len(peer[k]) for k in ours if k not in ("start", "end"))
print(f"replies agree in shape: {len(ours)} top-level columns, "
      f"{len(next(iter(ours['model-output'].values())))} rows")
PY

cpu_ticks() { # pid: user+system clock ticks of the process and its children (gunicorn workers)
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$p/stat" ] && total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat") ))
  done
  echo "$total"
}

measure() { # name port connections pid ours|peer
  local threads=$(( $3 < 2 ? 1 : 2 ))
  local out before after
  before="$(cpu_ticks "$4")"
  out="$(wrk -t "$threads" -c "$3" -d "${seconds}s" --timeout 10s --latency -s bench/server/post.lua "http://127.0.0.1:$2/$route")"
  after="$(cpu_ticks "$4")"
  local rps p50 p99 bad requests cpu
  rps="$(awk '/^Requests\/sec/ {print $2}' <<< "$out")"
  requests="$(awk '/requests in/ {print $1}' <<< "$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<< "$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<< "$out")"
  bad="$(grep -o 'non2xx=[0-9]* errors=[0-9]*' <<< "$out")"
  # CPU milliseconds the server spent per request: independent of what else loads the machine.
  cpu="$(awk -v t=$(( after - before )) -v n="$requests" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (n > 0) printf "%.2f", t * 1000 / hz / n; else print "-" }')"
  printf '| %s | %d | %s | %s | %s | %s | %s |\n' "$1" "$3" "$rps" "$p50" "$p99" "$cpu" "$bad"
  # The figure for bench/run.fsx's table (see bench/BenchLine.fs); $5 is ours or peer.
  local text="$1"
  [ "$5" = ours ] && text="server over HTTP: POST anomaly/prediction (100 x 10), connections: $3"
  [ "${requests:-0}" -gt 0 ] || return 0  # nothing answered in time: no figure
  printf '##bench\t%s\tserver-%d\t%s\t%s\treq/s\tp50 %s, p99 %s, server CPU %s ms/request\n' \
    "$5" "$3" "$text" "$rps" "$p50" "$p99" "$cpu"
}

# Warm-up of ours until the JIT has settled (tiered compilation and PGO recompile the hot path
# in the background for several seconds, much longer on a loaded machine: measured before it
# settles, the CPU per request counts the compiler too).
wrk -t 2 -c 8 -d "${GORDO_BENCH_WARMUP:-20}s" -s bench/server/post.lua "http://127.0.0.1:$ours_port/$route" > /dev/null
[ -z "$vs" ] || wrk -t 2 -c 8 -d "${GORDO_BENCH_WARMUP:-20}s" -s bench/server/post.lua "http://127.0.0.1:$peer_port/$route" > /dev/null

echo
echo "| server | connections | requests/s | p50 | p99 | server CPU ms/request | failures |"
echo "|---|---|---|---|---|---|---|"
for c in 1 8 64; do
  # A short warm-up at this connection count (pools), then the measurement.
  wrk -t 1 -c "$c" -d 2s -s bench/server/post.lua "http://127.0.0.1:$ours_port/$route" > /dev/null
  measure "gordo-dotnet" "$ours_port" "$c" "$ours_pid" ours
  [ -z "$vs" ] || wrk -t 1 -c "$c" -d 2s -s bench/server/post.lua "http://127.0.0.1:$peer_port/$route" > /dev/null
  measure "$peer_name" "$peer_port" "$c" "$peer_pid" peer
done
# Events and quality flags against plain anomaly/prediction (issue 21), same server, same run.
variants=("prediction" "prediction?quality=true" "events")
for v in "${variants[@]}"; do
  port="$ours_port"; path="$v"
  curl -sf -H 'Content-Type: application/json' --data-binary "@$BODY_FILE" \
    "http://127.0.0.1:$port/gordo/v0/bench/bench-model/anomaly/$path" > /dev/null \
    || { echo "POST anomaly/$path failed"; cat "$dir"/*.log; exit 1; }
done
for path in "prediction?quality=true" events; do
  wrk -t 1 -c 1 -d 5s -s bench/server/post.lua "http://127.0.0.1:$ours_port/gordo/v0/bench/bench-model/anomaly/$path" > /dev/null
done
round_seconds="${GORDO_BENCH_ROUND_SECONDS:-3}"
round_count="${GORDO_BENCH_ROUNDS:-15}"
server_time() { # route (prediction|events) -> "seconds requests" so far, 200s only
  curl -sf "http://127.0.0.1:$ours_port/metrics" | awk -v r="/anomaly/$1\"" '
    /^gordo_server_request_duration_seconds_(sum|count)\{/ && index($0, r) && index($0, "status_code=\"200\"") {
      if ($0 ~ /_sum\{/) s += $NF; else c += $NF }
    END { printf "%.9f %d\n", s, c }'
}
route_round() { # variant -> "cpu_ms p50_ms rps user_ms server_ms"
  local port="$ours_port" path="$1" pid="$ours_pid" out before after user_before user_after requests
  local timed_before timed_after
  timed_before="$(server_time "${path%%\?*}")"
  user_before="$(awk '{print $14}' "/proc/$pid/stat")"; before="$(cpu_ticks "$pid")"
  out="$(wrk -t 1 -c 1 -d "${round_seconds}s" --timeout 10s --latency -s bench/server/post.lua \
    "http://127.0.0.1:$port/gordo/v0/bench/bench-model/anomaly/$path")"
  after="$(cpu_ticks "$pid")"; user_after="$(awk '{print $14}' "/proc/$pid/stat")"
  timed_after="$(server_time "${path%%\?*}")"
  requests="$(awk '/requests in/ {print $1}' <<< "$out")"
  grep -q 'non2xx=0 errors=0' <<< "$out" || { echo "anomaly/$path failed under load: $out"; exit 1; }
  awk -v t=$(( after - before )) -v u=$(( user_after - user_before )) -v n="$requests" -v hz="$(getconf CLK_TCK)" \
    -v p50="$(awk '$1 == "50%" {print $2}' <<< "$out")" -v rps="$(awk '/^Requests\/sec/ {print $2}' <<< "$out")" \
    -v timed="$timed_before $timed_after" \
    'BEGIN { ms = p50 + 0; if (p50 ~ /us$/) ms /= 1000; else if (p50 ~ /s$/ && p50 !~ /ms$/) ms *= 1000;
             split(timed, d, " "); served = d[4] - d[2];
             printf "%.3f %.3f %s %.3f %.3f\n", t * 1000 / hz / n, ms, rps, u * 1000 / hz / n,
               (served > 0 ? (d[3] - d[1]) * 1000 / served : 0) }'
}
# Short rounds, each measuring the three routes back to back in a rotating order: this machine's
# speed drifts by 10-20 % over tens of seconds, so a route is compared with plain prediction of
# its own round (the median of those paired ratios), not only median against median.
declare -A rounds
for r in $(seq "$round_count"); do
  for k in 0 1 2; do
    v="${variants[$(( (r + k) % 3 ))]}"
    rounds["$v"]+="$(route_round "$v");"
  done
done
median() { tr ';' '\n' | awk -v f="$1" 'NF { print $f }' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
paired() { # field route-rounds plain-rounds -> median of the per-round ratios, as "+x.x %"
  paste -d' ' <(tr ';' '\n' <<< "$2" | awk 'NF') <(tr ';' '\n' <<< "$3" | awk 'NF') \
    | awk -v f="$1" '{ print $f / $(f + NF / 2) }' | sort -g \
    | awk '{ a[NR] = $1 } END { printf "%+.1f %%", (a[int((NR + 1) / 2)] - 1) * 100 }'
}
echo
for v in "${variants[@]}"; do echo "rounds of $v (CPU ms, p50 ms, req/s, user CPU ms, server-side ms): ${rounds[$v]}"; done
echo
echo "| anomaly route (1 connection, $round_count rounds of ${round_seconds} s) | server CPU ms/request (median) | p50 ms (median) | requests/s | CPU vs plain, paired (medians) | p50 vs plain, paired (medians) | user-mode CPU vs plain, paired | server-side request time (mean) vs plain, paired |"
echo "|---|---|---|---|---|---|---|---|"
plain_cpu="$(median 1 <<< "${rounds[prediction]}")"
plain_p50="$(median 2 <<< "${rounds[prediction]}")"
for v in "${variants[@]}"; do
  cpu="$(median 1 <<< "${rounds[$v]}")"; p50="$(median 2 <<< "${rounds[$v]}")"; rps="$(median 3 <<< "${rounds[$v]}")"
  overhead="$(awk -v a="$cpu" -v b="$plain_cpu" 'BEGIN { printf "%+.1f %%", (a / b - 1) * 100 }')"
  p50_overhead="$(awk -v a="$p50" -v b="$plain_p50" 'BEGIN { printf "%+.1f %%", (a / b - 1) * 100 }')"
  cpu_paired="$(paired 1 "${rounds[$v]}" "${rounds[prediction]}")"
  p50_paired="$(paired 2 "${rounds[$v]}" "${rounds[prediction]}")"
  user_paired="$(paired 4 "${rounds[$v]}" "${rounds[prediction]}")"
  server_ms="$(median 5 <<< "${rounds[$v]}")"; server_paired="$(paired 5 "${rounds[$v]}" "${rounds[prediction]}")"
  printf '| %s | %s | %s | %s | %s (%s) | %s (%s) | %s | %s ms, %s |\n' "$v" "$cpu" "$p50" "$rps" "$cpu_paired" "$overhead" "$p50_paired" "$p50_overhead" "$user_paired" "$server_ms" "$server_paired"
  [ "$v" = prediction ] && continue
  key="server-route-${v//[^a-z]/-}"
  what="anomaly/$v vs plain anomaly/prediction, same server and run"
  printf '##bench\tours\t%s\tserver over HTTP: %s (100 x 10, 1 connection, server CPU per request; %s rounds of %s s, paired)\t%s\ts\t%s CPU, p50 %s ms (%s); medians against medians: %s CPU, %s p50; user-mode CPU alone %s paired; server-side request time %s ms (%s paired)\n' \
    "$key" "$what" "$round_count" "$round_seconds" "$(awk -v c="$cpu" 'BEGIN { print c / 1000 }')" "$cpu_paired" "$p50" "$p50_paired" "$overhead" "$p50_overhead" "$user_paired" "$server_ms" "$server_paired"
  printf '##bench\tpeer\t%s\tplain anomaly/prediction\t%s\ts\tp50 %s ms\n' \
    "$key" "$(awk -v c="$plain_cpu" 'BEGIN { print c / 1000 }')" "$plain_p50"
done

echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
echo "reply size: ours $(stat -c %s "$dir/reply-$ours_port.json") bytes, peer $(stat -c %s "$dir/reply-$peer_port.json") bytes"
