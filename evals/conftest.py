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


@pytest.fixture(scope="session")
def say(pytestconfig: pytest.Config):
    """Print at once, past pytest's output capture: progress of long runs."""
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")

    def print_now(line: str) -> None:
        with capture.global_and_fixture_disabled():
            print(line, flush=True)

    return print_now


@pytest.fixture(scope="session")
def eval_coach(eval_retriever):
    """The coach with the configured model and the states its layout reads kept (with
    COACH_MODEL_CONTEXT a guide layout, each guide's); an embedded server it starts is stopped
    afterwards."""
    from coach.answer import Coach
    from coach.llm_server import chat_model, port_taken, stop_local_server
    from coach.settings import load_settings

    settings = load_settings()
    running = bool(settings.llm_base_url) or port_taken(settings)
    coach = Coach(settings, eval_retriever, chat_model(settings))
    coach.keep_states()  # the embedded model reads each guide not kept yet, as the chat page has it
    yield coach
    if not running:
        stop_local_server(settings)
