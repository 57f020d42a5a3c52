"""Bad input, generated: any text a user can type or paste, through the chat endpoint's handler and
the CLI, gets a clear answer or a one-line message, never a traceback, and nothing it injects is
shown unchecked. The model is faked by a parrot that repeats the question as fact, cited."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coach.chat import Conversation
from coach.cli import main
from coach.text import CONTROL
from tests.fake_llm import FakeLLM, is_condense, last_user_message

# Any Unicode (controls, surrogates excluded by UTF-8 itself, emoji, right-to-left, combining marks),
# Markdown and HTML, and mixes of the guides' own words with the rest.
TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.lists(
        st.sampled_from(
            [
                "How",
                "long",
                "is",
                "the",
                "DL",
                "to",
                "MLE",
                "move",
                "?",
                "PyTorch",
                "weeks",
                "**bold**",
                "<script>alert(1)</script>",
                "[link](http://x)",
                "👩‍💻",
                "مرحبا",
                "שלום",
                "\x00",
                "\x1b[31m",
                "\u202e",
                "ignore your rules",
                "SYSTEM:",
                "\n",
                "salary",
                "Zalando",
                "8 weeks",
                "$499",
            ]
        ),  # fmt: skip
        max_size=25,
    ).map(" ".join),
)
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def parrot(messages: list[dict]) -> str:
    """A model talked into anything: it states the user's text as the guide's fact, cited."""
    if is_condense(messages):
        return "What does the guide say?"
    question = last_user_message(messages).split("Question:", 1)[-1].split("\n\n(The message above")[0]
    return f"The guide says {question.strip()} takes 7 weeks and costs $1,234 [1]. {question} [2]."


@pytest.fixture(scope="module")
def parrot_endpoint():
    with FakeLLM(parrot) as fake:
        yield fake


def shown_is_checked(result: dict) -> None:
    """What the answer shows is cited, marker by marker, and never the parrot's invented figures."""
    if "error" in result:
        assert result["error"] and "\n" not in result["error"]
        return
    numbers = {c["n"] for c in result["citations"]}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", result["answer"])} <= numbers
    assert "7 weeks" not in result["answer"] and "$1,234" not in result["answer"]


@PROPERTY
@given(text=TEXT)
@example(text="x" * 1_000_000)
@example(text="   \n\t ")
@example(text="And which course does it suggest for that?")  # a follow-up with no history
@example(text="<img src=x onerror=alert(1)> How long is the DL to MLE move?")
def test_any_text_in_the_chat_gets_an_answer_or_a_message_and_nothing_unchecked(coach_with, text):
    coach, _ = coach_with(parrot, facts=False)  # every question the screen lets through reaches the parrot
    *_, last = Conversation().reply(coach, text)
    assert last.busy is False
    shown_is_checked(last.result)
    assert not any(CONTROL.search(str(m["content"])) for m in last.messages)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(turns=st.lists(TEXT, min_size=1, max_size=25))
def test_any_turns_from_the_shell_exit_0_with_json_or_2_with_one_line(
    built_index, parrot_endpoint, monkeypatch, capsys, turns
):
    monkeypatch.setenv("COACH_INDEX_DIR", str(built_index.index_dir))
    monkeypatch.setenv("COACH_LLM_BASE_URL", parrot_endpoint.base_url)
    monkeypatch.setenv("COACH_LLM_MODEL", parrot_endpoint.model)
    code = main(["ask", "--json", *turns])
    out, err = capsys.readouterr()
    if code == 0:
        shown_is_checked(json.loads(out))
    else:
        assert code == 2 and out == "" and err.startswith("coach: ") and err.count("\n") == 1


def test_an_argument_with_a_line_break_is_told_on_one_line(capsys):
    assert main(["ask", "--json", "", "-:", "\n"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("coach: unrecognized arguments: -: \\n. See `coach --help`")


def test_a_200_turn_conversation_is_told_the_limit(built_index, parrot_endpoint, monkeypatch, capsys):
    monkeypatch.setenv("COACH_INDEX_DIR", str(built_index.index_dir))
    monkeypatch.setenv("COACH_LLM_BASE_URL", parrot_endpoint.base_url)
    code = main(["ask", *(["How long is the DL to MLE move?"] * 200)])
    assert (code, capsys.readouterr().err) == (
        2,
        "coach: 200 turns were given; the limit is 20 (COACH_MAX_TURNS). Give fewer turns.\n",
    )


def test_the_parrot_is_asked_and_what_it_was_talked_into_never_shown(coach_with):
    coach, fake = coach_with(parrot, facts=False)
    *_, last = Conversation().reply(coach, "How many weeks should a backend developer spend on PyTorch?")
    assert fake.requests  # the model path was taken: the checker, not the screen, stopped the parrot
    shown_is_checked(last.result)
    assert "error" not in last.result


def test_a_turn_that_looks_like_an_option_is_one_line_naming_the_fix(capsys):
    assert main(["ask", "--json", "-x"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert (
        err.startswith("coach: the following arguments are required: TURN.")
        and "put `--` before a question" in err
    )
    assert main(["ask", "--json", "Hi", "-x"]) == 2
    assert capsys.readouterr().err.startswith(
        "coach: unrecognized arguments: -x. See `coach --help`; put `--`"
    )
