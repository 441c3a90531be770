"""MXNet 1.9.1 trained on exactly what `gluon-rs train` trains on for data/anes96.csv.

`gluon-rs train anes96.csv --split splits/anes96.json --seed S` (the seed program's
protocol) differs from MXNet's run of the same program only in its random draws: the
initial weights and the order of the shuffled batches. This script takes those draws from
the `replay_plan` example and gives them to MXNet, so that any difference left in the
per-epoch losses is a difference in the arithmetic. It prints the losses as the JSON
fixture that crates/gluon-cli/tests/cli.rs compares the CLI against:

    cargo run --release -p gluon-cli --example replay_plan -- 9 755 10 0 1 2 3 4 > plan.json
    bench/reference/.venv/bin/python bench/reference/anes96_replay.py plan.json \
        > crates/gluon-cli/tests/fixtures/anes96_mxnet_replay.json
"""

import csv
import json
import os
import sys

import mxnet as mx
import numpy as np
from mxnet import autograd, gluon

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
EPOCHS = 10
LEARNING_RATE = 0.1


def load(dataset):
    """Features and labels of the recorded split, standardized as `train` does: the
    training rows' mean and population std in float64, then float32."""
    with open(os.path.join(ROOT, "data", "splits", dataset + ".json")) as handle:
        split = json.load(handle)
    with open(os.path.join(ROOT, "data", split["csv"])) as handle:
        rows = list(csv.DictReader(handle))
    features = np.array(
        [[float(row[name]) for name in split["feature_columns"]] for row in rows]
    )
    labels = np.array([float(row[split["label_column"]]) for row in rows])
    train, validation = split["train"], split["validation"]
    mean = features[train].mean(axis=0)
    std = features[train].std(axis=0)
    std[std == 0] = 1.0
    z = ((features - mean) / std).astype(np.float32)
    return (z[train], labels[train].astype(np.float32)), (
        z[validation],
        labels[validation].astype(np.float32),
    )


def seed_network():
    """The seed program's network, Xavier-initialized (deferred until the first batch)."""
    net = gluon.nn.HybridSequential()
    with net.name_scope():
        for _ in range(3):
            net.add(gluon.nn.Dense(10, activation="relu"))
        net.add(gluon.nn.Dense(1))
    net.initialize(mx.init.Xavier())
    return net


def replay(plan, train, validation):
    """Per-epoch mean training loss and validation loss, trained as `train` does."""
    net = seed_network()
    net(mx.nd.array(train[0][:1]))
    ours = plan["params"]
    theirs = list(net.collect_params().values())
    assert [list(p.shape) for p in theirs] == [p["shape"] for p in ours]
    for param, saved in zip(theirs, ours):
        param.set_data(mx.nd.array(np.array(saved["values"]).reshape(saved["shape"])))

    loss = gluon.loss.SigmoidBinaryCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LEARNING_RATE})
    x, y = mx.nd.array(train[0]), mx.nd.array(train[1])
    val_x, val_y = mx.nd.array(validation[0]), mx.nd.array(validation[1])
    epochs = []
    for batches in plan["batches"][:EPOCHS]:
        total = 0.0
        for batch in batches:
            index = mx.nd.array(batch, dtype="int64")
            data, label = x.take(index), y.take(index)
            with autograd.record():
                batch_loss = loss(net(data), label)
            batch_loss.backward()
            trainer.step(len(batch))
            total += float(batch_loss.sum().asscalar())
        val_loss = float(loss(net(val_x), val_y).mean().asscalar())
        epochs.append({"train_loss": total / len(train[1]), "val_loss": val_loss})
    return epochs


def main():
    with open(sys.argv[1]) as handle:
        plans = json.load(handle)
    train, validation = load("anes96")
    fixture = {
        "about": "MXNet "
        + mx.__version__
        + " on data/anes96.csv with the recorded split, given the initial parameters and "
        "batch order of `gluon-rs train --seed S` (the replay_plan example); made by "
        "bench/reference/anes96_replay.py",
        "seeds": {seed: replay(plan, train, validation) for seed, plan in plans.items()},
    }
    json.dump(fixture, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
