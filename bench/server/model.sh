# Sourced by bench/server/run.sh and soak.sh: `bench_model GORDO DIR` builds the benchmark model
# into DIR/models/1 and writes the request body DIR/body.json; sets `tags`.
bench_model() {
local gordo="$1" dir="$2"
# The model: 10 of the sample plant's 12 tags, one week of 10-minute data.
"$gordo" data generate --output "$dir/data" --days 8 > /dev/null
tags="PLANT-FT-011.PV PLANT-PT-011.PV PLANT-TT-011.PV PLANT-VT-011.PV PLANT-FT-021.PV PLANT-PT-021.PV PLANT-TT-021.PV PLANT-VT-021.PV PLANT-FT-031.PV PLANT-PT-031.PV"
{
  echo "machines:"
  echo "  - name: bench-model"
  echo "    dataset:"
  echo "      tags: [${tags// /, }]"
  echo "      train_start_date: 2020-01-01T00:00:00+00:00"
  echo "      train_end_date: 2020-01-08T00:00:00+00:00"
  echo "      resolution: 10T"
  echo "      data_provider: {type: FileDataProvider, path: $dir/data/data.parquet}"
  echo "    model:"
  echo "      gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:"
  echo "        base_estimator:"
  echo "          sklearn.pipeline.Pipeline:"
  echo "            steps:"
  echo "              - sklearn.preprocessing.MinMaxScaler"
  echo "              - gordo.machine.model.models.KerasAutoEncoder: {kind: feedforward_hourglass, epochs: 5}"
} > "$dir/config.yaml"
"$gordo" local-build "$dir/config.yaml" --output "$dir/models/1" > "$dir/build.log"

# The request body: 100 rows x 10 tags, {tag: {"2020-01-05 00:00:00+00:00": value}} for X and y.
/usr/bin/python3 - "$dir/body.json" $tags <<'PY'
import json, math, sys
tags = sys.argv[2:]
rows = [f"2020-01-05 {h:02d}:{m:02d}:00+00:00" for h in range(24) for m in range(0, 60, 10)][:100]
frame = {t: {r: 50 + 10 * math.sin(i / 7 + j) + (i % 5) for i, r in enumerate(rows)} for j, t in enumerate(tags)}
json.dump({"X": frame, "y": frame}, open(sys.argv[1], "w"))
PY
}
