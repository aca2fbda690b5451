"""PyTorch reference for the Keras optimizers and losses of the network trainers.

One small network (3 inputs -> Dense(4, tanh) -> Dense(2, linear), no regulariser), 8 rows,
batch 4 in order (two gradient steps, so optimizer state carries over), one epoch:
* each optimizer with the MSE loss: torch.optim where its update is Keras 3's (SGD with momentum
  and nesterov, Adadelta); Keras 3's `update_step` written out in torch for the others (Adam's
  and Adamax's epsilon placement, RMSprop's and Adagrad's epsilon inside the square root differ
  from torch.optim; torch 1.13's NAdam multiplies mu twice into its next-step product, a bug
  fixed in later releases, so Nadam follows Keras' formula with its 0.96^t schedule);
* each loss with SGD(0.01): Keras 3's loss functions in torch, gradients by autograd.
Writes optimizers.json (data, initial and final flat weights, epoch loss) for
tests/Gordo.Tests/Models/OptimizerParityTests.fs. Run with Debian's python3-torch:
    /usr/bin/python3 tests/reference/models/optimizers.py
"""
import json
import math
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_num_threads(1)
EPS = 1e-7

rng = np.random.RandomState(5)
X = rng.uniform(-1, 1, size=(8, 3)).astype(np.float32)
Y = np.stack([X[:, 0] * 0.5 + 0.8, np.abs(X[:, 1]) + 0.2], axis=1).astype(np.float32)
INITIAL = rng.uniform(-0.6, 0.6, size=4 * 3 + 4 + 2 * 4 + 2).astype(np.float32)


def forward(p, x):
    w1, b1 = p[0:12].view(4, 3), p[12:16]
    w2, b2 = p[16:24].view(2, 4), p[24:26]
    return torch.tanh(x @ w1.T + b1) @ w2.T + b2


def loss_of(name, out, y):
    d = out - y
    if name == "mean_squared_error":
        return d.square().mean()
    if name == "mean_absolute_error":
        return d.abs().mean()
    if name == "mean_absolute_percentage_error":
        return 100.0 * (d.abs() / y.abs().clamp_min(EPS)).mean()
    if name == "mean_squared_logarithmic_error":
        a = torch.log(out.clamp_min(EPS) + 1.0)
        b = torch.log(y.clamp_min(EPS) + 1.0)
        return (a - b).square().mean()
    if name == "huber":
        a = d.abs()
        return torch.where(a <= 1.0, 0.5 * d * d, a - 0.5).mean()
    if name == "log_cosh":
        return (d + torch.nn.functional.softplus(-2.0 * d) - math.log(2.0)).mean()
    raise ValueError(name)


class KerasStep:
    """Keras 3's update_step for the optimizers whose update torch.optim does not share."""

    def __init__(self, kind, p, **kw):
        self.kind, self.kw, self.t = kind, kw, 0
        self.m, self.v, self.extra = torch.zeros_like(p), torch.zeros_like(p), torch.zeros_like(p)
        if kind == "Adagrad":
            self.v.fill_(kw["initial_accumulator_value"])

    def step(self, p, g):
        self.t += 1
        k, t, m, v = self.kw, self.t, self.m, self.v
        lr = k["learning_rate"]
        if self.kind == "Adam":
            alpha = lr * math.sqrt(1 - k["beta_2"] ** t) / (1 - k["beta_1"] ** t)
            m.mul_(k["beta_1"]).add_(g, alpha=1 - k["beta_1"])
            v.mul_(k["beta_2"]).addcmul_(g, g, value=1 - k["beta_2"])
            second = v
            if k.get("amsgrad"):
                torch.maximum(self.extra, v, out=self.extra)
                second = self.extra
            p.sub_(alpha * m / (second.sqrt() + k["epsilon"]))
        elif self.kind == "RMSprop":
            rho = k["rho"]
            v.mul_(rho).add_((1 - rho) * g * g)
            if k["centered"]:
                self.extra.mul_(rho).add_((1 - rho) * g)
                denominator = v - self.extra.square() + k["epsilon"]
            else:
                denominator = v + k["epsilon"]
            increment = lr * g / denominator.sqrt()
            if k["momentum"] > 0:
                m.mul_(k["momentum"]).add_(increment)
                p.sub_(m)
            else:
                p.sub_(increment)
        elif self.kind == "Adagrad":
            v.add_(g * g)
            p.sub_(lr * g / (v + k["epsilon"]).sqrt())
        elif self.kind == "Nadam":
            b1, b2 = k["beta_1"], k["beta_2"]
            u = b1 * (1.0 - 0.5 * 0.96 ** t)
            u_next = b1 * (1.0 - 0.5 * 0.96 ** (t + 1))
            self.u_product = getattr(self, "u_product", 1.0) * u
            m.add_((g - m) * (1 - b1))
            v.add_((g * g - v) * (1 - b2))
            m_hat = u_next * m / (1 - self.u_product * u_next) + (1 - u) * g / (1 - self.u_product)
            p.sub_(lr * m_hat / ((v / (1 - b2 ** t)).sqrt() + k["epsilon"]))
        elif self.kind == "Adamax":
            m.add_((g - m) * (1 - k["beta_1"]))
            torch.maximum(k["beta_2"] * v, g.abs(), out=v)
            p.sub_(lr * m / ((1 - k["beta_1"] ** t) * (v + k["epsilon"])))


def train(loss_name, make):
    p = torch.tensor(INITIAL.copy(), requires_grad=True)
    optimizer = make(p)
    total = 0.0
    for start in (0, 4):
        x, y = torch.tensor(X[start:start + 4]), torch.tensor(Y[start:start + 4])
        loss = loss_of(loss_name, forward(p, x), y)
        if isinstance(optimizer, KerasStep):
            p.grad = None
            loss.backward()
            with torch.no_grad():
                optimizer.step(p, p.grad)
        else:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        total += float(loss) * 4
    return {"final": p.detach().numpy().astype(float).tolist(), "loss": total / 8}


def keras(kind, **kw):
    return lambda p: KerasStep(kind, p, **kw)


OPTIMIZERS = {
    "Adam": ({}, keras("Adam", learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=EPS)),
    "Adam amsgrad": ({"amsgrad": True},
                     keras("Adam", learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=EPS, amsgrad=True)),
    "SGD": ({}, lambda p: torch.optim.SGD([p], lr=0.01)),
    "SGD momentum": ({"momentum": 0.9}, lambda p: torch.optim.SGD([p], lr=0.01, momentum=0.9)),
    "SGD nesterov": ({"momentum": 0.9, "nesterov": True},
                     lambda p: torch.optim.SGD([p], lr=0.01, momentum=0.9, nesterov=True)),
    "RMSprop": ({}, keras("RMSprop", learning_rate=0.01, rho=0.9, momentum=0.0, epsilon=EPS, centered=False)),
    "RMSprop centered momentum": ({"centered": True, "momentum": 0.5},
                                  keras("RMSprop", learning_rate=0.01, rho=0.9, momentum=0.5, epsilon=EPS,
                                        centered=True)),
    "Adagrad": ({}, keras("Adagrad", learning_rate=0.01, initial_accumulator_value=0.1, epsilon=EPS)),
    "Adadelta": ({}, lambda p: torch.optim.Adadelta([p], lr=0.01, rho=0.95, eps=EPS)),
    "Adamax": ({}, keras("Adamax", learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=EPS)),
    "Nadam": ({}, keras("Nadam", learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=EPS)),
}

LOSSES = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
          "mean_squared_logarithmic_error", "huber", "log_cosh"]

out = {
    "X": X.astype(float).tolist(),
    "Y": Y.astype(float).tolist(),
    "initial": INITIAL.astype(float).tolist(),
    "optimizers": [],
    "losses": [],
}
for label, (settings, make) in OPTIMIZERS.items():
    name = label.split(" ")[0]
    result = train("mean_squared_error", make)
    out["optimizers"].append({"label": label, "name": name,
                              "settings": dict(settings, learning_rate=0.01), **result})
for loss in LOSSES:
    out["losses"].append({"name": loss, **train(loss, lambda p: torch.optim.SGD([p], lr=0.01))})

with open(os.path.join(HERE, "optimizers.json"), "w") as f:
    json.dump(out, f, indent=1)
