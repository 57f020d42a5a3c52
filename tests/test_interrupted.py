"""A model that stops in the middle of an answer (its server killed: the connection breaks off
mid-stream): the user is told, and what was shown of the answer is never left standing as if it
were complete: on the page, through the API, and in `coach ask`. The model is faked; about 15 s."""

from __future__ import annotations

import pytest
from gradio_client import Client

from coach.chat import Conversation
from coach.cli import main
from tests.fake_llm import PHD_Q, PYTORCH_Q, FakeLLM, echo_top_passage, scripted
from tests.test_app import text

TAIL = "It is the skill the guide puts first for this move, before any of the others."
CUT_OFF = "stopped in the middle of its reply. Ask again."


def cut_after_first_sentence(fake: FakeLLM, first):
    """A reply of two sentences whose stream breaks off four words into the second: the first
    has been checked and shown by then."""

    def reply(messages: list[dict]) -> str:
        sentence = first(messages)
        fake.die_after = len(sentence.split()) + 4
        return f"{sentence} {TAIL}"

    return reply


def test_an_answer_cut_off_mid_stream_leaves_a_notice_in_place_of_what_was_shown(app_with):
    running = app_with(scripted(), facts=False)
    running.fake.reply = cut_after_first_sentence(running.fake, scripted())
    client = Client(running.url, verbose=False)
    job = client.submit(PYTORCH_Q, "All guides", api_name="/chat")
    messages, result, *_ = job.result(timeout=60)
    screens = [[text(m) for m in outputs[0]] for outputs in job.outputs()]
    # The first sentence was on screen while the answer streamed ...
    assert any("6 weeks" in s[-1] and "Sources" not in s[-1] for s in screens[:-1])
    # ... and the last screen has the question and the notice only: no sources, no sentence.
    assert [text(m) for m in messages] == [PYTORCH_Q, f"⚠️ {result['error']}"]
    assert result["error"] == (
        f"The language model isn't answering, so I can't answer right now. The language model at "
        f"{running.fake.base_url} {CUT_OFF}"
    )
    # The conversation goes on; the failed turn is not what the next question is read against.
    running.fake.die_after, running.fake.reply = None, scripted()
    messages, result, *_ = client.predict(PYTORCH_Q, "All guides", api_name="/chat")
    assert "6 weeks" in result["answer"] and len(messages) == 5


def test_a_conversation_cut_off_mid_stream_keeps_no_partial_answer(coach_with):
    coach, fake = coach_with(scripted(), facts=False)
    fake.reply = cut_after_first_sentence(fake, scripted())
    conversation = Conversation()
    *streamed, last = conversation.reply(coach, PYTORCH_Q)
    assert any(s.busy and "6 weeks" in s.messages[-1]["content"] for s in streamed)
    assert not last.busy and last.result == {"error": last.messages[-1]["content"][3:].replace("\\", "")}
    assert len(last.messages) == 2 and "6 weeks" not in str(last.messages)
    assert conversation.turns[-1].answer is None and conversation.session.turns == []


@pytest.fixture
def cutting_endpoint(built_index, monkeypatch):
    with FakeLLM(echo_top_passage) as fake:
        fake.reply = cut_after_first_sentence(fake, echo_top_passage)
        monkeypatch.setenv("COACH_INDEX_DIR", str(built_index.index_dir))
        monkeypatch.setenv("COACH_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("COACH_LLM_MODEL", fake.model)
        yield fake


def test_coach_ask_cut_off_mid_stream_says_the_printed_answer_is_incomplete(cutting_endpoint, capsys):
    code = main(["ask", PHD_Q])  # an FAQ: the model path answers it
    out, err = capsys.readouterr()
    assert code == 1
    first, said = out.split("\n\n")
    assert first.endswith("[1].") and TAIL.split()[0] not in first
    assert said == "(Interrupted: the model stopped, so the answer above is incomplete.)\n"
    assert err == f"coach: The language model at {cutting_endpoint.base_url} {CUT_OFF}\n"


def test_coach_ask_json_cut_off_mid_stream_prints_no_answer(cutting_endpoint, capsys):
    code = main(["ask", "--json", PHD_Q])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err == f"coach: The language model at {cutting_endpoint.base_url} {CUT_OFF}\n"
