#!/bin/sh
# Validation time against the number of keys in one mapping (issue 20: linear, 100,000 keys <= 1 s):
# writes configs whose machine metadata holds N keys and times `gordo validate` on each with
# farm-bench (whole process, median of 5; the 1-key config is the start-up baseline).
#   bench/keys/run.sh [N ...]        (default 1 10000 40000 100000; needs a Release build of the CLI)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
gordo="$root/src/Gordo.Cli/bin/Release/net10.0/gordo.dll"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in ${@:-1 10000 40000 100000}; do
    file="$work/keys-$n.yaml"
    {
        printf 'machines:\n  - name: m\n    dataset:\n      tags: [A, B]\n'
        printf '      train_start_date: 2020-01-01T00:00:00+00:00\n      train_end_date: 2020-02-01T00:00:00+00:00\n'
        printf '      data_provider: {type: RandomDataProvider}\n    model: sklearn.decomposition.PCA\n    metadata:\n'
        seq 0 $((n - 1)) | awk '{ printf "      key-%d: %d\n", $1, $1 }'
    } >"$file"
    echo "== $n keys ($(wc -c <"$file") bytes)"
    farm-bench -n 5 --timeout 300 -- dotnet exec "$gordo" validate "$file" | tail -6
done
