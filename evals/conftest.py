"""Evals run on the real components, against an index built from corpus/ in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.embeddings import MiniLMEmbedder
from coach.settings import PROJECT_ROOT, Settings, apply_process_switches

apply_process_switches()
RESULTS = PROJECT_ROOT / "results"


@pytest.fixture(scope="session")
def eval_retriever(tmp_path_factory: pytest.TempPathFactory):
    from coach.retrieve import Retriever
    from coach.store import build_index

    settings = Settings(
        corpus_dir=PROJECT_ROOT / "corpus", index_dir=tmp_path_factory.mktemp("eval") / "index"
    )
    embedder = MiniLMEmbedder()
    build_index(settings, embedder)
    return Retriever.open(settings, embedder)


@pytest.fixture(scope="session")
def results_dir() -> Path:
    RESULTS.mkdir(exist_ok=True)
    return RESULTS
