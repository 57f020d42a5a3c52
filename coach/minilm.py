"""all-MiniLM-L6-v2 run in numpy, for embedding a question without loading torch.

The same weights (`model.safetensors`), tokenizer (`tokenizer.json`) and steps as
sentence-transformers: BERT's six layers, mean pooling over the real tokens, unit length. A
question is a few dozen tokens, so numpy embeds it in milliseconds, and a command that asks
one question starts in a fraction of the time torch takes to import. Index builds keep
sentence-transformers (many passages, batched); a test checks that both give the same vectors.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from coach.errors import CoachError

HEADS = 12
EPS = 1e-12  # BERT's layer-norm epsilon (config.json)


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + EPS) * weight + bias


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz and Stegun 7.1.26: within 1.5e-7 of erf, below float32's resolution here."""
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return np.sign(x) * (1.0 - poly * np.exp(-x * x))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))


class NumpyMiniLM:
    """Encodes texts to unit vectors, one text at a time (no padding to mask)."""

    def __init__(self, model_dir: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        weights_file, tokenizer_file = model_dir / "model.safetensors", model_dir / "tokenizer.json"
        if not weights_file.is_file() or not tokenizer_file.is_file():
            raise CoachError(
                f"No MiniLM weights or tokenizer in {model_dir}. "
                "Reinstall with `make setup` or point COACH_EMBEDDING_MODEL_DIR at a model folder."
            )
        self.w = load_file(str(weights_file))
        config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(config["max_seq_length"])
        self.layers = 1 + max(int(k.split(".")[2]) for k in self.w if k.startswith("encoder.layer."))

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        return _layer_norm(x, self.w[f"{name}.LayerNorm.weight"], self.w[f"{name}.LayerNorm.bias"])

    def encode(self, text: str) -> np.ndarray:
        ids = np.array(self.tokenizer.encode(text).ids)
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: len(ids)]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings")
        n, size = x.shape
        head = size // HEADS
        for i in range(self.layers):
            at = f"encoder.layer.{i}"
            q, k, v = (
                self._dense(x, f"{at}.attention.self.{p}").reshape(n, HEADS, head).transpose(1, 0, 2)
                for p in ("query", "key", "value")
            )
            scores = q @ k.transpose(0, 2, 1) / np.sqrt(head)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            context = (scores / scores.sum(-1, keepdims=True)) @ v
            attended = self._dense(
                context.transpose(1, 0, 2).reshape(n, size), f"{at}.attention.output.dense"
            )
            x = self._norm(x + attended, f"{at}.attention.output")
            inner = _gelu(self._dense(x, f"{at}.intermediate.dense"))
            x = self._norm(x + self._dense(inner, f"{at}.output.dense"), f"{at}.output")
        pooled = x.mean(0)
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)
