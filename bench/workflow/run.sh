#!/usr/bin/env bash
# Benchmark of `gordo workflow generate` (issue 7): a 10,000-machine config, generated and
# validated against the embedded schemas. Prints wall time, CPU time and peak memory (GNU time)
# and, from GORDO_WORKFLOW_TIMINGS=1, each stage's wall and CPU time (front end = the config
# compiler's parse+normalize+check; contexts, render+validate and write = the workflow back end).
# Usage: bench/workflow/run.sh [machines]   (target: <= 10 s and <= 2 GB for 10,000)
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-10000}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
python3 - "$n" > "$dir/config.yaml" <<'PY'
import sys
n = int(sys.argv[1])
print("machines:")
for i in range(n):
    print(f"  - name: machine-{i:05d}")
    print("    dataset:")
    print(f"      tags: [TAG-{i}-A, TAG-{i}-B, TAG-{i}-C]")
print("globals:")
print("  dataset:")
print("    data_provider: {type: RandomDataProvider}")
print("    train_start_date: 2020-01-01T00:00:00+00:00")
print("    train_end_date: 2020-02-01T00:00:00+00:00")
print("    resolution: 10T")
print("  model:")
print("    gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:")
print("      base_estimator:")
print("        sklearn.pipeline.Pipeline:")
print("          steps: [sklearn.preprocessing.MinMaxScaler, sklearn.decomposition.PCA]")
PY
# GORDO_BENCH_GORDO: an already built `gordo` to use instead of building src/Gordo.Cli.
gordo="${GORDO_BENCH_GORDO:-src/Gordo.Cli/bin/Release/net10.0/gordo}"
[ -n "${GORDO_BENCH_GORDO:-}" ] || dotnet build src/Gordo.Cli -c Release -nologo -v:q > /dev/null
GORDO_WORKFLOW_TIMINGS=1 /usr/bin/time -o "$dir/time" -f "machines=$n wall=%es cpu=%Us+%Ss peak_rss=%MKB exit=%x" \
  "$gordo" workflow generate --machine-config "$dir/config.yaml" --project-name bench \
  --project-revision 1700000000000 --output-file "$dir/workflows.yaml"
cat "$dir/time"
echo "output: $(wc -c < "$dir/workflows.yaml") bytes, $(grep -c '^kind: Workflow' "$dir/workflows.yaml") workflows, sha256 $(sha256sum < "$dir/workflows.yaml" | cut -c1-16)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores shared)"
# The figures for bench/run.fsx's table (see bench/BenchLine.fs).
read -r wall cpu rss < <(sed -E 's/.*wall=([0-9.]+)s cpu=([0-9.]+)s\+([0-9.]+)s peak_rss=([0-9]+)KB.*/\1 \2+\3 \4/' "$dir/time" \
  | awk '{split($2, c, "+"); print $1, c[1] + c[2], $3}')
printf '##bench\tours\tworkflow\tgordo workflow generate, %d machines (schemas checked)\t%s\ts\tCPU %s s, peak %d MB\n' \
  "$n" "$wall" "$cpu" "$((rss / 1024))"
