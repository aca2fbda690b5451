"""Reference numbers for PCA's probabilistic score (tests/Gordo.Tests/Models/PcaScoreTests.fs).

Run with Debian's python3-sklearn (1.2):
    /usr/bin/python3 tests/reference/models/pca_score.py
Writes pca_score.json: a training matrix X and a held-out matrix Xtest, and per case the
definition, scikit-learn's `score(X)` and `score(Xtest)` (the average log-likelihood under the
probabilistic PCA model, through the pipeline when the definition is one) and
`score_samples(Xtest)` of the final PCA on the (transformed) held-out rows.
"""
import json
import os

import numpy as np
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))

rng = np.random.RandomState(7)
n, n_test = 150, 40
t = np.arange(n + n_test) / 9.0
base = np.column_stack([np.sin(t), np.cos(0.6 * t), t / 20.0])
data = base @ rng.normal(size=(3, 6)) + 0.1 * rng.normal(size=(n + n_test, 6))
X, Xtest = data[:n], data[n:]

cases = []


def rows(m):
    return [[float(v) for v in r] for r in np.atleast_2d(m)]


def case(name, definition, model):
    model.fit(X)
    final = model.steps[-1][1] if isinstance(model, Pipeline) else model
    transformed = model[:-1].transform(Xtest) if isinstance(model, Pipeline) else Xtest
    cases.append({"name": name, "definition": definition,
                  "score_train": float(model.score(X)), "score_test": float(model.score(Xtest)),
                  "score_samples_test": [float(v) for v in final.score_samples(transformed)]})


D = "sklearn.decomposition.PCA"
case("pca-3", {D: {"n_components": 3, "svd_solver": "full"}}, PCA(n_components=3, svd_solver="full"))
case("pca-2-whiten", {D: {"n_components": 2, "whiten": True, "svd_solver": "full"}},
     PCA(n_components=2, whiten=True, svd_solver="full"))
case("pca-all", {D: {"svd_solver": "full"}}, PCA(svd_solver="full"))
case("pca-all-whiten", {D: {"whiten": True, "svd_solver": "full"}}, PCA(whiten=True, svd_solver="full"))
case("pca-fraction", {D: {"n_components": 0.95, "svd_solver": "full"}}, PCA(n_components=0.95, svd_solver="full"))
case("pca-0", {D: {"n_components": 0, "svd_solver": "full"}}, PCA(n_components=0, svd_solver="full"))
case("pca-arpack", {D: {"n_components": 2, "svd_solver": "arpack"}}, PCA(n_components=2, svd_solver="arpack"))
case("pipeline-minmax-pca",
     {"sklearn.pipeline.Pipeline": {"steps": ["sklearn.preprocessing.MinMaxScaler", {D: {"n_components": 3}}]}},
     Pipeline([("s0", MinMaxScaler()), ("s1", PCA(n_components=3))]))
case("pipeline-standard-pca-whiten",
     {"sklearn.pipeline.Pipeline": ["sklearn.preprocessing.StandardScaler",
                                    {D: {"n_components": 2, "whiten": True}}]},
     Pipeline([("s0", StandardScaler()), ("s1", PCA(n_components=2, whiten=True))]))

with open(os.path.join(HERE, "pca_score.json"), "w") as f:
    json.dump({"X": rows(X), "Xtest": rows(Xtest), "cases": cases}, f, indent=1)
