"""Reference numbers for Gordo.Models' FeatureAgglomeration (tests/Gordo.Tests/Models/AgglomerationTests.fs).

Run with Debian's python3-sklearn (the committed agglomeration.json was written by scikit-learn
1.2.1, scipy 1.10.1, numpy 1.24.2):
    /usr/bin/python3 tests/reference/models/agglomeration.py
Writes agglomeration.json: X (60 rows, 12 columns in four correlated groups of different
spread, plus noise), and per case the parameters, scikit-learn's `labels_`, `children_`, the
transform of X and the inverse transform of that.
"""
import json
import os

import numpy as np
import scipy
import sklearn
from sklearn.cluster import FeatureAgglomeration

HERE = os.path.dirname(os.path.abspath(__file__))

rng = np.random.RandomState(3)
n = 60
base = rng.normal(size=(n, 4))
columns = []
for j in range(12):
    group = j % 4
    columns.append(base[:, group] * (1 + 0.3 * j) + rng.normal(scale=0.2 + 0.15 * group, size=n) + j)
X = np.column_stack(columns)

cases = []
for linkage in ["ward", "complete", "average", "single"]:
    for k in [1, 2, 3, 5, 12]:
        cases.append({"linkage": linkage, "n_clusters": k})
    cases.append({"linkage": linkage, "n_clusters": None, "distance_threshold": 40.0})

out = []
for params in cases:
    model = FeatureAgglomeration(**params).fit(X)
    z = model.transform(X)
    out.append({"params": params, "labels": model.labels_.tolist(), "children": model.children_.tolist(),
                "transform": z.tolist(), "inverse": model.inverse_transform(z).tolist()})

with open(os.path.join(HERE, "agglomeration.json"), "w") as f:
    json.dump({"generator": f"scikit-learn {sklearn.__version__}, scipy {scipy.__version__}, numpy {np.__version__}",
               "X": X.tolist(), "cases": out}, f)
