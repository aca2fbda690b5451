#!/usr/bin/env bash
# gordo client end to end (issue 16): a month of 10-minute data for MACHINES machines of 10 tags
# in InfluxDB, built with local-build, served by run-server, predicted by gordo client into
# InfluxDB. Prints wall time, rows/s, the client's peak RSS, and the client's and the server's
# CPU seconds for the same requests. Needs the InfluxDB of .ci/setup.d/40-influxdb.sh
# (GORDO_TEST_INFLUX_URI).
#   bench/client/run.sh [MACHINES=30] [DAYS=29]
# DAYS: days predicted from 2020-02-01 (29: February 2020; 366: a year). NO_FORWARD=1: predict
# without forwarding (to split the cost, or for ranges too large for this machine's InfluxDB).
# BATCH_SIZE: rows per request (the client's default is 100000).
# MODEL: "pca" (default: a PCA + linear-regression DiffBasedAnomalyDetector without thresholds,
# so the client falls back to /prediction: cheap for the server) or "autoencoder" (the detector of
# Gordo's documentation: MinMaxScaler + KerasAutoEncoder feedforward_hourglass, cross-validated so
# that it has thresholds and the client gets the whole anomaly reply).
# The CLI is published as the image's Dockerfile publishes it (self-contained, composite ReadyToRun), and
# the client runs with the environment of the workflow's gordo-client step
# (GORDO_BENCH_CLIENT_ENV, default DOTNET_TieredCompilation=0; "" for the runtime's defaults).
# GORDO_BENCH_CLI: an already published or built `gordo` to use instead (server and client).
# Three client runs against one server: the range with a fresh server (its start-up and first
# requests counted), the same range again (a warm server: the server's cost of these requests
# alone), and the range's first hour (the client's fixed cost: start-up, metadata, connections).
set -euo pipefail
cd "$(dirname "$0")/../.."
machines="${1:-30}"
days="${2:-29}"
finish=$(date -u -d "2020-02-01 + $days days" +%Y-%m-%dT%H:%M:%S+00:00)
uri="${GORDO_TEST_INFLUX_URI:?start InfluxDB with .ci/setup.d/40-influxdb.sh first}"
creds="${uri%@*}"; hostport="${uri#*@}"; hostport="${hostport%%/*}"
cli="${GORDO_BENCH_CLI:-}"
if [ -z "$cli" ]; then
  # Not below the CLI's bin/: tests copy that folder as the TorchSharp-free CLI.
  cli=artifacts/bench-client-cli/gordo
  dotnet publish src/Gordo.Cli -c Release -r linux-x64 --self-contained -p:PublishReadyToRun=true \
    -o "$(dirname "$cli")" -nologo -v:q > /dev/null
fi
gordo=("$cli")
# (The default publish, reused through GORDO_BENCH_CLI by a second run, is named as such.)
form="composite ReadyToRun CLI"
[ -n "${GORDO_BENCH_CLI:-}" ] && [ "$(realpath "$cli")" != "$(realpath -m artifacts/bench-client-cli/gordo)" ] && form="CLI $cli"
read -r -a client_env <<< "${GORDO_BENCH_CLIENT_ENV-DOTNET_TieredCompilation=0}"
work="$(mktemp -d)"; trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

model="${MODEL:-pca}"
case "$model" in pca|autoencoder) ;; *) echo "MODEL must be pca or autoencoder, not '$model'" >&2; exit 2 ;; esac
python3 - "$machines" "$creds" "$hostport" "$work" "$days" "$model" <<'PY'
import base64, math, random, sys, urllib.parse, urllib.request
machines, creds, hostport, work, days, model = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
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
           f"    data_provider: {{type: InfluxDataProvider, measurement: sensors, uri: '{creds}@{hostport}/bench_src'}}"]
if model == "pca":
    config += ["  model:", "    gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:", "      base_estimator:",
               "        sklearn.pipeline.Pipeline:", "          steps:", "            - sklearn.preprocessing.MinMaxScaler",
               "            - sklearn.decomposition.PCA: {n_components: 3}", "            - sklearn.linear_model.LinearRegression",
               "  evaluation: {cv_mode: build_only}"]
else:
    config += ["  model:", "    gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:", "      base_estimator:",
               "        sklearn.pipeline.Pipeline:", "          steps:", "            - sklearn.preprocessing.MinMaxScaler",
               "            - gordo.machine.model.models.KerasAutoEncoder: {kind: feedforward_hourglass}"]
open(f"{work}/config.yaml", "w").write("\n".join(config) + "\n")
PY

"${gordo[@]}" local-build "$work/config.yaml" --output "$work/models/1" --project-name bench > /dev/null
port=18765
MODEL_COLLECTION_DIR="$work/models/1" "${gordo[@]}" run-server --host 127.0.0.1 --port $port --log-level error > "$work/server.log" 2>&1 &
server=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/gordo/v0/bench/models"; do sleep 0.5; done
cpu() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }   # utime + stime, seconds (CLK_TCK 100)
forward=(--influx-uri "$creds@$hostport/bench_feeder" --influx-recreate-db)
[ -n "${NO_FORWARD:-}" ] && forward=()
targets=(); for m in $(seq -f "%02g" 0 $((machines - 1))); do targets+=(--target "m-$m"); done
# client NAME FINISH: one client run; prints `NAME rows wall peak-rss-kB user sys server-cpu`.
client() {
  local before after start end rss user sys rows
  before=$(cpu $server); start=$(date +%s.%N)
  env "${client_env[@]}" /usr/bin/time -f "%M %U %S" -o "$work/time" "${gordo[@]}" client --project bench \
    --host 127.0.0.1 --port $port --scheme http ${BATCH_SIZE:+--batch-size "$BATCH_SIZE"} \
    --metadata version,1 predict 2020-02-01T00:00:00+00:00 "$2" "${targets[@]}" \
    "${forward[@]}" --log-level warning > "$work/client.log" 2>&1
  end=$(date +%s.%N); after=$(cpu $server)
  read -r rss user sys < "$work/time"
  rows=$(grep -o '[0-9]* rows' "$work/client.log" | awk '{s += $1} END {print s}')
  echo "$1 ${rows:-0} $(echo "$end - $start" | bc) $rss $user $sys $(echo "$after - $before" | bc)"
}
{ client fresh "$finish"; client warm "$finish"; client hour 2020-02-01T01:00:00+00:00; } > "$work/runs"
python3 - "$work/runs" <<PY
import sys
runs = {r[0]: [float(x) for x in r[1:]] for r in (l.split() for l in open(sys.argv[1]))}
def cpu(name): return runs[name][3] + runs[name][4], runs[name][5]
rows, wall, rss = runs["fresh"][:3]
client, server = cpu("fresh"); warm_client, warm_server = cpu("warm"); hour_client, hour_server = cpu("hour")
env = "${client_env[*]}" or "the runtime's defaults"
print(f"client: ${gordo[*]} with {env}")
print(f"machines $machines, rows {rows:.0f}, wall {wall:.1f} s, {rows / wall:.0f} rows/s")
print(f"fresh server: client peak RSS {rss / 1024:.0f} MB, client CPU {client:.2f} s, server CPU {server:.2f} s, client/server {client / max(server, 1e-9):.2f}")
print(f"warm server:  client peak RSS {runs['warm'][2] / 1024:.0f} MB, client CPU {warm_client:.2f} s, server CPU {warm_server:.2f} s, client/server {warm_client / max(warm_server, 1e-9):.2f}")
print(f"first hour:   client CPU {hour_client:.2f} s, server CPU {hour_server:.2f} s ({runs['hour'][0]:.0f} rows: the fixed cost)")
extra = max(rows - runs["hour"][0], 1)
row_client, row_server = (warm_client - hour_client) / extra * 1e6, (warm_server - hour_server) / extra * 1e6
print(f"per row above the first hour (warm server): client {row_client:.1f} us, server {row_server:.1f} us")
model = "PCA detector, /prediction" if "$model" == "pca" else "autoencoder detector, /anomaly/prediction"
what = f"gordo client predict, $machines machines x $days days of 10-minute rows (10 tags, {model})" + ("" if "${NO_FORWARD:-}" else ", into InfluxDB")
key = f"client-$machines-$days" + ("" if "$model" == "pca" else "-$model") + ("-noforward" if "${NO_FORWARD:-}" else "")
note = (f"client CPU, $form, {env}; per row above the first hour (warm server): client {row_client:.1f} us, server {row_server:.1f} us "
        f"(client/server {row_client / max(row_server, 1e-9):.2f}); fresh server: server CPU {server:.2f} s for the same requests (client/server {client / max(server, 1e-9):.2f}); "
        f"warm server: client {warm_client:.2f} s, server {warm_server:.2f} s ({warm_client / max(warm_server, 1e-9):.2f}); "
        f"first hour only: client {hour_client:.2f} s; client peak RSS {rss / 1024:.0f} MB, {rows / wall:.0f} rows/s")
print(f"##bench\tours\t{key}\t{what}\t{client:.2f}\ts\t{note}")
PY
uptime
