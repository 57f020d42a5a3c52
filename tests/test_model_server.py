"""The embedded model server on the real model: a kept prefix state gives the same answer as reading
the prompt whole, from far fewer new tokens; states survive a restart and a stale one is never
restored; a JSON schema constrains the reply; the chat stream is OpenAI's. About a minute on 2 cores.
Runs in CI (marked real_model)."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest

from coach.llm import complete
from coach.llm_server import LocalChatModel, start_local_server, states_dir, stop_local_server
from coach.model_files import MODEL_FILE, is_assembled
from coach.settings import PROJECT_ROOT, Settings
from tests.conftest import free_port

pytestmark = pytest.mark.real_model

MODELS = PROJECT_ROOT / "models"
PASSAGES = (
    "Passages:\n[1] Guide — Skills > PyTorch\nPriority: Critical · 6 weeks\nTake the PyTorch course.\n\n"
    "[2] Guide — At a Glance\nTimeline: 9-12 months\nSalary Change: +40%\n\n"
)
SYSTEM = {"role": "system", "content": "Answer from the passages in one short sentence, citing [n]."}


def prefix() -> list[dict[str, str]]:
    return [SYSTEM, {"role": "user", "content": PASSAGES}]


def asked(question: str) -> list[dict[str, str]]:
    return [SYSTEM, {"role": "user", "content": PASSAGES + f"Question: {question}"}]


def post(settings: Settings, route: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{settings.llm_port}/v1/{route}",
        json.dumps(body).encode(),
        {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.load(response)


def cached_tokens(settings: Settings, messages: list[dict[str, str]]) -> tuple[str, int]:
    reply = post(settings, "chat/completions", {"messages": messages, "max_tokens": 24, "temperature": 0})
    return reply["choices"][0]["message"]["content"], reply["usage"]["prompt_tokens_cached"]


@pytest.fixture
def server(tmp_path: Path):
    if not is_assembled(MODELS):
        pytest.skip("the embedded model is not set up (make setup)")
    models = tmp_path / "models"
    models.mkdir()
    for name in (MODEL_FILE, MODEL_FILE + ".sha256"):
        (models / name).symlink_to(MODELS / name)
    settings = Settings(llm_port=free_port(), models_dir=models, llm_context=2048)
    start_local_server(settings)
    yield settings, LocalChatModel(settings)
    stop_local_server(settings)


def test_a_kept_prefix_answers_as_the_whole_prompt_does_and_reads_only_the_question(server):
    settings, model = server
    question = asked("How many weeks does PyTorch take?")
    whole, covered_before = cached_tokens(settings, question)
    assert covered_before == 0  # nothing kept yet: the prompt is read whole
    kept = model.keep_prefix(prefix(), build=True)
    assert kept["ready"] is True and kept["tokens"] > 40
    again = model.keep_prefix(prefix(), build=True)
    assert again["key"] == kept["key"] and again["seconds"] < 0.5  # kept: not read twice
    restored, covered = cached_tokens(settings, question)
    assert covered == kept["tokens"]
    assert restored == whole and "6 weeks" in restored
    # A question asked twice is read twice: what a request adds is never kept.
    _, covered_again = cached_tokens(settings, question)
    assert covered_again == kept["tokens"]


def test_states_survive_a_restart_and_a_stale_one_is_removed_unread(server):
    settings, model = server
    key = model.keep_prefix(prefix(), build=True)["key"]
    stale = states_dir(settings) / "0123456789abcdef0123456789abcdef.json"
    stale.write_text(json.dumps({"key": stale.stem, "salt": "another model\n", "tokens": [1, 2]}))
    stale.with_suffix(".state").write_bytes(b"not a state")
    stop_local_server(settings)
    started = time.monotonic()
    assert model.keep_prefix(prefix())["ready"] is True  # the server started again, state found
    assert time.monotonic() - started < 60
    listed = json.load(urllib.request.urlopen(f"http://127.0.0.1:{settings.llm_port}/v1/prefix_states"))
    assert [s["key"] for s in listed["data"]] == [key]
    assert not stale.exists() and not stale.with_suffix(".state").exists()
    _, covered = cached_tokens(settings, asked("What is the timeline?"))
    assert covered > 40
    assert model.prune_prefixes([]) == [key]
    assert list(states_dir(settings).iterdir()) == []


def test_a_state_file_cut_short_is_forgotten_then_built_again(server):
    """A state whose file can't be read (cut short by a power loss, removed by another server) is
    never restored: the prompt is read whole, with the same answer, and the state is built again."""
    settings, model = server
    question = asked("How many weeks does PyTorch take?")
    kept = model.keep_prefix(prefix(), build=True)
    expected, covered = cached_tokens(settings, question)
    assert covered == kept["tokens"]
    stop_local_server(settings)
    state = states_dir(settings) / f"{kept['key']}.state"
    state.write_bytes(state.read_bytes()[: state.stat().st_size // 2])
    assert model.keep_prefix(prefix())["ready"] is True  # listed at start: its index entry is whole
    answer, covered = cached_tokens(settings, question)
    assert (answer, covered) == (expected, 0)  # read whole, not from the broken state
    assert model.keep_prefix(prefix())["ready"] is False and not state.exists()  # forgotten
    assert model.keep_prefix(prefix(), build=True)["ready"] is True
    assert cached_tokens(settings, question) == (expected, kept["tokens"])


def test_a_json_schema_constrains_the_reply_and_the_stream_is_openais(server):
    settings, model = server
    schema = {
        "type": "object",
        "properties": {"topic": {"type": "string", "enum": ["timeline", "salary", "skill"]}},
        "required": ["topic"],
    }
    reply = post(
        settings,
        "chat/completions",
        {
            "messages": asked("Which topic is 'How much more will I earn?' about? Reply in JSON."),
            "max_tokens": 20,
            "temperature": 0,
            "response_format": {"type": "json_schema", "json_schema": {"name": "topic", "schema": schema}},
        },
    )
    assert json.loads(reply["choices"][0]["message"]["content"])["topic"] in {"timeline", "salary", "skill"}
    streamed = complete(model, asked("How long is the timeline?"), 24)  # through the openai client
    assert "9-12 months" in streamed


def test_a_prefix_longer_than_the_context_is_refused_in_one_line(server):
    settings, model = server
    from coach.errors import CoachError

    with pytest.raises(CoachError, match="exceed|context holds"):
        model.keep_prefix([SYSTEM, {"role": "user", "content": "word " * 3000}], build=True)


def test_asking_whether_a_prefix_is_kept_never_waits_for_an_answer_being_written(server):
    import threading

    settings, model = server
    model.keep_prefix(prefix(), build=True)
    writing = threading.Thread(
        target=post,
        args=(
            settings,
            "chat/completions",
            {"messages": asked("Tell me everything."), "max_tokens": 120, "temperature": 0},
        ),
    )
    writing.start()
    time.sleep(1.0)  # the answer is being written
    started = time.monotonic()
    assert model.keep_prefix(prefix())["ready"] is True
    assert model.keep_prefix(prefix(), build=True)["ready"] is True  # kept: no build to wait for
    assert time.monotonic() - started < 0.5
    assert writing.is_alive()  # it was still writing
    writing.join(120)
