#!/usr/bin/env bash
# Two builds of `gordo` side by side, whole processes, interleaved (A B A B ...): the
# before/after check of a change against the "no figure more than 5 % worse" rule. Covers the
# stages end to end: config compiler (validate), workflow compiler, data (sample data and a
# dataset fetch), models + builder (local-build of PCA and Dense networks on a year of data),
# offline scoring, and the server (bench/server/run.sh with GORDO_BENCH_VS).
# Usage: bench/compare/run.sh OLD_GORDO NEW_GORDO [runs, default 5]
# Prints per step the median wall and CPU seconds and peak RSS of each, and new/old ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
old="$(realpath "$1")"; new="$(realpath "$2")"; runs="${3:-5}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

python3 bench/compare/configs.py "$dir"
"$new" data generate --output "$dir/data" --days 90 > /dev/null

steps=(
  "validate|validate $dir/validate.yaml"
  "workflow|workflow generate --machine-config $dir/validate.yaml --project-name bench --project-revision 1700000000000 --output-file $dir/OUT.yaml"
  "data|data generate --output $dir/OUT --days 120"
  "dataset|dataset $dir/build.yaml --machine pca-year"
  "local-build|local-build $dir/build.yaml --output $dir/OUT"
  "anomaly|anomaly $dir/MODELS/dense-year --data $dir/data/data.parquet --output $dir/OUT.parquet"
)

# A model set for the scoring step, built once by the new build (artifacts are compatible).
"$new" local-build "$dir/build.yaml" --output "$dir/MODELS" > /dev/null

measure() { # label gordo args...
  local label="$1" gordo="$2"; shift 2
  local out="$dir/run-$label"
  rm -rf "$out" "$out.yaml" "$out.parquet"
  local args=("${@//OUT/run-$label}")
  /usr/bin/time -f "%e %U %S %M" -o "$dir/time" "$gordo" "${args[@]}" > /dev/null 2>&1 || true
  cat "$dir/time"
}

echo "| step | old wall s | new wall s | new/old wall | old CPU s | new CPU s | new/old CPU | old peak MB | new peak MB |"
echo "|---|---|---|---|---|---|---|---|---|"
for step in "${steps[@]}"; do
  name="${step%%|*}"; read -r -a args <<< "${step#*|}"
  : > "$dir/old.txt"; : > "$dir/new.txt"
  measure old "$old" "${args[@]}" > /dev/null; measure new "$new" "${args[@]}" > /dev/null  # warm-up
  for _ in $(seq "$runs"); do
    measure old "$old" "${args[@]}" >> "$dir/old.txt"
    measure new "$new" "${args[@]}" >> "$dir/new.txt"
  done
  python3 bench/compare/summary.py "$name" "$dir/old.txt" "$dir/new.txt"
done
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $runs interleaved pairs per step"
echo "server: GORDO_BENCH_GORDO=$new GORDO_BENCH_VS=$old bench/server/run.sh 5"
