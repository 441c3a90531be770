"""The seed program's protocol on data/anes96.csv in MXNet 1.9.1, over many seeds.

For each seed: MXNet's and NumPy's generators seeded (Gluon's shuffling draws from NumPy),
the tutorial's network (Dense(10, relu) x 3 + Dense(1), Xavier), SGD at 0.1, batches of 10
shuffled, `trainer.step` with the batch's actual size (as `gluon-rs train` does), 10 epochs,
on the recorded split standardized by the training rows. Prints one JSON line per seed with
the validation accuracy (threshold 0.5) and log-loss, to set beside `gluon-rs train --seed S`
(see BENCHMARKS.md, "anes96"). Usage:

    bench/reference/.venv/bin/python bench/reference/anes96_seeds.py FIRST COUNT
"""

import json
import sys

import mxnet as mx
import numpy as np
from mxnet import autograd, gluon

from anes96_replay import load, seed_network


def run(seed, train, validation):
    mx.random.seed(seed)
    np.random.seed(seed)
    net = seed_network()
    loss = gluon.loss.SigmoidBinaryCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    dataset = gluon.data.ArrayDataset(mx.nd.array(train[0]), mx.nd.array(train[1]))
    loader = gluon.data.DataLoader(dataset, batch_size=10, shuffle=True)
    for _ in range(10):
        for data, label in loader:
            with autograd.record():
                batch_loss = loss(net(data), label)
            batch_loss.backward()
            trainer.step(data.shape[0])
    probability = net(mx.nd.array(validation[0])).sigmoid().asnumpy().reshape(-1)
    y = validation[1]
    accuracy = float(np.mean((probability > 0.5) == (y == 1)))
    p = np.clip(probability.astype(np.float64), 1e-15, 1 - 1e-15)
    log_loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return {"seed": seed, "accuracy": accuracy, "log_loss": log_loss}


def main():
    first, count = int(sys.argv[1]), int(sys.argv[2])
    train, validation = load("anes96")
    for seed in range(first, first + count):
        print(json.dumps(run(seed, train, validation)), flush=True)


if __name__ == "__main__":
    main()
