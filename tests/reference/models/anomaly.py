"""Reference computation of Gordo's diff-based anomaly detectors (spec §3) with pandas/scikit-learn.

This re-implements spec §3.2-§3.5 directly (it does not import gordo), on data generated here and
committed with the results, for tests/Gordo.Tests/Models/AnomalyParityTests.fs. The base estimator
is scikit-learn's LinearRegression (deterministic), the scaler MinMaxScaler.
Run with Debian's python3-sklearn (1.2) and python3-pandas (1.5):
    /usr/bin/python3 tests/reference/models/anomaly.py
"""
import json
import os

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, TimeSeriesSplit
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils import shuffle as sk_shuffle

HERE = os.path.dirname(os.path.abspath(__file__))

rng = np.random.RandomState(7)
n = 240
t = np.arange(n)
X = np.column_stack([np.sin(t / 9.0), np.cos(t / 13.0), (t % 17) / 17.0]) + 0.05 * rng.normal(size=(n, 3))
Y = np.column_stack([X[:, 0] * 2.0 - X[:, 2], X[:, 1] + 0.5 * X[:, 0]]) + 0.1 * rng.normal(size=(n, 2))
Y[200:210, 0] += 1.5  # an anomaly
train = 180
index = pd.date_range("2020-01-01", periods=n, freq="10min", tz="UTC")
input_names = ["tag-a", "tag-b", "tag-c"]
target_names = ["out-x", "out-y"]


def fit(x, y, shuffle):
    if shuffle:
        x, y = sk_shuffle(x, y, random_state=0)
    model = LinearRegression().fit(x, y)
    return model


def smooth(frame, method, window):
    if method == "smm":
        return frame.rolling(window).median()
    if method == "sma":
        return frame.rolling(window).mean()
    return frame.ewm(span=window).mean()


def diff_cross_validate(x, y, shuffle, window):
    result = {"feature_per_fold": [], "aggregate_per_fold": [],
              "smooth_feature_per_fold": [], "smooth_aggregate_per_fold": []}
    for tr, te in TimeSeriesSplit(n_splits=3).split(x):
        model = fit(x[tr], y[tr], shuffle)
        scaler = MinMaxScaler().fit(y[tr])
        y_pred = model.predict(x[te])
        y_true = y[te]
        scaled_mse = pd.Series(((scaler.transform(y_pred) - scaler.transform(y_true)) ** 2).mean(axis=1))
        mae = pd.DataFrame(np.abs(y_true - y_pred))
        result["aggregate_per_fold"].append(scaled_mse.rolling(6).min().max())
        result["feature_per_fold"].append(mae.rolling(6).min().max().tolist())
        if window is not None:
            result["smooth_aggregate_per_fold"].append(scaled_mse.rolling(window).min().max())
            result["smooth_feature_per_fold"].append(mae.rolling(window).min().max().tolist())
    result["feature"] = result["feature_per_fold"][-1]
    result["aggregate"] = result["aggregate_per_fold"][-1]
    return result


def kfcv_cross_validate(x, y, shuffle, window, method, percentile):
    y_pred = np.zeros_like(y)
    scaled_mse = np.zeros(len(y))
    for tr, te in KFold(n_splits=5, shuffle=True, random_state=0).split(x):
        model = fit(x[tr], y[tr], shuffle)
        scaler = MinMaxScaler().fit(y[tr])
        y_pred[te] = model.predict(x[te])
        scaled_mse[te] = ((scaler.transform(y_pred[te]) - scaler.transform(y[te])) ** 2).mean(axis=1)
    mae = pd.DataFrame(np.abs(y - y_pred))
    return {
        "aggregate": smooth(pd.Series(scaled_mse), method, window).quantile(percentile),
        "feature": smooth(mae, method, window).quantile(percentile).tolist(),
    }


def anomaly(x, y, shuffle, window, method, thresholds):
    model = fit(x[:train], y[:train], shuffle)
    scaler = MinMaxScaler().fit(y[:train])
    out = model.predict(x)
    columns = []

    def block(top, names, matrix):
        for j, name in enumerate(names):
            columns.append([[top, name], list(matrix[:, j])])

    tag_scaled = np.abs(scaler.transform(out) - scaler.transform(y))
    tag_unscaled = np.abs(out - y)
    block("model-input", input_names, x)
    block("model-output", target_names, out)
    block("tag-anomaly-scaled", target_names, tag_scaled)
    columns.append([["total-anomaly-scaled", ""], list((tag_scaled ** 2).mean(axis=1))])
    block("tag-anomaly-unscaled", target_names, tag_unscaled)
    columns.append([["total-anomaly-unscaled", ""], list((tag_unscaled ** 2).mean(axis=1))])
    if window is not None:
        block("smooth-tag-anomaly-scaled", target_names, smooth(pd.DataFrame(tag_scaled), method, window).values)
        columns.append([["smooth-total-anomaly-scaled", ""],
                        list(smooth(pd.Series((tag_scaled ** 2).mean(axis=1)), method, window))])
        block("smooth-tag-anomaly-unscaled", target_names, smooth(pd.DataFrame(tag_unscaled), method, window).values)
        columns.append([["smooth-total-anomaly-unscaled", ""],
                        list(smooth(pd.Series((tag_unscaled ** 2).mean(axis=1)), method, window))])
    block("anomaly-confidence", target_names, tag_unscaled / np.array(thresholds["feature"]))
    columns.append([["total-anomaly-confidence", ""], list((tag_scaled ** 2).mean(axis=1) / thresholds["aggregate"])])
    return columns


def clean(value):
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else float(value)
    return value


cases = []
for name, shuffle, window, method in [
    ("diff-smm", False, 12, "smm"),
    ("diff-sma-shuffle", True, 12, "sma"),
    ("diff-ewma", False, 8, "ewma"),
    ("diff-no-window", False, None, None),
    ("diff-window-longer-than-fold", False, 70, "smm"),
]:
    thresholds = diff_cross_validate(X[:train], Y[:train], shuffle, window)
    cases.append({"name": name, "kind": "diff", "shuffle": shuffle, "window": window, "smoothing_method": method,
                  "thresholds": thresholds, "columns": anomaly(X, Y, shuffle, window, method, thresholds)})

for name, method, window, percentile in [("kfcv-smm", "smm", 12, 0.99), ("kfcv-ewma", "ewma", 6, 0.9)]:
    thresholds = kfcv_cross_validate(X[:train], Y[:train], True, window, method, percentile)
    cases.append({"name": name, "kind": "kfcv", "shuffle": True, "window": window, "smoothing_method": method,
                  "threshold_percentile": percentile, "thresholds": thresholds,
                  "columns": anomaly(X, Y, True, window, method, thresholds)})

with open(os.path.join(HERE, "anomaly.json"), "w") as f:
    json.dump(clean({"X": X.tolist(), "Y": Y.tolist(), "train_rows": train,
                     "index": [ts.isoformat() for ts in index], "frequency_minutes": 10,
                     "input_names": input_names, "target_names": target_names, "cases": cases}), f, indent=1)
