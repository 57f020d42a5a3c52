"""Shared fixtures: the real MiniLM model, the real corpus, and storage kept in tmp_path."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from coach.answer import Coach
from coach.embeddings import MiniLMEmbedder
from coach.feedback import FeedbackStore
from coach.llm import OpenAIChatModel
from coach.settings import PROJECT_ROOT, Settings, apply_process_switches
from tests.chroma_server import ChromaServer
from tests.fake_llm import FakeLLM

apply_process_switches()
CORPUS = PROJECT_ROOT / "corpus"
# The guides of the corpus, by the move or path each describes.
DL_TO_ARCHITECT, DL_TO_MLE, ARCHITECT_PATH, BACKEND_TO_DL, AI_ENGINEER = (
    "000_9e3a73c7d27677eb.txt",
    "001_4c8e3eb882205519.txt",
    "002_f509431828cc4a69.txt",
    "003_64d046e4da0a868d.txt",
    "004_119f0da49d63d80d.txt",
)


@pytest.fixture(autouse=True)
def _isolated_storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the real index/: every storage path points into tmp_path."""
    monkeypatch.setenv("COACH_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("COACH_CORPUS_DIR", str(CORPUS))
    monkeypatch.delenv("COACH_CHROMA_URL", raising=False)


@pytest.fixture(scope="session")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


class CountingEmbedder(MiniLMEmbedder):
    """The real model, counting how many texts it was asked to embed."""

    def __init__(self, real: MiniLMEmbedder) -> None:
        super().__init__(real.model_dir)
        self._model = real._load()
        self.embedded = 0

    def __call__(self, texts):
        self.embedded += len(texts)
        return super().__call__(texts)


@pytest.fixture
def counting(embedder: MiniLMEmbedder) -> CountingEmbedder:
    return CountingEmbedder(embedder)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the real corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def settings_for(tmp_path: Path):
    def make(corpus: Path = CORPUS, **overrides) -> Settings:
        return Settings(corpus_dir=corpus, index_dir=tmp_path / "index", **overrides)

    return make


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> Settings:
    """The real corpus indexed once for the whole session, in a temporary folder."""
    from coach.store import build_index

    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path_factory.mktemp("shared") / "index")
    build_index(settings, embedder)
    return settings


@pytest.fixture(scope="session")
def retriever(built_index: Settings, embedder: MiniLMEmbedder):
    from coach.retrieve import Retriever

    return Retriever.open(built_index, embedder)


@pytest.fixture
def coach_with(built_index, retriever):
    servers: list[FakeLLM] = []

    def make(reply, facts: bool = True) -> tuple[Coach, FakeLLM]:
        """facts=False: no answer is composed from the facts, so every question takes the model path."""
        fake = FakeLLM(reply).__enter__()
        servers.append(fake)
        model = OpenAIChatModel(fake.base_url, fake.model, None, timeout=10)
        coach = Coach(built_index, retriever, model)
        if not facts:
            coach.facts = {}
        return coach, fake

    yield make
    for fake in servers:
        fake.__exit__(None, None, None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """A real Chroma server (`chroma run`) on a free loopback port, for the whole session."""
    with ChromaServer(tmp_path_factory.mktemp("chroma") / "data", free_port()) as server:
        yield server


@pytest.fixture
def chroma(chroma_server: ChromaServer) -> ChromaServer:
    """The session's Chroma server, emptied for this test."""
    chroma_server.wipe()
    return chroma_server


@pytest.fixture
def launch(tmp_path):
    """launch(coach) serves the chat app for that coach on a free port; returns (url, feedback)."""
    launched = []

    def start(coach: Coach, status=None) -> tuple[str, FeedbackStore]:
        from app import build_app, launch_options

        feedback = FeedbackStore(tmp_path / "feedback")
        app = build_app(coach.settings, coach, feedback, status)
        port = free_port()
        app.launch(
            server_name="127.0.0.1",
            server_port=port,
            prevent_thread_lock=True,
            **launch_options(coach.settings),
        )
        launched.append(app)
        return f"http://127.0.0.1:{port}/", feedback

    yield start
    for app in launched:
        app.close()


@pytest.fixture
def app_with(coach_with, launch):
    """app_with(reply) serves the chat app with the model faked by that reply function."""

    def make(reply, facts: bool = True) -> SimpleNamespace:
        coach, fake = coach_with(reply, facts)
        url, feedback = launch(coach)
        return SimpleNamespace(url=url, fake=fake, feedback=feedback, coach=coach)

    return make
