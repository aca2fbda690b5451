#!/usr/bin/env bash
# Scale on paper, backed by a simulation (issue 17): `gordo workflow generate` for MACHINES
# machines (default 10,000; 10 tags each, RandomDataProvider, a week of 10-minute rows, Gordo's
# default full_build evaluation, a MinMaxScaler + feedforward_hourglass autoencoder), then SAMPLE
# (default 50) of the generated model-builder steps, evenly spread, run one after the other as
# their pods would: the step's `gordo build` command with the step's environment (MACHINE,
# OUTPUT_DIR, ...; /gordo and /tmp mapped into a temp dir). Prints the generator's wall time,
# peak RSS and output size, the workflows and builder pods it describes with their requests, and
# per builder step the wall time and peak RSS (median, p90, max). Needs python3-yaml and a
# Release build of src/Gordo.Cli.
#   bench/deploy/run.sh [MACHINES=10000] [SAMPLE=50]
set -euo pipefail
cd "$(dirname "$0")/../.."
machines="${1:-10000}"
sample="${2:-50}"
gordo=(dotnet exec "$PWD/src/Gordo.Cli/bin/Release/net10.0/gordo.dll")
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

python3 - "$machines" > "$work/config.yaml" <<'PY'
import sys
n = int(sys.argv[1])
print("machines:")
for m in range(n):
    print(f"  - name: m-{m:05d}")
    print(f"    dataset: {{tags: [{', '.join(f'M{m:05d}-T{k}' for k in range(10))}]}}")
print("""globals:
  dataset:
    data_provider: {type: RandomDataProvider}
    train_start_date: 2020-01-01T00:00:00+00:00
    train_end_date: 2020-01-08T00:00:00+00:00
    resolution: 10T
  model:
    gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
      base_estimator:
        sklearn.pipeline.Pipeline:
          steps:
            - sklearn.preprocessing.MinMaxScaler
            - gordo.machine.model.models.KerasAutoEncoder: {kind: feedforward_hourglass, epochs: 10}""")
PY

/usr/bin/time -f "%e %M" -o "$work/generate.time" "${gordo[@]}" workflow generate \
  --machine-config "$work/config.yaml" --project-name scale --project-revision 1700000000000 \
  --output-file "$work/workflow.yaml" > /dev/null
read -r gen_wall gen_rss < "$work/generate.time"

python3 - "$work" "$sample" "$gen_wall" "$gen_rss" "${gordo[@]}" <<'PY'
import json, os, re, statistics, subprocess, sys, yaml
work, sample, gen_wall, gen_rss, gordo = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
docs = [d for d in yaml.safe_load_all(open(f"{work}/workflow.yaml")) if d]
steps = []
for wf in docs:
    templates = {t["name"]: t for t in wf["spec"]["templates"]}
    builder = templates["model-builder"]
    for task in templates["do-all"]["dag"]["tasks"]:
        if task["template"] == "model-builder":
            params = {p["name"]: p["value"] for p in task["arguments"]["parameters"]}
            steps.append((builder, params))
size = os.path.getsize(f"{work}/workflow.yaml")
req = steps[0][1]
print(f"workflow generate: {len(steps)} machines in {len(docs)} workflows, {gen_wall:.1f} s, peak RSS {gen_rss / 1024:.0f} MB, {size / 1e6:.1f} MB of YAML")
print(f"builder pods: {len(steps)}, each requests {req['requests-memory']} memory and {req['requests-cpu']} cpu (limits {req['limits-memory']}, {req['limits-cpu']}): Gordo's defaults")
chosen = [steps[round(i * (len(steps) - 1) / max(1, sample - 1))] for i in range(min(sample, len(steps)))]
walls, rss = [], []
os.makedirs(f"{work}/tmp", exist_ok=True)
for builder, params in chosen:
    c = builder["container"]
    env = dict(os.environ)
    for e in c["env"]:
        if "value" not in e:
            continue
        v = re.sub(r"\{\{inputs\.parameters\.([\w.-]+)\}\}", lambda m: params[m.group(1)], str(e["value"]))
        if v.startswith(("/gordo", "/tmp")):
            v = work + v
        if e["name"] == "MACHINE":
            # No PostgreSQL service here: drop the reporter the workflow adds (as the coherence test does).
            machine = json.loads(v)
            runtime = json.loads(machine["runtime"])
            runtime["reporters"] = [r for r in runtime.get("reporters", []) if "PostgresReporter" not in json.dumps(r)]
            machine["runtime"] = json.dumps(runtime)
            v = json.dumps(machine)
        env[e["name"]] = v
    cmd = ["/usr/bin/time", "-f", "%e %M", "-o", f"{work}/step.time"] + gordo + c["command"][1:]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"builder step of {params['machine-name']} failed ({r.returncode}): {r.stderr[-2000:]}")
    w, m = open(f"{work}/step.time").read().split()
    walls.append(float(w)); rss.append(int(m) / 1024)
def p90(xs): return sorted(xs)[int(0.9 * (len(xs) - 1))]
print(f"builder steps run: {len(chosen)}; wall s median {statistics.median(walls):.2f}, p90 {p90(walls):.2f}, max {max(walls):.2f}; "
      f"peak RSS MB median {statistics.median(rss):.0f}, p90 {p90(rss):.0f}, max {max(rss):.0f}")
print(f"extrapolated: {len(steps)} builder steps x {statistics.median(walls):.2f} s = {len(steps) * statistics.median(walls) / 3600:.1f} pod-hours")
print(f"##bench\tours\tdeploy-generate\tworkflow generate, {len(steps)} machines (bench/deploy)\t{gen_wall}\ts\tpeak RSS {gen_rss / 1024:.0f} MB, {len(docs)} Workflows, {size / 1e6:.1f} MB of YAML")
print(f"##bench\tours\tdeploy-builder\tbuilder step of a small machine as its pod runs it, median of {len(chosen)}\t{statistics.median(walls)}\ts\tp90 {p90(walls):.2f} s, peak RSS median {statistics.median(rss):.0f} MB; {len(steps)} steps = {len(steps) * statistics.median(walls) / 3600:.1f} pod-hours")
PY
uptime
