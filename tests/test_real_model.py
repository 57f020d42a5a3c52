"""End to end with the real embedded model (llama-cpp-python server, Qwen2.5-Coder-1.5B Q4_K_M).

Takes about 1-2 minutes on a 2-core CPU: loading the server ~5 s, a first answer ~30 s (the
fixed prompt prefix is evaluated once), later answers ~10-20 s. Runs in CI.
"""

from __future__ import annotations

import pytest

from coach.answer import Coach
from coach.llm_server import chat_model, serving_models, stop_local_server
from coach.model_files import is_assembled
from coach.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.real_model

MODELS = PROJECT_ROOT / "models"


@pytest.fixture(scope="module")
def real_coach(built_index, retriever):
    settings = Settings(corpus_dir=built_index.corpus_dir, index_dir=built_index.index_dir, models_dir=MODELS)
    if not is_assembled(MODELS):
        pytest.fail("The local model is not assembled in models/. Run `make setup`.")
    already_running = serving_models(settings) is not None
    coach = Coach(settings, retriever, chat_model(settings))
    yield coach
    if not already_running:
        stop_local_server(settings)


def test_real_model_answers_6_weeks_with_a_citation_that_holds_it(real_coach):
    answer = real_coach.ask(
        "How many weeks should a backend developer spend on PyTorch when moving into deep learning?"
    )
    assert not answer.refused, answer.draft
    assert "6 weeks" in answer.answer
    cited = [c for c in answer.citations if f"[{c.n}]" in answer.answer]
    assert cited and any("6 weeks" in c.text for c in cited)
    assert answer.timings["total"] < 60


def test_real_model_follow_up_names_the_course(real_coach):
    answer = real_coach.conversation(
        [
            "How many weeks should a backend developer spend on PyTorch when moving into deep learning?",
            "Which course does the guide suggest for it?",
        ]
    )
    assert not answer.refused, answer.draft
    assert "PyTorch for Deep Learning" in answer.answer
    assert any("PyTorch for Deep Learning" in c.text for c in answer.citations)


def test_real_model_refuses_an_off_topic_question(real_coach):
    answer = real_coach.ask("Write me a poem about lasagna.")
    assert answer.refused and answer.citations == []
