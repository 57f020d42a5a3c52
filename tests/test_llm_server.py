"""The embedded server's lifecycle: a busy server is waited for, never replaced; each port has its
own pid file; a question refused before any model call starts no server; a server gone is
found or started again by the next request. (A real server killed: test_real_model_restart.py.)"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from coach.answer import Coach
from coach.errors import CoachError
from coach.llm import LLMConnectionLostError
from coach.llm_server import LocalChatModel, port_taken, start_local_server, stop_local_server
from coach.settings import Settings
from tests.conftest import free_port
from tests.fake_llm import FakeLLM


def settings_on(port: int, tmp_path) -> Settings:
    # models_dir holds no model: starting a server there would fail with "not set up".
    return Settings(llm_port=port, models_dir=tmp_path / "models", index_dir=tmp_path / "index")


@pytest.fixture
def busy_server():
    """An OpenAI-compatible model list that answers nothing until `free_at`, as the embedded
    server does while it computes an answer for someone else."""
    port = free_port()
    state = {"free_at": time.monotonic() + 3.0, "asked": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            state["asked"] += 1
            while time.monotonic() < state["free_at"]:
                time.sleep(0.05)
            body = json.dumps({"data": [{"id": "qwen2.5-coder-1.5b-instruct"}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield port, state
    server.shutdown()
    server.server_close()


def test_a_busy_server_is_waited_for_and_reused_not_replaced(busy_server, tmp_path, capsys):
    port, state = busy_server
    settings = settings_on(port, tmp_path)
    started = time.monotonic()
    assert start_local_server(settings, wait_seconds=20) == f"http://127.0.0.1:{port}/v1"
    assert 2.5 < time.monotonic() - started < 15 and state["asked"] >= 2
    assert "is busy answering; waiting for it" in capsys.readouterr().err
    assert not (tmp_path / "models" / f"server-{port}.pid").exists()  # nothing was started


def test_a_model_server_that_keeps_no_states_on_the_port_is_named_not_used(tmp_path):
    """An older `coach serve` (llama-cpp-python's own server) still running on the port serves the
    model but keeps no prompt states: the coach says so in one line instead of failing each answer."""
    port = free_port()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            found = self.path.rstrip("/") == "/v1/models"
            body = json.dumps(
                {"data": [{"id": "qwen2.5-coder-1.5b-instruct"}]} if found else {"detail": "Not Found"}
            )
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(CoachError, match=r"keeps no prompt states .*stop it \(`coach stop`\)"):
            start_local_server(settings_on(port, tmp_path), wait_seconds=10)
    finally:
        server.shutdown()
        server.server_close()


def test_a_server_that_never_answers_is_a_clear_error_not_a_second_server(tmp_path):
    port = free_port()
    with socket.socket() as silent:  # listens, never answers
        silent.bind(("127.0.0.1", port))
        silent.listen(8)
        assert port_taken(settings_on(port, tmp_path))
        with pytest.raises(CoachError, match=f"server on port {port} has not answered for 3 s"):
            start_local_server(settings_on(port, tmp_path), wait_seconds=3)


def test_stop_only_touches_the_pid_file_of_its_own_port(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    other = models / "server-9001.pid"
    other.write_text("1\n")
    assert stop_local_server(settings_on(9002, tmp_path)) is False
    assert other.read_text() == "1\n"


def test_a_question_refused_before_any_model_call_starts_no_server(retriever, tmp_path):
    settings = settings_on(free_port(), tmp_path)
    coach = Coach(settings, retriever, LocalChatModel(settings))
    answer = coach.ask("How do I become a dentist?")
    assert answer.refused and answer.answer.startswith("The guides don't cover dentist")
    assert not port_taken(settings)
    # The first request that needs the model starts it, and says what is missing here.
    with pytest.raises(CoachError, match="The local model is not set up"):
        list(coach.model.stream([{"role": "user", "content": "hi"}], 1))


def test_a_local_server_gone_mid_reply_is_told_and_the_next_request_finds_or_starts_one(tmp_path):
    settings = settings_on(free_port(), tmp_path)
    model = LocalChatModel(settings)
    hello = [{"role": "user", "content": "hi"}]
    # A server on the port that serves the model's name is the server found (none is started).
    with FakeLLM(lambda messages: "one two three four five", settings.llm_model, settings.llm_port) as fake:
        fake.die_after = 3
        pieces = []
        with pytest.raises(LLMConnectionLostError) as cut:
            pieces.extend(model.stream(hello, 8))
        assert "".join(pieces) == "one two three"
        assert str(cut.value) == (
            "The local model server stopped in the middle of this answer. Ask again: "
            "it is started again for your next question."
        )
        fake.die_after = None
        assert "".join(model.stream(hello, 8)) == "one two three four five"
    # Gone before any reply: the same request goes to a server started again, here one that is
    # not installed; the error says so (not "not answering").
    with pytest.raises(CoachError, match="The local model is not set up"):
        list(model.stream(hello, 8))
