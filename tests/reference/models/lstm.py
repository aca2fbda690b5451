"""PyTorch reference for Gordo's LSTM networks (spec §2.3, §2.5) with Keras LSTM semantics.

Network: `lstm_hourglass` for 3 features (dims 3,2,2 / 2,2,3, tanh, every LSTM layer returns
sequences except the last decoding one, output Dense(3, linear)), lookback_window 4.
Flat parameter layout (as src/Gordo.Models/Networks/Spec.fs `Layout`): per LSTM layer the input
weights [4u x in], the recurrent weights [4u x u] and one bias [4u] (gate order i, f, c, o, as
both Keras and PyTorch use; PyTorch's second bias is zero); per Dense layer weight [out x in],
bias [out]. The functional forward pass below is checked against torch.nn.LSTM.

Training replicates KerasLSTMAutoEncoder.fit: windows of 4 rows, target = last row of the window
(lookahead 0); one priming step on the first window (batch 1), then 2 epochs over all windows in
order with batch 8; MSE loss; Keras' Adam (lr 0.001, epsilon 1e-7 added to sqrt(v)) whose state
carries over from the priming step. Forecast windows (lookahead 1) are written too.

Writes lstm.json for tests/Gordo.Tests/Models/LstmParityTests.fs. Run with Debian's python3-torch:
    /usr/bin/python3 tests/reference/models/lstm.py
"""
import json
import math
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_num_threads(1)

rng = np.random.RandomState(7)
n, f, lookback = 30, 3, 4
t = np.arange(n)[:, None]
X = (np.sin(t / 5.0 + np.arange(f)) * 0.7 + 0.05 * rng.normal(size=(n, f))).astype(np.float32)

# (kind, fan_in, units, return_sequences)
layers = [("lstm", 3, 3, True), ("lstm", 3, 2, True), ("lstm", 2, 2, True),
          ("lstm", 2, 2, True), ("lstm", 2, 2, True), ("lstm", 2, 3, False), ("dense", 3, 3, None)]

chunks = []
for kind, fan_in, units, _ in layers:
    if kind == "lstm":
        chunks.append(rng.uniform(-0.6, 0.6, size=4 * units * fan_in))
        chunks.append(rng.uniform(-0.6, 0.6, size=4 * units * units))
        chunks.append(rng.uniform(-0.3, 0.3, size=4 * units))
    else:
        chunks.append(rng.uniform(-0.6, 0.6, size=fan_in * units))
        chunks.append(rng.uniform(-0.3, 0.3, size=units))
initial = np.concatenate(chunks).astype(np.float32)


def views(params):
    out, offset = [], 0
    for kind, fan_in, units, seq in layers:
        if kind == "lstm":
            g = 4 * units
            w_ih = params[offset: offset + g * fan_in].view(g, fan_in)
            offset += g * fan_in
            w_hh = params[offset: offset + g * units].view(g, units)
            offset += g * units
            b = params[offset: offset + g]
            offset += g
            out.append((kind, w_ih, w_hh, b, units, seq))
        else:
            w = params[offset: offset + fan_in * units].view(units, fan_in)
            offset += fan_in * units
            b = params[offset: offset + units]
            offset += units
            out.append((kind, w, None, b, units, seq))
    assert offset == params.shape[0]
    return out


def forward(params, x):
    h = x
    for kind, w, w_hh, b, units, seq in views(params):
        if kind == "dense":
            h = torch.nn.functional.linear(h, w, b)
            continue
        proj = torch.nn.functional.linear(h, w, b)
        hs = torch.zeros(x.shape[0], units)
        cs = torch.zeros(x.shape[0], units)
        steps = []
        for s in range(h.shape[1]):
            z = proj[:, s, :] + torch.nn.functional.linear(hs, w_hh)
            i, fg, g, o = z.chunk(4, 1)
            cs = torch.sigmoid(fg) * cs + torch.sigmoid(i) * torch.tanh(g)
            hs = torch.sigmoid(o) * torch.tanh(cs)
            steps.append(hs)
        h = torch.stack(steps, 1) if seq else hs
    return h


def forward_modules(params, x):
    """The same network with torch.nn.LSTM / nn.Linear modules (checks the functional pass)."""
    h = x
    with torch.no_grad():
        for kind, w, w_hh, b, units, seq in views(params):
            if kind == "dense":
                h = torch.nn.functional.linear(h, w, b)
                continue
            m = torch.nn.LSTM(w.shape[1], units, batch_first=True)
            m.weight_ih_l0.copy_(w)
            m.weight_hh_l0.copy_(w_hh)
            m.bias_ih_l0.copy_(b)
            m.bias_hh_l0.zero_()
            out, _ = m(h)
            h = out if seq else out[:, -1, :]
    return h


def windows(data, lookahead):
    count = len(data) - lookback + 1 - lookahead
    xs = np.stack([data[k: k + lookback] for k in range(count)])
    ys = np.stack([data[k + lookback - 1 + lookahead] for k in range(count)])
    return torch.tensor(xs), torch.tensor(ys)


params = torch.tensor(initial.copy(), requires_grad=True)
wx, wy = windows(X, 0)
fx, fy = windows(X, 1)
with torch.no_grad():
    forward_initial = forward(params, wx)
    assert torch.allclose(forward_initial, forward_modules(params, wx), atol=1e-6)

m = torch.zeros_like(params)
v = torch.zeros_like(params)
step = 0


def train_step(xb, yb):
    global step
    loss = ((forward(params, xb) - yb) ** 2).mean()
    loss.backward()
    step += 1
    with torch.no_grad():
        g = params.grad
        m.mul_(0.9).add_(g, alpha=0.1)
        v.mul_(0.999).addcmul_(g, g, value=0.001)
        alpha = 0.001 * math.sqrt(1 - 0.999 ** step) / (1 - 0.9 ** step)
        params.addcdiv_(m, v.sqrt().add_(1e-7), value=-alpha)
        params.grad.zero_()
    return loss.item()


train_step(wx[:1], wy[:1])
history = []
for epoch in range(2):
    total = 0.0
    for start in range(0, len(wx), 8):
        xb, yb = wx[start: start + 8], wy[start: start + 8]
        total += train_step(xb, yb) * xb.shape[0]
    history.append(total / len(wx))

with torch.no_grad():
    prediction = forward(params, wx)

with open(os.path.join(HERE, "lstm.json"), "w") as fh:
    json.dump({"X": X.astype(float).tolist(), "lookback": lookback, "initial": initial.astype(float).tolist(),
               "forward_initial": forward_initial.numpy().astype(float).tolist(),
               "forecast_targets": fy.numpy().astype(float).tolist(),
               "final": params.detach().numpy().astype(float).tolist(), "loss": history,
               "prediction": prediction.numpy().astype(float).tolist()}, fh)
