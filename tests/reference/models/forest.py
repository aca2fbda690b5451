"""Reference numbers for Gordo.Models' RandomForestRegressor (tests/Gordo.Tests/Models/ForestTests.fs).

Run with Debian's python3-sklearn (the committed forest.json was written by scikit-learn 1.2.1,
numpy 1.24.2):
    /usr/bin/python3 tests/reference/models/forest.py
Writes forest.json: a train/test split of a Friedman-#1-like problem (values rounded to float32,
as scikit-learn's trees compare float32 features), and per case the parameters, the targets
used ("single": y[:, :1], "multi": both columns) and scikit-learn's test-set R² averaged over
five random_state values (different seeds give the forest's spread; the .NET forest's draws are
not numpy's, so its R² is compared, not its trees). The "exact" case (no bootstrap, every
feature) grows deterministic trees (shallow, so no two features tie on a split), so its test
predictions are recorded too. The "oob" case records `oob_score_` (mean of five seeds) instead.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import r2_score

HERE = os.path.dirname(os.path.abspath(__file__))

rng = np.random.RandomState(7)
n, p = 900, 6
X = rng.uniform(size=(n, p))
y1 = 10 * np.sin(np.pi * X[:, 0] * X[:, 1]) + 20 * (X[:, 2] - 0.5) ** 2 + 10 * X[:, 3] + 5 * X[:, 4]
y2 = np.where(X[:, 5] > 0.4, 3.0, -2.0) * X[:, 0] + 4 * X[:, 1] * X[:, 2]
Y = np.column_stack([y1, y2]) + rng.normal(scale=1.0, size=(n, 2))
X = X.astype(np.float32).astype(np.float64)
Y = Y.astype(np.float32).astype(np.float64)
train, test = slice(0, 600), slice(600, n)

cases = [
    ("default", {}, "multi"),
    ("default-single", {}, "single"),
    ("sqrt", {"max_features": "sqrt"}, "single"),
    ("log2-depth", {"max_features": "log2", "max_depth": 5}, "multi"),
    ("int-features-leaf", {"max_features": 3, "min_samples_leaf": 5}, "single"),
    ("fraction-split", {"max_features": 0.5, "min_samples_split": 0.02, "n_estimators": 40}, "multi"),
    ("no-bootstrap-sqrt", {"bootstrap": False, "max_features": "sqrt", "n_estimators": 50}, "single"),
    ("max-samples", {"max_samples": 0.5, "min_samples_leaf": 2}, "multi"),
    ("impurity-decrease", {"min_impurity_decrease": 0.05}, "single"),
]


def targets(kind):
    return Y[:, :1] if kind == "single" else Y


def fit(params, kind, seed):
    model = RandomForestRegressor(random_state=seed, **params)
    y = targets(kind)
    model.fit(X[train], y[train].ravel() if kind == "single" else y[train])
    return model.predict(X[test]).reshape(-1, y.shape[1])


out = []
for name, params, kind in cases:
    r2 = [r2_score(targets(kind)[test], fit(params, kind, seed)) for seed in range(5)]
    out.append({"name": name, "params": params, "targets": kind, "r2": float(np.mean(r2)),
                "r2_spread": float(np.max(r2) - np.min(r2))})

oob = {"oob_score": True, "n_estimators": 60}
scores = [RandomForestRegressor(random_state=seed, **oob).fit(X[train], Y[train]).oob_score_ for seed in range(5)]
out.append({"name": "oob", "params": oob, "targets": "multi", "r2": float(np.mean(scores)),
            "r2_spread": float(np.max(scores) - np.min(scores)), "oob_score": float(np.mean(scores))})

exact = {"bootstrap": False, "max_features": None, "n_estimators": 3, "max_depth": 5, "min_samples_leaf": 10}
out.append({"name": "exact", "params": exact, "targets": "multi",
            "r2": float(r2_score(Y[test], fit(exact, "multi", 0))), "r2_spread": 0.0,
            "predictions": fit(exact, "multi", 0).tolist()})

with open(os.path.join(HERE, "forest.json"), "w") as f:
    json.dump({"generator": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}",
               "X": X.tolist(), "Y": Y.tolist(), "train_rows": 600, "cases": out}, f)
