"""MXNet 1.9.1 reference for the workloads in workloads.py: python mxnet_bench.py W1 [W2 W3]."""
import os
import sys
import time

THREADS = int(os.environ.get("BENCH_THREADS", "2"))
os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))
os.environ.setdefault("MXNET_CPU_WORKER_NTHREADS", str(THREADS))

import mxnet as mx  # noqa: E402
import numpy as np  # noqa: E402
from mxnet import autograd, gluon, nd  # noqa: E402
from mxnet.gluon import nn  # noqa: E402

from workloads import WORKLOADS, make_data, report  # noqa: E402


def run(name):
    w = WORKLOADS[name]
    start = time.perf_counter()
    mx.random.seed(12345)
    np.random.seed(0)
    x, y, xv, yv = make_data(name)
    train = gluon.data.DataLoader(gluon.data.ArrayDataset(nd.array(x), nd.array(y)),
                                  batch_size=w["batch"], shuffle=True)
    net = nn.HybridSequential()
    with net.name_scope():
        for units in w["hidden"]:
            net.add(nn.Dense(units, activation="relu"))
        net.add(nn.Dense(1))
    net.initialize(mx.init.Xavier())
    net.hybridize()
    loss_fn = gluon.loss.SigmoidBinaryCrossEntropyLoss()
    params = {"learning_rate": w["lr"]}
    if w["momentum"]:
        params["momentum"] = w["momentum"]
    trainer = gluon.Trainer(net.collect_params(), "sgd", params)
    accuracy = mx.metric.Accuracy()
    f1 = mx.metric.F1()
    xv_nd, yv_nd = nd.array(xv), nd.array(yv)
    setup = time.perf_counter() - start

    start = time.perf_counter()
    steps = 0
    for _ in range(w["epochs"]):
        total = 0.0
        for data, label in train:
            with autograd.record():
                loss = loss_fn(net(data), label)
            loss.backward()
            trainer.step(data.shape[0])
            total += nd.sum(loss).asscalar()
            steps += 1
        final_loss = total / w["train"]
        accuracy.reset()
        prob = net(xv_nd).sigmoid().reshape(-1)
        accuracy.update(yv_nd, nd.ceil(prob - 0.5))
        f1.update(yv_nd, nd.stack(1 - prob, prob, axis=1))
    train_s = time.perf_counter() - start
    report("mxnet-1.9.1", name, setup, train_s, steps, final_loss, accuracy.get()[1], THREADS)


if __name__ == "__main__":
    for workload in sys.argv[1:] or ["W1"]:
        run(workload)
