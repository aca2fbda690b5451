"""Inputs of bench/compare/run.sh: validate.yaml (5,000 machines, as bench/workflow/run.sh
generates them) and build.yaml (two sample-plant machines over 120 days of 10-minute data: a
MinMaxScaler + PCA pipeline and a Dense hourglass autoencoder, both anomaly detectors)."""
import os
import sys

out = sys.argv[1]
n = 5000
with open(os.path.join(out, "validate.yaml"), "w") as f:
    w = f.write
    w("machines:\n")
    for i in range(n):
        w(f"  - name: machine-{i:05d}\n    dataset:\n")
        w(f"      tags: [TAG-{i}-A, TAG-{i}-B, TAG-{i}-C]\n")
    w("globals:\n  dataset:\n    data_provider: {type: RandomDataProvider}\n")
    w("    train_start_date: 2020-01-01T00:00:00+00:00\n")
    w("    train_end_date: 2020-02-01T00:00:00+00:00\n    resolution: 10T\n")
    w("  model:\n    gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:\n")
    w("      base_estimator:\n        sklearn.pipeline.Pipeline:\n")
    w("          steps: [sklearn.preprocessing.MinMaxScaler, sklearn.decomposition.PCA]\n")

tags = [f"PLANT-{k}-0{u}1.PV" for u in (1, 2, 3) for k in ("FT", "PT", "TT", "VT")]
build = f"""machines:
  - name: pca-year
    dataset:
      tags: [{", ".join(tags)}]
    model:
      gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
        base_estimator:
          sklearn.pipeline.Pipeline:
            steps: [sklearn.preprocessing.MinMaxScaler, sklearn.decomposition.PCA]
  - name: dense-year
    dataset:
      tags: [{", ".join(tags)}]
    model:
      gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
        base_estimator:
          sklearn.pipeline.Pipeline:
            steps:
              - sklearn.preprocessing.MinMaxScaler
              - gordo.machine.model.models.KerasAutoEncoder:
                  kind: feedforward_hourglass
                  epochs: 3
                  batch_size: 64
globals:
  dataset:
    train_start_date: 2020-01-01T00:00:00+00:00
    train_end_date: 2020-04-30T00:00:00+00:00
    resolution: 10T
    data_provider: {{type: SamplePlantDataProvider, seed: 42}}
"""
with open(os.path.join(out, "build.yaml"), "w") as f:
    f.write(build)
