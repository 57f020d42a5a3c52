"""The chat app, launched for real and called through `gradio_client`, with the model faked at its
HTTP interface. About 60 s: each test launches the app on its own port, and three run `app.py`."""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from gradio_client import Client
from pydantic import SecretStr

from coach.chat import Conversation, escape
from coach.feedback import FeedbackError, FeedbackStore, Vote
from coach.settings import PROJECT_ROOT, load_settings
from tests.conftest import free_port
from tests.fake_llm import (
    COURSE_Q,
    PHD_Q,
    PYTORCH_Q,
    FakeLLM,
    echo_top_passage,
    first_sentence,
    is_condense,
    scripted,
)


def raw(message: dict) -> str:
    content = message["content"]
    return content if isinstance(content, str) else " ".join(part.get("text", "") for part in content)


def text(message: dict) -> str:
    """The message as a reader sees it: the Markdown escapes of typed text removed."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", raw(message))


def ask(client: Client, question: str, focus: str = "All guides") -> tuple[list[dict], dict]:
    messages, result, *_ = client.predict(question, focus, api_name="/chat")
    return messages, result


def test_answer_comes_back_with_its_sources_and_cited_markers(app_with):
    running = app_with(scripted(), facts=False)
    messages, result = ask(Client(running.url, verbose=False), PYTORCH_Q)
    user, sources, answer = (text(m) for m in messages)
    assert user == PYTORCH_Q
    [marker] = re.findall(r"\[(\d)\]", answer)
    # What the coach understood comes first (escaped, as all text shown), then the checked answer.
    about, shown = answer.split("\n\n")
    assert about == "_About: Backend Developer → Deep Learning Engineer_" == f"_About: {result['about']}_"
    assert shown == f"The guide gives Deep Learning Frameworks (PyTorch) {6} weeks [{marker}]."
    # The API numbers the citation as the page does.
    assert result["answer"] == shown and result["citations"][0]["n"] == int(marker)
    # The numbered source the marker points at is the passage that holds the figure, marked cited.
    cited = re.search(rf"<b>\[{marker}\]</b>(.*?)</details>", sources).group(1)
    assert "Deep Learning Frameworks (PyTorch)" in cited and "· cited" in cited and "6 weeks" in cited
    # In it, the line the sentence was drawn from is marked; the other sources mark nothing.
    assert re.findall(r"<mark>(.*?)</mark>", sources) == ["Priority: Critical · 6 weeks"]
    # Every source is listed with its guide and section; these four all come from the backend guide.
    assert sources.count("<details") == 4
    assert sources.count("Backend Developer → Deep Learning Engineer — <i>") == 4
    assert (
        result["citations"][0]["section"]
        == "Skills You'll Need to Learn > Deep Learning Frameworks (PyTorch)"
    )
    assert len(result["follow_ups"]) == 3
    assert all(q.endswith("Deep Learning Engineer?") for q in result["follow_ups"][:2])


def test_what_the_guides_dont_mention_is_said_under_the_answer(app_with):
    running = app_with(echo_top_passage, facts=False)
    messages, result = ask(
        Client(running.url, verbose=False),
        "I work at Zalando. How long does the backend to deep learning move take?",
    )
    answer = text(messages[-1])
    assert not result["refused"] and result["not_covered"] == "The guides don't mention Zalando."
    assert answer.endswith("_The guides don't mention Zalando._")


def test_a_refusal_offers_questions_the_guides_answer(app_with):
    running = app_with(scripted(), facts=False)
    messages, result = ask(Client(running.url, verbose=False), "How do I become a dentist?")
    assert result["refused"] and text(messages[-1]).startswith(
        "The guides don't cover dentist, so I can't answer that."
    )
    assert 2 <= len(result["follow_ups"]) <= 3 and result["follow_ups"] == result["suggestions"]
    assert all(f"- {q}" in text(messages[-1]) for q in result["follow_ups"])


def test_follow_up_through_the_app_uses_the_conversation(app_with):
    running = app_with(scripted(), facts=False)
    client = Client(running.url, verbose=False)
    ask(client, PYTORCH_Q)
    messages, result = ask(client, COURSE_Q)
    assert [text(m) for m in messages][::3] == [PYTORCH_Q, COURSE_Q]
    # Read against the first turn's frame, with no rewrite call.
    assert result["query"] == f"{COURSE_Q} (about: Backend Developer → Deep Learning Engineer)"
    assert "Daniel Bourke" in text(messages[-1])
    assert not any(is_condense(r["messages"]) for r in running.fake.requests)


def test_two_clients_at_once_each_get_their_own_answer_and_history(app_with):
    running = app_with(echo_top_passage, facts=False)
    running.fake.delay = 0.02
    clients = {PYTORCH_Q: Client(running.url, verbose=False), PHD_Q: Client(running.url, verbose=False)}
    results: dict[str, tuple] = {}

    def run(question: str) -> None:
        results[question] = ask(clients[question], question)

    threads = [threading.Thread(target=run, args=(q,)) for q in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for question, (messages, result) in results.items():
        assert [text(m) for m in messages][0] == question and len(messages) == 3
        assert result["query"] == question and not result["refused"]
        assert result["answer"] == f"{first_sentence(result['citations'][0]['text']).rstrip('.')} [1]."
    sources = {q: r["citations"][0]["source"] for q, (_, r) in results.items()}
    assert sources == {PYTORCH_Q: "003_64d046e4da0a868d.txt", PHD_Q: "004_119f0da49d63d80d.txt"}
    # Each session keeps its own history: a follow-up sees only its own first question.
    messages, result = ask(clients[PHD_Q], "And which programming languages?")
    assert [text(m) for m in messages][::3] == [PHD_Q, "And which programming languages?"]
    assert result["query"] == "And which programming languages? (about: AI Engineer path)"


def test_sources_are_shown_before_the_answer_and_unchecked_text_never(app_with):
    invented = "Most people finish in 2 weeks [2]."
    running = app_with(
        scripted(f"The guide gives Deep Learning Frameworks (PyTorch) 6 weeks [1]. {invented}"), facts=False
    )
    job = Client(running.url, verbose=False).submit(PYTORCH_Q, "All guides", api_name="/chat")
    job.result(timeout=60)
    screens = [[text(m) for m in outputs[0]] for outputs in job.outputs()]
    first_with_sources = next(s for s in screens if len(s) == 3)
    assert "Sources found in the guides" in first_with_sources[1]
    assert first_with_sources[2] == "_Writing an answer from these passages…_"
    assert all("2 weeks" not in s[-1] for s in screens)
    assert "(1 sentence removed" in screens[-1][-1]


def test_html_in_a_question_is_shown_as_text(app_with):
    running = app_with(scripted(), facts=False)
    messages, _ = ask(
        Client(running.url, verbose=False), "<script>alert(1)</script><b>How long</b> is the move?"
    )
    assert raw(messages[0]) == r"\<script\>alert\(1\)\<\/script\>\<b\>How long\<\/b\> is the move\?"


def test_model_endpoint_down_gives_a_friendly_message_and_the_app_keeps_working(app_with):
    running = app_with(scripted(), facts=False)
    running.fake.fail_with = 500
    client = Client(running.url, verbose=False)
    messages, result = ask(client, PYTORCH_Q)
    assert text(messages[-1]).startswith("⚠️ The language model isn't answering, so I can't answer right now.")
    assert "Traceback" not in text(messages[-1]) and "error" in result
    running.fake.fail_with = None
    messages, result = ask(client, PYTORCH_Q)
    assert "6 weeks" in result["answer"]
    # The failed turn stays on screen but is not history the next question is read against.
    assert len(messages) == 5 and text(messages[2]) == PYTORCH_Q


def test_focus_on_one_guide_searches_only_that_guide(app_with):
    running = app_with(echo_top_passage, facts=False)
    _, result = ask(Client(running.url, verbose=False), "Which skills transfer?", "AI Engineer path")
    assert {c["source"] for c in result["citations"]} == {"004_119f0da49d63d80d.txt"}


def test_over_long_question_is_answered_with_the_limit(app_with):
    running = app_with(scripted(), facts=False)
    messages, result = ask(Client(running.url, verbose=False), "x" * 1001)
    assert result == {"error": "That question is 1001 characters long; ask it in under 1000."}
    assert not running.fake.requests


def test_vote_is_stored_with_question_answer_and_citations(tmp_path):
    store = FeedbackStore(tmp_path / "feedback")
    store.record(Vote("up", PYTORCH_Q, PYTORCH_Q, "6 weeks [1].", [{"n": 1, "source": "003.txt"}]))
    store.record(Vote("down", "q2", "q2", "no", []))
    first, second = store.votes()
    assert (first["vote"], first["question"], first["answer"]) == ("up", PYTORCH_Q, "6 weeks [1].")
    assert first["citations"] == [{"n": 1, "source": "003.txt"}] and first["time"].endswith("+00:00")
    assert second["vote"] == "down"


def test_unwritable_feedback_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(FeedbackError, match="Set COACH_FEEDBACK_DIR to a writable folder"):
        FeedbackStore(blocker).record(Vote("up", "q", "q", "a"))


def test_markdown_links_and_html_are_escaped():
    assert escape("[x](javascript:alert(1)) <img src=x> https://a.b") == (
        r"\[x\]\(javascript\:alert\(1\)\) \<img src\=x\> https\:\/\/a\.b"
    )


def test_message_index_maps_to_its_turn():
    conversation = Conversation()
    conversation.turns = [SimpleNamespace(shown=[1, 2, 3]), SimpleNamespace(shown=[4, 5])]
    assert conversation.turn_at(2) is conversation.turns[0]
    assert conversation.turn_at(3) is conversation.turns[1]
    assert conversation.turn_at(5) is None


def run_app(env: dict, tmp_path) -> subprocess.Popen:
    log = (tmp_path / "app.log").open("w")
    env = {
        **os.environ,
        "COACH_INDEX_DIR": str(tmp_path / "index"),
        "COACH_FEEDBACK_DIR": str(tmp_path / "fb"),
        **env,
    }
    command = [sys.executable, str(PROJECT_ROOT / "app.py")]
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.PIPE, text=True)


def wait_for_line(tmp_path, prefix: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in (tmp_path / "app.log").read_text().splitlines():
            if line.startswith(prefix):
                return line
        time.sleep(0.2)
    raise AssertionError(f"app.py printed no line starting {prefix!r} in {timeout} s")


def test_app_serves_the_page_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = free_port()
    with FakeLLM(scripted()) as fake:
        app = run_app({"COACH_LLM_BASE_URL": fake.base_url, "COACH_PORT": str(port)}, tmp_path)
        try:
            line = wait_for_line(tmp_path, "Career Coach: ")
            assert line == f"Career Coach: http://127.0.0.1:{port} (Ctrl-C to stop)"
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
                assert page.status == 200 and b"Career Coach" in page.read()
            # The model warms up behind the served page.
            assert wait_for_line(tmp_path, "Model ready in ").endswith(" s.")
            assert len(fake.requests) == 1 and fake.requests[0]["max_tokens"] == 1
            printed = [line.split(" ")[0] for line in (tmp_path / "app.log").read_text().splitlines()]
            assert printed.index("Career") < printed.index("Warming") < printed.index("Model")
            app.send_signal(signal.SIGINT)
            assert app.wait(timeout=30) == 0
        finally:
            app.kill()


def test_app_on_a_port_in_use_exits_with_a_one_line_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = run_app({"COACH_LLM_BASE_URL": "http://127.0.0.1:9/v1", "COACH_PORT": str(port)}, tmp_path)
        _, err = app.communicate(timeout=60)
    assert app.returncode == 1
    assert err.strip() == f"app: port {port} is in use. Stop what uses it or set COACH_PORT."


def test_app_without_the_local_model_exits_with_a_one_line_error_before_serving(tmp_path):
    env = {"COACH_MODELS_DIR": str(tmp_path / "no-models"), "COACH_LLM_PORT": str(free_port())}
    app = run_app({**env, "COACH_PORT": str(free_port())}, tmp_path)
    _, err = app.communicate(timeout=120)
    assert app.returncode == 1
    assert err.strip().startswith("app: The local model is not set up in ") and "Run `make setup`" in err
    assert "Career Coach: " not in (tmp_path / "app.log").read_text()


def test_app_with_an_invalid_setting_exits_with_a_one_line_error(tmp_path):
    app = run_app({"COACH_PORT": "eighty"}, tmp_path)
    _, err = app.communicate(timeout=60)
    assert app.returncode == 2
    assert err.startswith("app: invalid COACH_* setting: port") and len(err.strip().splitlines()) == 1


def test_two_moves_compared_in_the_chat_row_by_row_from_the_facts(app_with):
    running = app_with(scripted())
    client = Client(running.url, verbose=False)
    messages, result = ask(client, "Compare the AI architect and ML engineer paths")
    answer = text(messages[-1])
    assert result["answered_by"] == "facts" and running.fake.requests == []
    assert 'Deep Learning Engineer → AI Architect, timeline: 6-9 months; "9-Month" (title) [' in answer
    assert "Deep Learning Engineer → AI Architect, salary change: +20% [" in answer
    assert result["not_covered"].startswith(
        "The Deep Learning Engineer → Machine Learning Engineer guide states no difficulty, salary change"
    )
    assert "The Deep Learning Engineer → AI Architect guide states no certifications." in answer
    assert {c["source"] for c in result["citations"]} == {
        "000_9e3a73c7d27677eb.txt",
        "001_4c8e3eb882205519.txt",
    }


def test_a_conversation_over_the_turn_limit_is_told_the_limit_and_asks_no_model(coach_with):
    coach, fake = coach_with(scripted(), facts=False)
    coach.settings = coach.settings.model_copy(update={"max_turns": 2})
    conversation = Conversation()
    for question in (PYTORCH_Q, COURSE_Q):
        *_, last = conversation.reply(coach, question)
        assert "error" not in last.result and last.result["citations"]
    asked = len(fake.requests)
    *_, last = conversation.reply(coach, PHD_Q)
    assert last.result == {
        "error": 'This conversation has reached its 2 questions. Click "New conversation" to go on.'
    }
    assert len(fake.requests) == asked


def test_a_failed_answer_is_logged_without_the_users_words_unless_debugging(coach_with, caplog, monkeypatch):
    coach, _ = coach_with(scripted(), facts=False)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")
        yield

    monkeypatch.setattr(coach, "stream", broken)
    question = "I earn 93,000 at Acme; how long is the DL to MLE move?"
    caplog.set_level(logging.INFO, "coach.chat")
    *_, last = Conversation().reply(coach, question)
    assert last.result == {"error": "Something went wrong while answering. Please ask again."}
    assert "answering a question of 54 characters failed" in caplog.text and "disk on fire" in caplog.text
    assert "Acme" not in caplog.text
    caplog.clear()
    caplog.set_level(logging.DEBUG, "coach.chat")
    list(Conversation().reply(coach, question))
    assert "Acme" in caplog.text


def test_control_characters_typed_into_the_chat_are_never_shown_or_asked(coach_with):
    coach, fake = coach_with(scripted(), facts=False)
    *_, last = Conversation().reply(coach, "\x1b]0;pwned\x07" + PYTORCH_Q + "\x00")
    assert not any(c in str(last.messages) for c in "\x1b\x07\x00")
    assert all("\x1b" not in m["content"] for r in fake.requests for m in r["messages"])
    assert "6 weeks" in last.result["answer"]


def test_an_empty_message_is_told_to_type_a_question_and_joins_nothing(app_with):
    running = app_with(scripted(), facts=False)
    client = Client(running.url, verbose=False)
    messages, result = ask(client, " \n\t ")
    assert (messages, result) == ([], {"error": "The question is empty: type a question first."})
    assert not running.fake.requests
    messages, result = ask(client, PYTORCH_Q)
    assert len(messages) == 3 and "6 weeks" in result["answer"]


def _votes_from_one_process(folder: str, voter: int, count: int) -> None:
    store = FeedbackStore(Path(folder))
    for n in range(count):
        question = f"voter {voter} question {n}"
        store.record(Vote("up" if n % 2 else "down", question, question, f"answer {voter}/{n}", [{"n": n}]))


def test_votes_from_parallel_sessions_and_processes_are_all_kept_whole(tmp_path):
    folder = tmp_path / "feedback"
    processes = [
        multiprocessing.get_context("spawn").Process(
            target=_votes_from_one_process, args=(str(folder), v, 40)
        )
        for v in range(4)
    ]
    for p in processes:
        p.start()
    with ThreadPoolExecutor(max_workers=12) as pool:  # as the page's handler threads would
        list(pool.map(lambda v: _votes_from_one_process(str(folder), v, 40), range(4, 16)))
    for p in processes:
        p.join(timeout=120)
        assert p.exitcode == 0
    votes = FeedbackStore(folder).votes()
    assert len(votes) == 16 * 40
    assert {v["question"] for v in votes} == {f"voter {v} question {n}" for v in range(16) for n in range(40)}
    # Every row is one vote's own: its answer and citations belong to its question.
    for v in votes:
        voter, n = (int(x) for x in v["question"].removeprefix("voter ").split(" question "))
        assert (v["answer"], v["citations"], v["vote"]) == (
            f"answer {voter}/{n}",
            [{"n": n}],
            "up" if n % 2 else "down",
        )


def test_a_bad_login_setting_is_one_line_that_never_shows_the_password(tmp_path):
    app = run_app({"COACH_AUTH": "alice-with-no-password-s3cret"}, tmp_path)
    _, err = app.communicate(timeout=60)
    assert app.returncode == 2
    assert err == (
        "app: invalid COACH_* setting: auth Value error, COACH_AUTH must be user:password pairs "
        "separated by commas\n"
    )


def test_with_a_login_set_the_chat_answers_only_a_logged_in_client(coach_with, launch):
    coach, _ = coach_with(scripted(), facts=False)
    coach.settings = coach.settings.model_copy(update={"auth": SecretStr("alice:s3cret,bob:hunter2")})
    assert "s3cret" not in repr(coach.settings) and "s3cret" not in str(coach.settings)
    url, _ = launch(coach)
    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises a bare ValueError or httpx error
        Client(url, verbose=False)
    with pytest.raises(Exception):  # noqa: B017
        Client(url, auth=("alice", "wrong"), verbose=False)
    messages, result, *_ = Client(url, auth=("bob", "hunter2"), verbose=False).predict(
        PYTORCH_Q, "All guides", api_name="/chat"
    )
    assert "6 weeks" in result["answer"]


def test_an_api_key_the_endpoint_rejects_is_never_shown_or_logged(coach_with, caplog, monkeypatch):
    from coach.llm_server import chat_model

    coach, fake = coach_with(scripted(), facts=False)
    fake.fail_with = 401
    monkeypatch.setenv("COACH_LLM_BASE_URL", fake.base_url)
    monkeypatch.setenv("COACH_LLM_MODEL", fake.model)
    monkeypatch.setenv("COACH_LLM_API_KEY", "sk-very-secret-123")
    settings = load_settings(index_dir=coach.settings.index_dir)
    assert "sk-very-secret-123" not in repr(settings)
    coach.model = chat_model(settings)
    caplog.set_level(logging.DEBUG)
    *_, last = Conversation().reply(coach, PYTORCH_Q)
    assert last.result["error"].startswith("The language model isn't answering")
    assert "rejected the API key" in last.result["error"]
    assert "sk-very-secret-123" not in last.result["error"] + caplog.text
    assert fake.requests  # the endpoint was asked, and said no
