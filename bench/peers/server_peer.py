"""Peer of bench/server: Gordo's serving stack for POST .../anomaly/prediction in Python.

Flask + gunicorn + pandas + scikit-learn + PyTorch, the request path of Gordo 6's server:
`dataframe_from_dict` on X and y, the model's output (MinMaxScaler -> feedforward_hourglass
auto-encoder in PyTorch), a `make_base_dataframe`-style MultiIndex table, the
DiffBasedAnomalyDetector columns (tag/total anomaly scaled and unscaled, anomaly confidence),
`dataframe_to_dict`, and a sorted-keys JSON reply with `time-seconds`.

    cd bench/peers && gunicorn --workers 2 --threads 8 --worker-class gthread \
        --bind 127.0.0.1:5556 server_peer:app

The model is fitted at start-up on synthetic data with the tags in env PEER_TAGS
(comma-separated; 10 tags by default): the work per request is what matters here.
"""
import math
import os
import timeit

import dateutil.parser
import numpy as np
import pandas as pd
import torch
from flask import Flask, jsonify, request
from sklearn.preprocessing import MinMaxScaler


def data(rows, cols):
    """The synthetic signal of bench/peers/models_peer.py."""
    i = np.arange(rows)[:, None]
    j = np.arange(cols)[None, :]
    return (np.sin(i / 37.0 + j) * 0.7 + 0.1 * np.cos(i / 5.0 * (j + 1))).astype(np.float64)


def network(n, compression=0.5, layers=3):
    """Gordo's feedforward_hourglass (hourglass_calc_dims, tanh) as a torch Sequential."""
    smallest = max(min(math.ceil(compression * n), n), 1)
    slope = (n - smallest) / layers
    dims = [round(n - i * slope) for i in range(1, layers + 1)]
    modules, width = [], n
    for d in dims + dims[::-1]:
        modules += [torch.nn.Linear(width, d), torch.nn.Tanh()]
        width = d
    modules.append(torch.nn.Linear(width, n))
    return torch.nn.Sequential(*modules)

torch.set_num_threads(1)
TAGS = os.environ.get("PEER_TAGS", ",".join(f"tag-{i}" for i in range(10))).split(",")
FREQUENCY = pd.Timedelta("10T")


def fit():
    """MinMaxScaler + hourglass AE (a few epochs), the y scaler and thresholds."""
    torch.manual_seed(0)
    x = data(2000, len(TAGS))
    scaler = MinMaxScaler().fit(x)
    net = network(len(TAGS))
    xs = torch.tensor(scaler.transform(x), dtype=torch.float32)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.001)
    for _ in range(3):
        for s in range(0, len(xs), 32):
            loss = ((net(xs[s:s + 32]) - xs[s:s + 32]) ** 2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        out = net(xs).numpy().astype(np.float64)
    y_scaler = MinMaxScaler().fit(x)
    unscaled = np.abs(out - x)
    scaled = np.abs(y_scaler.transform(out) - y_scaler.transform(x))
    return scaler, net, y_scaler, unscaled.max(axis=0), float((scaled ** 2).mean(axis=1).max())


SCALER, NET, Y_SCALER, FEATURE_THRESHOLDS, AGGREGATE_THRESHOLD = fit()


def dataframe_from_dict(data: dict) -> pd.DataFrame:
    """gordo.server.utils.dataframe_from_dict."""
    if isinstance(data, dict) and any(isinstance(val, dict) for val in data.values()):
        try:
            keys = data.keys()
            df = pd.concat((pd.DataFrame.from_dict(data[key]) for key in keys), axis=1, keys=keys)
        except (ValueError, AttributeError):
            df = pd.DataFrame.from_dict(data)
    else:
        df = pd.DataFrame.from_dict(data)
    try:
        df.index = df.index.map(dateutil.parser.isoparse)
    except (TypeError, ValueError):
        df.index = df.index.map(int)
    df.sort_index(inplace=True)
    return df


def dataframe_to_dict(df: pd.DataFrame) -> dict:
    """gordo.server.utils.dataframe_to_dict."""
    data = df.copy()
    if isinstance(data.index, pd.DatetimeIndex):
        data.index = data.index.astype(str)
    if isinstance(df.columns, pd.MultiIndex):
        return {
            col: data[col].to_dict() if isinstance(data[col], pd.DataFrame) else pd.DataFrame(data[col]).to_dict()
            for col in data.columns.get_level_values(0)
        }
    return data.to_dict()


def predict(x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return NET(torch.tensor(SCALER.transform(x), dtype=torch.float32)).numpy().astype(np.float64)


def make_base_dataframe(tags, model_input, model_output, index) -> pd.DataFrame:
    """gordo.machine.model.utils.make_base_dataframe: model-input/model-output and start/end."""
    frames = [
        pd.DataFrame(model_input, columns=pd.MultiIndex.from_product([["model-input"], tags]), index=index),
        pd.DataFrame(model_output, columns=pd.MultiIndex.from_product([["model-output"], tags]), index=index),
    ]
    df = pd.concat(frames, axis=1)
    df[("start", "")] = index
    df[("end", "")] = index + FREQUENCY
    return df


def anomaly(X: pd.DataFrame, y: pd.DataFrame) -> pd.DataFrame:
    """DiffBasedAnomalyDetector.anomaly (no smoothing window)."""
    output = predict(X.values)
    df = make_base_dataframe(TAGS, X.values, output, X.index)
    scaled = np.abs(Y_SCALER.transform(output) - Y_SCALER.transform(y.values))
    unscaled = np.abs(output - y.values)
    for name, values in [("tag-anomaly-scaled", scaled), ("tag-anomaly-unscaled", unscaled)]:
        df = df.join(pd.DataFrame(values, columns=pd.MultiIndex.from_product([[name], TAGS]), index=X.index))
    df[("total-anomaly-scaled", "")] = (scaled ** 2).mean(axis=1)
    df[("total-anomaly-unscaled", "")] = (unscaled ** 2).mean(axis=1)
    confidence = unscaled / FEATURE_THRESHOLDS
    df = df.join(pd.DataFrame(confidence, columns=pd.MultiIndex.from_product([["anomaly-confidence"], TAGS]), index=X.index))
    df[("total-anomaly-confidence", "")] = df[("total-anomaly-scaled", "")] / AGGREGATE_THRESHOLD
    df[("start", "")] = df[("start", "")].map(lambda t: t.isoformat())
    df[("end", "")] = df[("end", "")].map(lambda t: t.isoformat())
    return df


app = Flask(__name__)
app.json.sort_keys = True


@app.route("/gordo/v0/<project>/<model>/anomaly/prediction", methods=["POST"])
def anomaly_prediction(project, model):
    start = timeit.default_timer()
    body = request.get_json()
    X = dataframe_from_dict(body["X"])[TAGS]
    y = dataframe_from_dict(body["y"])[TAGS]
    df = anomaly(X, y)
    data = dataframe_to_dict(df)
    return jsonify({"data": data, "time-seconds": f"{timeit.default_timer() - start:.4f}", "revision": "1"})


@app.route("/healthcheck")
def healthcheck():
    return "", 200
