#!/usr/bin/env bash
set -euo pipefail
venv="${1:-$(dirname "$0")/.venv}"
python3.11 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet "numpy==1.23.5" "mxnet==1.9.1" "torch==2.5.1"
"$venv/bin/python" -c "import mxnet, torch, numpy; print('mxnet', mxnet.__version__, 'torch', torch.__version__, 'numpy', numpy.__version__)"
