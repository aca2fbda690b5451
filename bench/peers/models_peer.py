"""Peers of bench/Gordo.Models.Bench: the same work in PyTorch and scikit-learn.

    /usr/bin/python3 bench/peers/models_peer.py train     # hourglass AE, 52,560 x 20, 10 epochs, batch 32, 2 threads
    /usr/bin/python3 bench/peers/models_peer.py predict   # 100 x 20 through the trained hourglass, median microseconds
    /usr/bin/python3 bench/peers/models_peer.py pca       # Pipeline(MinMaxScaler, PCA) fit on 52,560 x 100
    /usr/bin/python3 bench/peers/models_peer.py forest    # RandomForestRegressor(100 trees, n_jobs=2) on 10,000 x 10, y = X
Prints one line: `<name> <wall seconds or median microseconds> [cpu <process CPU seconds>]`.
"""
import math
import sys
import time

import numpy as np


def data(rows, cols):
    i = np.arange(rows)[:, None]
    j = np.arange(cols)[None, :]
    return (np.sin(i / 37.0 + j) * 0.7 + 0.1 * np.cos(i / 5.0 * (j + 1))).astype(np.float64)


def hourglass(n, compression=0.5, layers=3):
    smallest = max(min(math.ceil(compression * n), n), 1)
    slope = (n - smallest) / layers
    dims = [round(n - i * slope) for i in range(1, layers + 1)]
    return dims + dims[::-1]


def network(torch, n):
    dims = hourglass(n)
    modules, width = [], n
    for d in dims:
        modules += [torch.nn.Linear(width, d), torch.nn.Tanh()]
        width = d
    modules.append(torch.nn.Linear(width, n))
    return torch.nn.Sequential(*modules)


def train():
    import torch
    torch.set_num_threads(2)
    torch.manual_seed(0)
    x = torch.tensor(data(52560, 20), dtype=torch.float32)
    model = network(torch, 20)
    regularised = [model[2], model[4]]  # 2nd and 3rd encoding Dense layers
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    start, cpu = time.perf_counter(), time.process_time()
    for epoch in range(int(sys.argv[2]) if len(sys.argv) > 2 else 10):
        order = torch.randperm(x.shape[0])
        xs = x[order]
        for s in range(0, x.shape[0], 32):
            xb = xs[s:s + 32]
            h, reg = xb, 0.0
            for k, layer in enumerate(model):
                h = layer(h)
                if k in (3, 5):  # after the tanh of the regularised layers
                    reg = reg + h.abs().sum() * (1e-4 / xb.shape[0])
            loss = ((h - xb) ** 2).mean() + reg
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    print("pytorch-train-seconds", time.perf_counter() - start, "cpu", time.process_time() - cpu)


def predict():
    import torch
    torch.set_num_threads(2)
    model = network(torch, 20).eval()
    x = data(100, 20)
    times = []
    with torch.no_grad():
        for _ in range(500):  # warm-up, as the .NET side
            model(torch.tensor(x, dtype=torch.float32)).numpy().astype(np.float64)
        for _ in range(2000):
            start = time.perf_counter()
            model(torch.tensor(x, dtype=torch.float32)).numpy().astype(np.float64)
            times.append(time.perf_counter() - start)
    print("pytorch-predict-median-us", sorted(times)[len(times) // 2] * 1e6)


def pca():
    from sklearn.decomposition import PCA
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler
    x = data(52560, 100)
    Pipeline([("s", MinMaxScaler()), ("p", PCA())]).fit(x)  # warm-up, as the .NET side
    start, cpu = time.perf_counter(), time.process_time()
    Pipeline([("s", MinMaxScaler()), ("p", PCA())]).fit(x)
    print("sklearn-pca-pipeline-seconds", time.perf_counter() - start, "cpu", time.process_time() - cpu)


def forest():
    from sklearn.ensemble import RandomForestRegressor
    x = data(10000, 10)
    start, cpu = time.perf_counter(), time.process_time()
    RandomForestRegressor(n_estimators=100, n_jobs=2, random_state=0).fit(x, x)
    print("sklearn-forest-seconds", time.perf_counter() - start, "cpu", time.process_time() - cpu)


{"train": train, "predict": predict, "pca": pca, "forest": forest}[sys.argv[1]]()
