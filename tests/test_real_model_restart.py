"""The real embedded model server killed (SIGKILL) between requests and during an answer: a
request that finds it gone starts it again; the interrupted answer is replaced by a notice; the
next question is answered by a server started again. Runs the server on a port of its own, with
the model files in models/; about 90 s on a 2-core CPU (three server starts of ~5 s, two new
servers reading the fixed prompt anew, ~30 s each). Runs in CI."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

from coach.answer import Coach
from coach.chat import Conversation
from coach.llm import complete
from coach.llm_server import LocalChatModel, port_taken, server_pid, stop_local_server
from coach.model_files import is_assembled
from coach.settings import PROJECT_ROOT, Settings
from tests.conftest import free_port
from tests.fake_llm import PHD_Q

pytestmark = pytest.mark.real_model

MODELS = PROJECT_ROOT / "models"


def kill_server(settings: Settings) -> int:
    """SIGKILL the embedded server on the settings' port; its pid."""
    pid = server_pid(settings)
    assert pid is not None, "no embedded server runs on the test's port"
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while port_taken(settings) and time.monotonic() < deadline:
        time.sleep(0.05)
    return pid


class KilledInMidReply:
    """The real model; with `armed`, its server is killed as the first piece of a reply arrives."""

    def __init__(self, model: LocalChatModel) -> None:
        self.model = model
        self.armed = False
        self.killed: list[int] = []

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        for piece in self.model.stream(messages, max_tokens):
            yield piece
            if self.armed:
                self.armed = False
                self.killed.append(kill_server(self.model.settings))


@pytest.fixture
def settings(built_index):
    if not is_assembled(MODELS):
        pytest.fail("The local model is not assembled in models/. Run `make setup`.")
    port = free_port()  # never the port another coach's server may be using
    settings = Settings(
        corpus_dir=built_index.corpus_dir, index_dir=built_index.index_dir, models_dir=MODELS,
        llm_port=port, max_answer_tokens=48,
    )  # fmt: skip
    yield settings
    if server_pid(settings) is not None:
        kill_server(settings)  # the test's own server: no need to wait for a graceful stop
    stop_local_server(settings)  # and its pid file
    (MODELS / f"server-{port}.log").unlink(missing_ok=True)


def test_a_killed_server_is_told_for_the_answer_it_cut_and_started_again_for_the_next(
    settings, retriever, capsys
):
    model = KilledInMidReply(LocalChatModel(settings))
    coach = Coach(settings, retriever, model)
    assert complete(model, [{"role": "user", "content": "Hi"}], 1)  # a server started: the port was free
    idle_pid = kill_server(settings)

    # Killed between requests: the question finds it gone before any reply and starts it again
    # (no notice: the sources and the first piece arrive). Killed again in the middle of the
    # answer: a notice in its place, nothing of the answer left.
    model.armed = True
    started = time.perf_counter()
    conversation = Conversation()
    *streamed, last = conversation.reply(coach, PHD_Q)
    cut = time.perf_counter() - started
    [mid_reply_pid] = model.killed
    assert mid_reply_pid != idle_pid
    assert any("Sources found" in str(s.messages) for s in streamed)
    assert last.result == {
        "error": "The language model isn't answering, so I can't answer right now. The local model "
        "server stopped in the middle of this answer. Ask again: it is started again for your next question."
    }
    assert [m["role"] for m in last.messages] == ["user", "assistant"]
    assert last.messages[1]["content"].startswith("⚠️ The language model isn\\'t answering")

    # The next question starts a new server, which answers it.
    started = time.perf_counter()
    *_, last = conversation.reply(coach, PHD_Q)
    answered = time.perf_counter() - started
    assert "error" not in last.result and last.result["answer"], last.result
    assert server_pid(settings) not in (None, idle_pid, mid_reply_pid)
    with capsys.disabled():
        print(
            f"\nreal server killed between requests, then mid-answer: notice after {cut:.1f} s; the next "
            f"question answered by a restarted server in {answered:.1f} s ({last.result['answered_by']})"
        )
