"""Reference numbers for the regression metrics of evaluation.metrics (spec 4.2, 4.4):
scikit-learn's functions with their default arguments, on the whole 3-column matrix (uniform
average over columns) and per column. max_error takes no multi-output y in scikit-learn, so only
its per-column values are given (Gordo for .NET averages them). root_mean_squared_error and
root_mean_squared_log_error are scikit-learn >= 1.4 functions: computed as the square root of the
per-column (log) MSE, averaged. Run with Debian's python3-sklearn (1.2):
    /usr/bin/python3 tests/reference/builder/metrics.py > tests/reference/builder/metrics.json"""
import json

import numpy as np
from sklearn import metrics

rng = np.random.RandomState(11)
y_true = rng.uniform(0.0, 2.0, size=(25, 3))
y_true[3, 1] = 0.0  # a zero target: MAPE's epsilon floor
y_pred = np.abs(y_true + rng.normal(scale=0.3, size=y_true.shape))


def rooted(f):
    return lambda t, p, multioutput="uniform_average": float(
        np.mean(np.sqrt(f(t, p, multioutput="raw_values"))))


functions = {
    "explained_variance_score": metrics.explained_variance_score,
    "r2_score": metrics.r2_score,
    "mean_squared_error": metrics.mean_squared_error,
    "mean_absolute_error": metrics.mean_absolute_error,
    "median_absolute_error": metrics.median_absolute_error,
    "mean_absolute_percentage_error": metrics.mean_absolute_percentage_error,
    "mean_squared_log_error": metrics.mean_squared_log_error,
    "root_mean_squared_error": rooted(metrics.mean_squared_error),
    "root_mean_squared_log_error": rooted(metrics.mean_squared_log_error),
    "mean_pinball_loss": metrics.mean_pinball_loss,
    "d2_absolute_error_score": metrics.d2_absolute_error_score,
    "d2_pinball_score": metrics.d2_pinball_score,
}
scores = {}
for name, f in functions.items():
    scores[name] = {
        "all": float(f(y_true, y_pred)),
        "columns": [float(f(y_true[:, j], y_pred[:, j])) for j in range(3)],
    }
columns = [float(metrics.max_error(y_true[:, j], y_pred[:, j])) for j in range(3)]
scores["max_error"] = {"all": float(np.mean(columns)), "columns": columns}
print(json.dumps({"y_true": y_true.tolist(), "y_pred": y_pred.tolist(), "scores": scores}, indent=1))
