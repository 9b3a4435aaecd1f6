"""PyTorch CPU peer for `convlab bench`: the same three models, the same timing scheme
(warm-up, repetitions of whole iterations, median, per-row time box), JSON on stdout.
Run with Debian's interpreter: /usr/bin/python3 bench/pytorch-bench.py --models lenet5 ...
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SHAPES = {"lenet5": (1, 28, 28), "vgg-small": (3, 32, 32), "resnet8": (3, 32, 32)}


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def vgg_small():
    def conv(i, o):
        return [nn.Conv2d(i, o, 3, padding=1), nn.ReLU()]
    return nn.Sequential(*conv(3, 32), *conv(32, 32), nn.MaxPool2d(2, 2),
                         *conv(32, 64), *conv(64, 64), nn.MaxPool2d(2, 2),
                         nn.Flatten(), nn.Linear(64 * 8 * 8, 10))


class Basic(nn.Module):
    def __init__(self, i, o, stride):
        super().__init__()
        self.c1 = nn.Conv2d(i, o, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(o)
        self.c2 = nn.Conv2d(o, o, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(o)
        self.proj = None
        if i != o or stride != 1:
            self.proj = nn.Sequential(nn.Conv2d(i, o, 1, stride, bias=False), nn.BatchNorm2d(o))

    def forward(self, x):
        y = self.b2(self.c2(F.relu(self.b1(self.c1(x)))))
        return F.relu(y + (x if self.proj is None else self.proj(x)))


def resnet8():
    return nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                         Basic(16, 16, 1), Basic(16, 32, 2), Basic(32, 64, 2),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


BUILD = {"lenet5": lenet5, "vgg-small": vgg_small, "resnet8": resnet8}


def time_steps(step, plan):
    budget = plan.row_budget
    start = time.perf_counter()
    boxed = False
    last = 0.0
    for i in range(max(1, plan.warmup)):
        if i > 0 and time.perf_counter() - start > budget / 3:
            boxed = True
            break
        t0 = time.perf_counter()
        step()
        last = time.perf_counter() - t0
    per = max(last, 1e-6)
    iters = max(1, math.ceil(plan.min_rep / per))
    left = budget - (time.perf_counter() - start)
    reps = max(1, min(plan.reps, int(left // (iters * per))))
    if reps < plan.reps:
        boxed = True
    samples = []
    for r in range(reps):
        t0 = time.perf_counter()
        for _ in range(iters):
            step()
        samples.append((time.perf_counter() - t0) / iters)
        if r + 1 < reps and time.perf_counter() - start > budget * 1.5:
            reps = r + 1
            boxed = True
            break
    return statistics.median(samples), reps, iters, boxed


def row(model, mode, batch, threads, timing):
    sec, reps, iters, boxed = timing
    r = {"model": model, "system": "pytorch", "mode": mode, "batch": batch,
         "imagesPerSecond": batch / sec, "threads": threads, "reps": reps}
    if mode == "infer" and batch == 1:
        r["latencyMs"] = sec * 1000
    if boxed:
        r["note"] = f"time-boxed: {reps} rep(s) of {iters} iteration(s)"
    return r


def bench_model(model, plan):
    torch.manual_seed(1)
    net = BUILD[model]()
    c, h, w = SHAPES[model]
    x = torch.rand(plan.batch, c, h, w) * 2 - 1
    y = torch.randint(0, 10, (plan.batch,))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def train():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    rows = []
    net.train()
    rows.append(row(model, "train", plan.batch, plan.threads, time_steps(train, plan)))
    net.eval()
    for batch, xb in ((plan.batch, x), (1, torch.rand(1, c, h, w))):
        def infer(xb=xb):
            with torch.no_grad():
                out = net(xb)
            assert out.shape == (xb.shape[0], 10)
        rows.append(row(model, "infer", batch, plan.threads, time_steps(infer, plan)))
    return rows


def blas():
    path = "/usr/lib/x86_64-linux-gnu/libblas.so.3"
    return os.path.realpath(path) if os.path.exists(path) else "unknown"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--models", default="lenet5,vgg-small,resnet8")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--min-rep", type=float, default=0.25)
    p.add_argument("--row-budget", type=float, default=12.0)
    plan = p.parse_args()
    torch.set_num_threads(plan.threads)
    rows = []
    for m in plan.models.split(","):
        if m not in BUILD:
            print(json.dumps({"error": f"unknown model {m}"}))
            return 2
        rows.extend(bench_model(m, plan))
        print(f"pytorch {m} done", file=sys.stderr, flush=True)
    info = {"torch": torch.__version__, "python": sys.version.split()[0], "blas": blas(),
            "threads": torch.get_num_threads(), "mkldnn": torch.backends.mkldnn.is_available()}
    print(json.dumps({"info": info, "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
