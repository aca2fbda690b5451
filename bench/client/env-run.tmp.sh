#!/usr/bin/env bash
# gordo client end to end (issue 16): a month of 10-minute data for MACHINES machines of 10 tags
# in InfluxDB, built with local-build, served by run-server, predicted by gordo client into
# InfluxDB. Prints wall time, rows/s, the client's peak RSS, and the client's and the server's
# CPU seconds for the same requests. Needs the InfluxDB of .ci/setup.d/40-influxdb.sh
# (GORDO_TEST_INFLUX_URI) and a Release build of src/Gordo.Cli.
#   bench/client/run.sh [MACHINES=30] [DAYS=29]
# DAYS: days predicted from 2020-02-01 (29: February 2020; 366: a year). NO_FORWARD=1: predict
# without forwarding (to split the cost, or for ranges too large for this machine's InfluxDB).
# BATCH_SIZE: rows per request (the client's default is 100000).
set -euo pipefail
cd "$(dirname "$0")/../.."
machines="${1:-30}"
days="${2:-29}"
finish=$(date -u -d "2020-02-01 + $days days" +%Y-%m-%dT%H:%M:%S+00:00)
uri="${GORDO_TEST_INFLUX_URI:?start InfluxDB with .ci/setup.d/40-influxdb.sh first}"
creds="${uri%@*}"; hostport="${uri#*@}"; hostport="${hostport%%/*}"
gordo=(dotnet exec src/Gordo.Cli/bin/Release/net10.0/gordo.dll)
work="$(mktemp -d)"; trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

python3 - "$machines" "$creds" "$hostport" "$work" "$days" <<'PY'
import base64, math, random, sys, urllib.parse, urllib.request
machines, creds, hostport, work, days = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
auth = {"Authorization": "Basic " + base64.b64encode(creds.encode()).decode()}
def post(path, body=b""):
    urllib.request.urlopen(urllib.request.Request(f"http://{hostport}{path}", data=body, method="POST", headers=auth)).read()
post("/query?q=" + urllib.parse.quote("DROP DATABASE bench_src"))
post("/query?q=" + urllib.parse.quote("CREATE DATABASE bench_src"))
t0, steps = 1577836800, (31 + days) * 144     # January to train, then the days to predict
random.seed(0)
config = ["machines:"]
for m in range(machines):
    tags = [f"M{m:02d}-TAG-{k}" for k in range(10)]
    lines = []
    for i in range(steps):
        for k, tag in enumerate(tags):
            lines.append(f"sensors,tag={tag} Value={math.sin(i / 30 + k) + 0.1 * random.random()} {t0 + 600 * i}")
    for a in range(0, len(lines), 50000):
        post("/write?db=bench_src&precision=s", "\n".join(lines[a:a + 50000]).encode())
    config += [f"  - name: m-{m:02d}", "    dataset:", f"      tags: [{', '.join(tags)}]"]
config += ["globals:", "  dataset:", "    train_start_date: 2020-01-01T00:00:00+00:00",
           "    train_end_date: 2020-02-01T00:00:00+00:00",
           f"    data_provider: {{type: InfluxDataProvider, measurement: sensors, uri: '{creds}@{hostport}/bench_src'}}",
           "  model:", "    gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:", "      base_estimator:",
           "        sklearn.pipeline.Pipeline:", "          steps:", "            - sklearn.preprocessing.MinMaxScaler",
           "            - sklearn.decomposition.PCA: {n_components: 3}", "            - sklearn.linear_model.LinearRegression",
           "  evaluation: {cv_mode: build_only}"]
open(f"{work}/config.yaml", "w").write("\n".join(config) + "\n")
PY

"${gordo[@]}" local-build "$work/config.yaml" --output "$work/models/1" --project-name bench > /dev/null
port=18765
MODEL_COLLECTION_DIR="$work/models/1" "${gordo[@]}" run-server --host 127.0.0.1 --port $port --log-level error > "$work/server.log" 2>&1 &
server=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/gordo/v0/bench/models"; do sleep 0.5; done
cpu() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }   # utime + stime, seconds (CLK_TCK 100)
before=$(cpu $server)
forward=(--influx-uri "$creds@$hostport/bench_feeder" --influx-recreate-db)
[ -n "${NO_FORWARD:-}" ] && forward=()
targets=(); for m in $(seq -f "%02g" 0 $((machines - 1))); do targets+=(--target "m-$m"); done
start=$(date +%s.%N)
/usr/bin/time -f "%M %U %S" -o "$work/time" env $CLIENT_ENV "${gordo[@]}" client --project bench --host 127.0.0.1 --port $port --scheme http ${BATCH_SIZE:+--batch-size "$BATCH_SIZE"} \
  --metadata version,1 predict 2020-02-01T00:00:00+00:00 "$finish" "${targets[@]}" \
  "${forward[@]}" --log-level warning > "$work/client.log" 2>&1
end=$(date +%s.%N)
after=$(cpu $server)
read -r rss user sys < "$work/time"
rows=$(grep -o '[0-9]* rows' "$work/client.log" | awk '{s += $1} END {print s}')
python3 - <<PY
wall = $end - $start; client = $user + $sys; server = $after - $before; rows = ${rows:-0}
print(f"machines {$machines}, rows {rows}, wall {wall:.1f} s, {rows / wall:.0f} rows/s")
print(f"client peak RSS {$rss / 1024:.0f} MB, client CPU {client:.2f} s, server CPU {server:.2f} s, client/server {client / max(server, 1e-9):.2f}")
what = f"gordo client predict, {$machines} machines x {$days} days of 10-minute rows (10 tags)" + ("" if "${NO_FORWARD:-}" else ", into InfluxDB")
print(f"##bench\tours\tclient-{$machines}-{$days}{'-noforward' if '${NO_FORWARD:-}' else ''}\t{what}\t{client:.2f}\ts\tclient CPU; server CPU {server:.2f} s for the same requests (client/server {client / max(server, 1e-9):.2f}), client peak RSS {$rss / 1024:.0f} MB, {rows / wall:.0f} rows/s")
PY
uptime
