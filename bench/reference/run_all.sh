#!/usr/bin/env bash
# Runs gluon-rs, MXNet 1.9.1 and PyTorch on the same workloads, alternating, REPEAT times
# each, all on 2 threads, and prints every JSON line. Usage:
#   bench/reference/run_all.sh [REPEAT] [WORKLOAD ...]      (default: 5 W1 W2 W3)
# Needs the venv made by bench/reference/setup.sh (or VENV=path).
set -euo pipefail
cd "$(dirname "$0")/../.."
repeat="${1:-5}"
shift || true
workloads=("${@:-W1 W2 W3}")
venv="${VENV:-bench/reference/.venv}"
[ -x "$venv/bin/python" ] || { echo "no Python at $venv/bin/python: run bench/reference/setup.sh first (or set VENV)" >&2; exit 1; }
venv="$(cd "$venv" && pwd)"
export BENCH_THREADS=2 MATMUL_NUM_THREADS=2 RAYON_NUM_THREADS=2 OMP_NUM_THREADS=2
cargo bench -p gluon-rs --bench workloads --no-run >&2
ours=$(ls -t target/release/deps/workloads-* | grep -v '\.d$' | head -n 1)
for workload in ${workloads[*]}; do
  for _ in $(seq "$repeat"); do
    "$ours" "$workload"
    (cd bench/reference && "$venv/bin/python" mxnet_bench.py "$workload")
    (cd bench/reference && "$venv/bin/python" torch_bench.py "$workload")
  done
done
