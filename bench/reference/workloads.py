"""Synthetic data and settings shared by the MXNet and PyTorch reference benchmarks.

The three workloads of BENCHMARKS.md. Data are made with numpy from fixed seeds, so both
frameworks train on the same rows; gluon-rs makes its own rows with the same recipe.
"""
import json
import numpy as np

WORKLOADS = {
    # The seed program: 1000 x 10 train, 100 validation, 10-10-10-1 MLP, batch 10.
    "W1": dict(train=1000, val=100, features=10, hidden=[10, 10, 10], batch=10,
               epochs=10, lr=0.1, momentum=0.0, rule="sum>3"),
    # Compute-bound: 200 000 x 100, 100-256-256-1, batch 1024, momentum 0.9.
    "W2": dict(train=200_000, val=10_000, features=100, hidden=[256, 256], batch=1024,
               epochs=3, lr=0.05, momentum=0.9, rule="linear"),
    # Large logistic regression: 1 000 000 x 100, Dense(1), batch 4096.
    "W3": dict(train=1_000_000, val=10_000, features=100, hidden=[], batch=4096,
               epochs=5, lr=0.1, momentum=0.0, rule="linear"),
}


def make_data(name, seed=0):
    """Rows from N(0, 1); the label is sum > 3 (W1) or a fixed random linear rule with noise."""
    w = WORKLOADS[name]
    rng = np.random.default_rng(seed)
    n = w["train"] + w["val"]
    x = rng.standard_normal((n, w["features"]), dtype=np.float32)
    if w["rule"] == "sum>3":
        y = (x.sum(axis=1) > 3).astype(np.float32)
    else:
        coef = np.random.default_rng(1234).standard_normal(w["features"]).astype(np.float32)
        noise = rng.standard_normal(n).astype(np.float32)
        y = (x @ coef / np.sqrt(w["features"]) + 0.5 * noise > 0).astype(np.float32)
    t = w["train"]
    return x[:t], y[:t], x[t:], y[t:]


def flops_per_sample(name):
    """Multiply-adds x 2 of forward + backward (about 3 x forward) per sample."""
    w = WORKLOADS[name]
    sizes = [w["features"]] + w["hidden"] + [1]
    forward = sum(2 * a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return 3 * forward


def report(impl, name, setup_s, train_s, steps, final_loss, val_acc, threads):
    w = WORKLOADS[name]
    samples = w["train"] * w["epochs"]
    line = {
        "impl": impl, "workload": name, "threads": threads,
        "setup_s": round(setup_s, 6), "train_s": round(train_s, 6),
        "step_us": round(train_s / steps * 1e6, 3),
        "samples_per_s": round(samples / train_s, 1),
        "gflops": round(samples * flops_per_sample(name) / train_s / 1e9, 3),
        "final_loss": round(float(final_loss), 6), "val_accuracy": round(float(val_acc), 6),
    }
    print(json.dumps(line), flush=True)
