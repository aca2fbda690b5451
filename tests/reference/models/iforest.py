"""Reference flags for the `filter_periods: iforest` nuisance filter (tests/Gordo.Tests/Data/IforestFilterTests.fs).

Run with Debian's python3-sklearn (the committed iforest.json was written by scikit-learn 1.2.1,
pandas 1.5.3):
    /usr/bin/python3 tests/reference/models/iforest.py
Inputs: sample-plant-<machine>.csv, two weeks of 10-minute rows of the sample plant
(`gordo data generate --output D --days 14`, then `gordo dataset D/gordo-config.yaml --machine M
--output M.csv`, values rounded to 5 decimals), and sample-plant-faults.csv (the injected fault
periods of those machines, from events.csv). Writes iforest.json: per machine and smoothing, the
rows gordo-core's FilterPeriods flags (its IsolationForest: 300 trees, max_samples min(1000, n),
contamination 0.03, max_features 1.0, no bootstrap, random_state 42; smoothing ewm(halflife=6))
and the rows inside an injected fault; and scikit-learn's own seed-to-seed spread (seeds 0-9
against 42: the smallest overlap of flagged rows, and the fault rows each flags).
"""
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import IsolationForest

HERE = os.path.dirname(os.path.abspath(__file__))
faults = pd.read_csv(os.path.join(HERE, "sample-plant-faults.csv"), header=None,
                     names=["machine", "tag", "kind", "start", "end"])

def flags(x, seed):
    model = IsolationForest(n_estimators=300, max_samples=min(1000, x.shape[0]), contamination=0.03,
                            max_features=1.0, bootstrap=False, n_jobs=-1, random_state=seed).fit(x)
    return np.flatnonzero(model.predict(x) == -1)


out = {"generator": f"scikit-learn {sklearn.__version__}, pandas {pd.__version__}", "machines": []}
for machine in ["pump-1", "compressor-1"]:
    data = pd.read_csv(os.path.join(HERE, f"sample-plant-{machine}.csv"), index_col=0, parse_dates=True)
    index = data.index
    in_fault = np.zeros(len(data), dtype=bool)
    for _, f in faults[faults.machine == machine].iterrows():
        in_fault |= (index >= pd.Timestamp(f.start)) & (index <= pd.Timestamp(f.end))
    for smooth in [False, True]:
        x = data.ewm(halflife=6).mean() if smooth else data
        flagged = flags(x.values, 42)
        # scikit-learn's own spread: the flags of ten other seeds against seed 42's.
        others = [flags(x.values, seed) for seed in range(10)]
        out["machines"].append({"machine": machine, "smooth": smooth, "flagged": flagged.tolist(),
                                "fault_rows": np.flatnonzero(in_fault).tolist(),
                                "flagged_in_fault": int(in_fault[flagged].sum()),
                                "seed_overlap_min": min(len(np.intersect1d(o, flagged)) / len(flagged) for o in others),
                                "seed_in_fault": [int(in_fault[o].sum()) for o in others]})

with open(os.path.join(HERE, "iforest.json"), "w") as f:
    json.dump(out, f)
