"""End to end with the real embedded model (llama-cpp-python server, Qwen2.5-Coder-1.5B Q4_K_M).

Takes about 2-3 minutes on a 2-core CPU: loading the server ~5 s, a first answer ~30 s (the
fixed prompt prefix is evaluated once), later answers ~10-20 s. Runs in CI.
"""

from __future__ import annotations

import re

import pytest

from coach.answer import Coach
from coach.llm_server import chat_model, port_taken, stop_local_server
from coach.model_files import is_assembled
from coach.session import ask_all
from coach.settings import PROJECT_ROOT, Settings
from tests.fake_llm import PYTORCH_Q

pytestmark = pytest.mark.real_model

MODELS = PROJECT_ROOT / "models"


@pytest.fixture(scope="module")
def real_coach(built_index, retriever):
    settings = Settings(corpus_dir=built_index.corpus_dir, index_dir=built_index.index_dir, models_dir=MODELS)
    if not is_assembled(MODELS):
        pytest.fail("The local model is not assembled in models/. Run `make setup`.")
    already_running = port_taken(settings)
    coach = Coach(settings, retriever, chat_model(settings))
    yield coach
    if not already_running:
        stop_local_server(settings)


def test_real_model_answers_6_weeks_with_a_citation_that_holds_it(real_coach):
    answer = real_coach.ask(PYTORCH_Q)
    assert not answer.refused, answer.draft
    assert "6 weeks" in answer.answer
    cited = [c for c in answer.citations if f"[{c.n}]" in answer.answer]
    assert cited and any("6 weeks" in c.text for c in cited)
    assert answer.timings["total"] < 60


def test_real_model_follow_up_names_the_course(real_coach):
    answer = ask_all(
        real_coach,
        [
            "How many weeks should a backend developer spend on PyTorch when moving into deep learning?",
            "Which course does the guide suggest for it?",
        ],
    )
    assert not answer.refused, answer.draft
    assert "PyTorch for Deep Learning" in answer.answer
    assert any("PyTorch for Deep Learning" in c.text for c in answer.citations)


def test_real_model_refuses_an_off_topic_question(real_coach):
    answer = real_coach.ask("Write me a poem about lasagna.")
    assert answer.refused and answer.citations == []


def test_real_question_through_the_chat_app_shows_sources_then_a_cited_answer(real_coach, launch):
    from gradio_client import Client

    url, _ = launch(real_coach)
    job = Client(url, verbose=False).submit(PYTORCH_Q, "All guides", api_name="/chat")
    messages, result, *_ = job.result(timeout=300)
    screens = [[part["text"] for m in outputs[0] for part in m["content"]] for outputs in job.outputs()]
    # Sources first: a screen with the passages and no answer yet, before any sentence arrives.
    assert any(s[-1] == "_Writing an answer from these passages…_" and "<details" in s[1] for s in screens)
    assert "6 weeks" in result["answer"] and not result["refused"]
    shown = messages[-1]["content"][0]["text"]
    markers = {int(n) for n in re.findall(r"\[(\d)\]", shown)}
    assert markers and "6 weeks" in shown
    sources = messages[1]["content"][0]["text"]
    assert any("6 weeks" in sources.split(f"<b>[{n}]</b>")[1].split("</details>")[0] for n in markers)
