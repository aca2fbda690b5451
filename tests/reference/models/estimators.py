"""Reference numbers for Gordo.Models' scikit-learn estimators (tests/Gordo.Tests/Models/EstimatorParityTests.fs).

Run with Debian's python3-sklearn (1.2) and python3-pandas:
    /usr/bin/python3 tests/reference/models/estimators.py
Writes estimators.json: the inputs (NaN as null), and per case the definition, which input and
target it is fitted on, the column names when it is fitted on a DataFrame, the output and
scikit-learn's `score(X, Ynoisy)` (regressors and pipelines ending in one; null where the final
estimator has no such score); plus regression metrics on a fixed pair of matrices.
"""
import json
import os

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression
from sklearn.metrics import explained_variance_score, r2_score
from sklearn.model_selection import KFold, ShuffleSplit, TimeSeriesSplit
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, RobustScaler, StandardScaler
from sklearn.utils import shuffle

HERE = os.path.dirname(os.path.abspath(__file__))

rng = np.random.RandomState(42)
n = 120
t = np.arange(n) / 10.0
base = np.column_stack([np.sin(t), np.cos(0.7 * t), t / 12.0])
mix = rng.normal(size=(3, 6))
data = base @ mix + 0.05 * rng.normal(size=(n, 6))
data[:, 5] = 3.25  # a constant column

X = data[:, :5]
Y = data[:, 3:5] * 2.0 + data[:, :1]
Ynoisy = Y + 0.3 * rng.normal(size=Y.shape)  # the y that `score` is given
Xnan = X.copy()
Xnan[::7, 1] = np.nan
Xnan[3::11, 2] = np.nan
Xnan[:, 4] = np.round(Xnan[:, 4], 1)


def multiply_by(X, factor):
    return X * factor


cases = []


def rows(m):
    return [[None if np.isnan(v) else float(v) for v in r] for r in np.asarray(m)]



def score_of(model, xs):
    """scikit-learn's `score(X, Y)` where the final estimator has one that is not PCA's
    log-likelihood (regressors: r2, uniform average over outputs); None otherwise."""
    final = model.steps[-1][1] if isinstance(model, Pipeline) else model
    if not hasattr(final, "score") or isinstance(final, (PCA, TruncatedSVD)):
        return None
    return float(model.score(xs, Ynoisy))


def case(name, definition, model, x="X", y=None, method="transform", names=None):
    xs = {"X": X, "Xnan": Xnan, "data": data}[x]
    if names is not None:
        xs = pd.DataFrame(xs, columns=names)
    if y is None:
        model.fit(xs)
    else:
        model.fit(xs, Y)
    out = getattr(model, method)(xs)
    cases.append({"name": name, "definition": definition, "x": x, "y": y, "method": method,
                  "names": names, "output": rows(out), "score": score_of(model, xs)})


P = "sklearn.preprocessing."
case("minmax", P + "MinMaxScaler", MinMaxScaler(), x="data")
case("minmax-range-clip", {P + "MinMaxScaler": {"feature_range": [-1, 1], "clip": True}},
     MinMaxScaler(feature_range=(-1, 1), clip=True), x="data")
case("minmax-nan", P + "MinMaxScaler", MinMaxScaler(), x="Xnan")
case("standard", P + "StandardScaler", StandardScaler(), x="data")
case("standard-no-mean", {P + "StandardScaler": {"with_mean": False}}, StandardScaler(with_mean=False))
case("standard-nan", P + "StandardScaler", StandardScaler(), x="Xnan")
case("robust", P + "RobustScaler", RobustScaler(), x="data")
case("robust-range-unit", {P + "RobustScaler": {"quantile_range": [10.0, 90.0], "unit_variance": True}},
     RobustScaler(quantile_range=(10.0, 90.0), unit_variance=True))
case("pca-3", {"sklearn.decomposition.PCA": {"n_components": 3, "svd_solver": "full"}},
     PCA(n_components=3, svd_solver="full"))
case("pca-all-whiten", {"sklearn.decomposition.PCA": {"whiten": True, "svd_solver": "full"}},
     PCA(whiten=True, svd_solver="full"))
case("pca-fraction", {"sklearn.decomposition.PCA": {"n_components": 0.9, "svd_solver": "full"}},
     PCA(n_components=0.9, svd_solver="full"))
case("truncated-svd", {"sklearn.decomposition.TruncatedSVD": {"n_components": 2, "algorithm": "arpack"}},
     TruncatedSVD(n_components=2, algorithm="arpack"))
for strategy in ["mean", "median", "most_frequent", "constant"]:
    case("simple-imputer-" + strategy, {"sklearn.impute.SimpleImputer": {"strategy": strategy}},
         SimpleImputer(strategy=strategy), x="Xnan")
case("function-multiply-by",
     {P + "FunctionTransformer": {"func": "gordo.machine.model.transformer_funcs.general.multiply_by",
                                  "kw_args": {"factor": 2.5}}},
     FunctionTransformer(func=multiply_by, kw_args={"factor": 2.5}))
case("column-transformer",
     {"sklearn.compose.ColumnTransformer": {
         "transformers": [["a", P + "MinMaxScaler", [0, 1]], ["b", P + "StandardScaler", [3]]],
         "remainder": "passthrough"}},
     ColumnTransformer([("a", MinMaxScaler(), [0, 1]), ("b", StandardScaler(), [3])], remainder="passthrough"))
case("column-transformer-drop",
     {"sklearn.compose.ColumnTransformer": {"transformers": [["a", P + "RobustScaler", [4, 2]]]}},
     ColumnTransformer([("a", RobustScaler(), [4, 2])]))
TAGS = ["Tag 1", "Tag 2", "Tag 3", "Tag 4", "Tag 5"]
case("column-transformer-names",
     {"sklearn.compose.ColumnTransformer": {
         "transformers": [["a", P + "MinMaxScaler", ["Tag 2", "Tag 1"]], ["b", P + "StandardScaler", ["Tag 4"]]],
         "remainder": "passthrough"}},
     ColumnTransformer([("a", MinMaxScaler(), ["Tag 2", "Tag 1"]), ("b", StandardScaler(), ["Tag 4"])],
                       remainder="passthrough"),
     names=TAGS)
case("column-transformer-names-in-pipeline",
     {"sklearn.pipeline.Pipeline": [
         {"sklearn.compose.ColumnTransformer": {
             "transformers": [["a", P + "RobustScaler", ["Tag 5", "Tag 3"]], ["b", P + "MinMaxScaler", [0]]]}},
         "sklearn.linear_model.LinearRegression"]},
     Pipeline([("ct", ColumnTransformer([("a", RobustScaler(), ["Tag 5", "Tag 3"]), ("b", MinMaxScaler(), [0])])),
               ("lr", LinearRegression())]),
     y="Y", method="predict", names=TAGS)
case("linear-regression", "sklearn.linear_model.LinearRegression", LinearRegression(), y="Y", method="predict")
case("linear-regression-no-intercept", {"sklearn.linear_model.LinearRegression": {"fit_intercept": False}},
     LinearRegression(fit_intercept=False), y="Y", method="predict")
case("multi-output", {"sklearn.multioutput.MultiOutputRegressor": {"estimator": "sklearn.linear_model.LinearRegression"}},
     MultiOutputRegressor(LinearRegression()), y="Y", method="predict")
case("transformed-target",
     {"sklearn.compose.TransformedTargetRegressor": {"regressor": "sklearn.linear_model.LinearRegression",
                                                     "transformer": P + "MinMaxScaler"}},
     TransformedTargetRegressor(regressor=LinearRegression(), transformer=MinMaxScaler()), y="Y", method="predict")
case("pipeline", {"sklearn.pipeline.Pipeline": {"steps": [P + "MinMaxScaler",
                                                          {"sklearn.decomposition.PCA": {"n_components": 3}}]}},
     Pipeline([("s0", MinMaxScaler()), ("s1", PCA(n_components=3))]))
case("pipeline-list-form-regressor",
     {"sklearn.pipeline.Pipeline": [P + "StandardScaler", "sklearn.linear_model.LinearRegression"]},
     Pipeline([("s0", StandardScaler()), ("s1", LinearRegression())]), y="Y", method="predict")
case("feature-union", {"sklearn.pipeline.FeatureUnion": [{"sklearn.decomposition.PCA": {"n_components": 2}},
                                                        P + "MinMaxScaler"]},
     FeatureUnion([("a", PCA(n_components=2)), ("b", MinMaxScaler())]))

splits = []


def split(name, definition, splitter, n_rows):
    splits.append({"name": name, "definition": definition, "n": n_rows,
                   "splits": [{"train": tr.tolist(), "test": te.tolist()}
                              for tr, te in splitter.split(np.zeros((n_rows, 1)))]})


M = "sklearn.model_selection."
split("tss-3", {M + "TimeSeriesSplit": {"n_splits": 3}}, TimeSeriesSplit(n_splits=3), 50)
split("tss-gap-max", {M + "TimeSeriesSplit": {"n_splits": 4, "gap": 2, "max_train_size": 10}},
      TimeSeriesSplit(n_splits=4, gap=2, max_train_size=10), 47)
split("kfold", {M + "KFold": {"n_splits": 4}}, KFold(n_splits=4), 23)
split("kfold-shuffle", {M + "KFold": {"n_splits": 5, "shuffle": True, "random_state": 0}},
      KFold(n_splits=5, shuffle=True, random_state=0), 23)
split("kfold-shuffle-big", {M + "KFold": {"n_splits": 3, "shuffle": True, "random_state": 12345}},
      KFold(n_splits=3, shuffle=True, random_state=12345), 1000)
split("shuffle-split", {M + "ShuffleSplit": {"n_splits": 3, "test_size": 0.25, "random_state": 1}},
      ShuffleSplit(n_splits=3, test_size=0.25, random_state=1), 20)

# Regression metrics on multi-output y with constant columns (force_finite: a perfectly predicted
# constant column scores 1, an imperfectly predicted one 0), uniform average over outputs.
noisy = Y + 0.1 * rng.normal(size=Y.shape)
metric_true = np.column_stack([Y, np.full(n, 2.0), np.full(n, -1.0)])
metric_pred = np.column_stack([noisy, np.full(n, 2.0), np.linspace(-1.5, -0.5, n)])
metrics = {"y_true": rows(metric_true), "y_pred": rows(metric_pred),
           "explained_variance_score": float(explained_variance_score(metric_true, metric_pred)),
           "r2_score": float(r2_score(metric_true, metric_pred))}

shuffled = shuffle(np.arange(37), random_state=0).tolist()

with open(os.path.join(HERE, "estimators.json"), "w") as f:
    inputs = {"data": rows(data), "X": rows(X), "Xnan": rows(Xnan), "Y": rows(Y), "Ynoisy": rows(Ynoisy)}
    json.dump({"inputs": inputs, "cases": cases, "splits": splits, "shuffle_37_seed_0": shuffled,
               "metrics": metrics}, f, indent=1)
