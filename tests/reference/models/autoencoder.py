"""PyTorch reference for the feed-forward autoencoder training loop (spec §2.4 with Keras semantics).

Same network as `feedforward_hourglass` for 6 features (dims 5,4,3 / 3,4,5 / out 6, tanh, linear
output, L1 activity regulariser 1e-4 on the 2nd and 3rd encoding layers, Keras divides it by the
batch size), MSE loss, Keras' Adam update (lr 0.001, betas 0.9/0.999, epsilon 1e-7 added to
sqrt(v)), batch 32 in order (shuffle off), validation_split 0.2 (the last rows), 4 epochs.
Writes autoencoder.json (data, initial and final flat weights, per-epoch history) for
tests/Gordo.Tests/Models/AutoEncoderParityTests.fs. Run with Debian's python3-torch:
    /usr/bin/python3 tests/reference/models/autoencoder.py
"""
import json
import math
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_num_threads(1)

rng = np.random.RandomState(3)
n, f = 200, 6
t = np.arange(n)[:, None]
X = np.sin(t / 11.0 + np.arange(f)) * 0.8 + 0.05 * rng.normal(size=(n, f))
X = X.astype(np.float32)

layers = [(6, 5, "tanh", 0.0), (5, 4, "tanh", 1e-4), (4, 3, "tanh", 1e-4),
          (3, 3, "tanh", 0.0), (3, 4, "tanh", 0.0), (4, 5, "tanh", 0.0), (5, 6, "linear", 0.0)]
chunks = []
for fan_in, fan_out, _, _ in layers:
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    chunks.append(rng.uniform(-limit, limit, size=fan_in * fan_out))
    chunks.append(np.zeros(fan_out))
initial = np.concatenate(chunks).astype(np.float32)
params = torch.tensor(initial.copy(), requires_grad=True)


def forward(x):
    h, reg, offset = x, torch.zeros(()), 0
    for fan_in, fan_out, act, l1 in layers:
        w = params[offset: offset + fan_in * fan_out].view(fan_out, fan_in)
        b = params[offset + fan_in * fan_out: offset + fan_in * fan_out + fan_out]
        offset += fan_in * fan_out + fan_out
        h = torch.nn.functional.linear(h, w, b)
        if act == "tanh":
            h = torch.tanh(h)
        if l1 > 0:
            reg = reg + h.abs().sum() * (l1 / x.shape[0])
    return h, reg


def batch_loss(x):
    out, reg = forward(x)
    loss = ((out - x) ** 2).mean() + reg
    correct = (out.argmax(1) == x.argmax(1)).sum().item()
    return loss, correct


split = int(math.floor(n * (1 - 0.2)))
train, val = torch.tensor(X[:split]), torch.tensor(X[split:])
m = torch.zeros_like(params)
v = torch.zeros_like(params)
step = 0
history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
for epoch in range(4):
    total, correct = 0.0, 0
    for start in range(0, split, 32):
        xb = train[start: start + 32]
        loss, c = batch_loss(xb)
        loss.backward()
        step += 1
        with torch.no_grad():
            g = params.grad
            m.mul_(0.9).add_(g, alpha=0.1)
            v.mul_(0.999).addcmul_(g, g, value=0.001)
            alpha = 0.001 * math.sqrt(1 - 0.999 ** step) / (1 - 0.9 ** step)
            params.addcdiv_(m, v.sqrt().add_(1e-7), value=-alpha)
            params.grad.zero_()
        total += loss.item() * xb.shape[0]
        correct += c
    history["loss"].append(total / split)
    history["accuracy"].append(correct / split)
    with torch.no_grad():
        vt, vc = 0.0, 0
        for start in range(0, n - split, 32):
            xb = val[start: start + 32]
            loss, c = batch_loss(xb)
            vt += loss.item() * xb.shape[0]
            vc += c
    history["val_loss"].append(vt / (n - split))
    history["val_accuracy"].append(vc / (n - split))

with torch.no_grad():
    prediction, _ = forward(torch.tensor(X))

with open(os.path.join(HERE, "autoencoder.json"), "w") as fh:
    json.dump({"X": X.astype(float).tolist(), "initial": initial.astype(float).tolist(),
               "final": params.detach().numpy().astype(float).tolist(), "history": history,
               "prediction": prediction.numpy().astype(float).tolist()}, fh)
