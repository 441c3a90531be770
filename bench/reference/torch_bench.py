"""PyTorch reference for the workloads in workloads.py: python torch_bench.py W1 [W2 W3]."""
import os
import sys
import time

THREADS = int(os.environ.get("BENCH_THREADS", "2"))
os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

from workloads import WORKLOADS, make_data, report  # noqa: E402


def run(name):
    w = WORKLOADS[name]
    torch.set_num_threads(THREADS)
    start = time.perf_counter()
    torch.manual_seed(12345)
    x, y, xv, yv = make_data(name)
    train = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
                       batch_size=w["batch"], shuffle=True)
    layers, width = [], w["features"]
    for units in w["hidden"]:
        layers += [nn.Linear(width, units), nn.ReLU()]
        width = units
    layers.append(nn.Linear(width, 1))
    net = nn.Sequential(*layers)
    for layer in net:
        if isinstance(layer, nn.Linear):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    loss_fn = nn.BCEWithLogitsLoss(reduction="none")
    optimizer = torch.optim.SGD(net.parameters(), lr=w["lr"], momentum=w["momentum"])
    xv_t, yv_t = torch.from_numpy(xv), torch.from_numpy(yv)
    setup = time.perf_counter() - start

    start = time.perf_counter()
    steps = 0
    for _ in range(w["epochs"]):
        total = 0.0
        for data, label in train:
            optimizer.zero_grad()
            loss = loss_fn(net(data).reshape(-1), label)
            loss.mean().backward()
            optimizer.step()
            total += loss.sum().item()
            steps += 1
        final_loss = total / w["train"]
        with torch.no_grad():
            prob = torch.sigmoid(net(xv_t).reshape(-1))
            accuracy = ((prob > 0.5).float() == yv_t).float().mean().item()
    train_s = time.perf_counter() - start
    report(f"torch-{torch.__version__}", name, setup, train_s, steps, final_loss, accuracy, THREADS)


if __name__ == "__main__":
    for workload in sys.argv[1:] or ["W1"]:
        run(workload)
