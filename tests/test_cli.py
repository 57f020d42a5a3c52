"""The `coach` command: JSON shape, and one clear line plus an exit code for every user fault."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from coach.cli import main
from tests.test_retrieve import FOUNDATION


@pytest.fixture
def indexed(built_index, monkeypatch):
    monkeypatch.setenv("COACH_INDEX_DIR", str(built_index.index_dir))
    return built_index


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_retrieve_json_lists_four_passages_with_their_fields(indexed, capsys):
    code, out, err = run(capsys, "retrieve", "--json", FOUNDATION)
    assert code == 0, err
    data = json.loads(out)
    assert data["query"] == FOUNDATION
    assert len(data["passages"]) == 4
    first = data["passages"][0]
    assert {"source", "title", "section", "text", "score"} <= set(first)
    assert first["source"] == "003_64d046e4da0a868d.txt" and "8 weeks" in first["text"]
    assert first["title"].startswith("From Backend Developer to Deep Learning Engineer")


def test_retrieve_rewrites_a_follow_up_and_honours_k(fake_endpoint, capsys):
    from tests.test_answer import COURSE_Q, PYTORCH_Q, REWRITTEN

    code, out, _ = run(capsys, "retrieve", "--json", "-k", "2", PYTORCH_Q, COURSE_Q)
    data = json.loads(out)
    assert code == 0 and data["query"] == REWRITTEN
    assert len(data["passages"]) == 2
    assert any("Daniel Bourke" in p["text"] for p in data["passages"])


def test_retrieve_keeps_a_standalone_last_turn_without_a_model(indexed, capsys, monkeypatch):
    monkeypatch.setenv("COACH_LLM_BASE_URL", "http://127.0.0.1:9/v1")  # nothing there
    question = "What salary change comes with going from deep learning engineer to AI architect?"
    code, out, _ = run(capsys, "retrieve", "--json", "Hello", question)
    assert code == 0 and json.loads(out)["query"] == question


def test_retrieve_plain_text_shows_numbered_passages(indexed, capsys):
    code, out, _ = run(capsys, "retrieve", "-k", "1", "Do I need a PhD to become an AI engineer?")
    assert code == 0
    assert "[1] AI Engineer Career Transition Guide" in out
    assert "Frequently Asked Questions > Do I need a PhD to become an AI engineer?" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["retrieve", "   "], "coach: The question is empty."),
        (
            ["retrieve", "--json", "x" * 1001],
            "coach: The question is 1001 characters long; the limit is 1000.",
        ),
        (["retrieve", "-k", "0", "hi"], "coach: -k must be between 1 and 50, not 0."),
    ],
)
def test_bad_questions_exit_2_with_one_line(indexed, capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_no_index_exits_1_naming_the_fix(capsys):
    code, _, err = run(capsys, "retrieve", "--json", "How long does it take?")
    assert code == 1
    assert err.startswith("coach: No index found in ") and err.rstrip().endswith("Run `coach index`.")


def test_corrupt_index_exits_1_naming_rebuild(capsys, tmp_path, monkeypatch):
    index = tmp_path / "broken"
    index.mkdir()
    (index / "CURRENT").write_text("store-missing\n")
    monkeypatch.setenv("COACH_INDEX_DIR", str(index))
    code, _, err = run(capsys, "retrieve", "--json", "How long does it take?")
    assert code == 1 and "coach index --rebuild" in err and err.count("\n") == 1


def test_index_reports_embedded_then_nothing(capsys, monkeypatch, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "g.txt").write_text("Data Engineer Career Path\nOverview\nPipelines matter.\n")
    monkeypatch.setenv("COACH_CORPUS_DIR", str(corpus))
    code, out, _ = run(capsys, "index", "--json")
    first = json.loads(out)
    assert code == 0 and first["embedded"] == first["chunks"] == 2
    code, out, _ = run(capsys, "index")
    assert code == 0 and out.startswith("Index already up to date: 1 guides, 2 chunks (0 embedded")


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (None, 1, "coach: The corpus folder "),
        (b"", 2, "coach: Guide bad.txt is empty."),
        (b"caf\xe9", 2, "coach: Guide bad.txt is not valid UTF-8 text"),
        (b"\x00" * 64, 2, "coach: Guide bad.txt holds binary data"),
    ],
)
def test_strict_index_stops_at_an_unusable_guide_with_one_line(
    capsys, monkeypatch, tmp_path, content, code, message
):
    corpus = tmp_path / "c"
    corpus.mkdir()
    if content is not None:  # else the folder holds no guide at all
        (corpus / "good.txt").write_text(GOOD_GUIDE)
        (corpus / "bad.txt").write_bytes(content)
    monkeypatch.setenv("COACH_CORPUS_DIR", str(corpus))
    got, out, err = run(capsys, "index", "--strict")
    assert got == code and err.startswith(message) and err.count("\n") == 1
    assert not (tmp_path / "index").exists() or code == 1


GOOD_GUIDE = "Data Engineer Career Path\nOverview\nPipelines matter.\n"


def test_index_skips_each_unusable_guide_with_its_reason_and_indexes_the_rest(capsys, monkeypatch, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    files = {
        "a_good.txt": GOOD_GUIDE.encode(),
        "b_empty.txt": b"",
        "c_blank.txt": b"  \n\t\n",
        "d_binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "e_utf16.txt": GOOD_GUIDE.encode("utf-16"),
        "f_nuls.txt": b"\x00" * 4096,
        "g_copy.txt": GOOD_GUIDE.encode(),
        "h_huge.txt": ("Cloud Engineer Career Path\nOverview\n" + "Learn networking. " * 170_000).encode(),
    }
    for name, data in files.items():
        (corpus / name).write_bytes(data)
    monkeypatch.setenv("COACH_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("COACH_INDEX_DIR", str(tmp_path / "index"))
    code, out, err = run(capsys, "index", "--json")
    assert code == 0
    assert json.loads(out)["guides"] == 1
    assert err.splitlines() == [
        "coach: Skipped: Guide b_empty.txt is empty. Add its text or remove it from the corpus folder.",
        "coach: Skipped: Guide c_blank.txt is empty. Add its text or remove it from the corpus folder.",
        "coach: Skipped: Guide d_binary.txt is not valid UTF-8 text (byte 0). "
        "Re-save it as UTF-8 or remove it from the corpus folder.",
        "coach: Skipped: Guide e_utf16.txt is not valid UTF-8 text (byte 0). "
        "Re-save it as UTF-8 or remove it from the corpus folder.",
        "coach: Skipped: Guide f_nuls.txt holds binary data (character 0 is a control character), not text. "
        "Remove it from the corpus folder.",
        "coach: Skipped: Guide g_copy.txt has the same text as a_good.txt. Remove one of them.",
        "coach: Skipped: Guide h_huge.txt is 3.1 MB; the limit is 2 MB (COACH_MAX_GUIDE_BYTES). "
        "Split it or raise the limit.",
    ]
    code, out, _ = run(capsys, "facts", "--json")
    assert code == 0 and [g["source"] for g in json.loads(out)["guides"]] == ["a_good.txt"]


def test_a_corpus_of_unusable_files_only_is_one_line_saying_why(capsys, monkeypatch, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "bad.txt").write_bytes(b"")
    monkeypatch.setenv("COACH_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("COACH_INDEX_DIR", str(tmp_path / "index"))
    code, _, err = run(capsys, "index")
    assert code == 1
    assert err == (
        f"coach: The corpus folder {corpus} holds no usable guide. Skipped: Guide bad.txt is empty. "
        "Add its text or remove it from the corpus folder.\n"
    )


def test_control_sequences_in_a_question_are_never_echoed_to_the_terminal(indexed, capsys):
    code, out, _ = run(
        capsys, "retrieve", "-k", "1", "x\x1b]0;pwned\x07 How long is phase 2 of the DL to MLE move?"
    )
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert out.startswith("Query: x ]0;pwned  How long is phase 2 of the DL to MLE move?\n")


def test_more_turns_than_the_limit_exit_2_naming_it(indexed, capsys, monkeypatch):
    monkeypatch.setenv("COACH_MAX_TURNS", "3")
    code, out, err = run(capsys, "ask", "a?", "b?", "c?", "d?")
    assert (code, out) == (2, "")
    assert err == "coach: 4 turns were given; the limit is 3 (COACH_MAX_TURNS). Give fewer turns.\n"


def test_invalid_utf8_question_exits_2_without_traceback(indexed):
    proc = subprocess.run(
        [sys.executable, "-m", "coach.cli", "retrieve", b"caf\xe9 salary"],
        capture_output=True,
        env={"COACH_INDEX_DIR": str(indexed.index_dir), "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("coach: The question is not valid UTF-8 text.")
    assert b"Traceback" not in proc.stderr


# --- coach ask, with the model faked at its HTTP interface ---------------------------------


@pytest.fixture
def fake_endpoint(indexed, monkeypatch):
    from tests.fake_llm import FakeLLM
    from tests.test_answer import scripted

    with FakeLLM(scripted()) as fake:
        monkeypatch.setenv("COACH_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("COACH_LLM_MODEL", fake.model)
        yield fake


def test_ask_json_follow_up_names_the_course_with_its_citation(fake_endpoint, capsys):
    from tests.test_answer import COURSE_Q, PYTORCH_Q

    code, out, err = run(capsys, "ask", "--json", PYTORCH_Q, COURSE_Q)
    assert code == 0, err
    data = json.loads(out)
    assert set(data) >= {"answer", "citations", "refused", "query", "suggestions", "about"}
    # Read against the first turn: the skill it was about, from the facts, with no model call.
    about = "Backend Developer → Deep Learning Engineer · Deep Learning Frameworks (PyTorch) · resources"
    assert data["query"] == f"{COURSE_Q} (about: {about})" and data["about"] == about
    assert data["refused"] is False and data["answered_by"] == "facts" and fake_endpoint.requests == []
    assert "Daniel Bourke" in data["answer"] and "[1]" in data["answer"]
    assert data["citations"][0]["n"] == 1 and "Daniel Bourke" in data["citations"][0]["text"]


def test_ask_refusal_exits_0_with_questions_the_guides_answer_as_suggestions(fake_endpoint, capsys):
    code, out, _ = run(capsys, "ask", "--json", "What's a good lasagna recipe?")
    data = json.loads(out)
    assert code == 0 and data["refused"] is True and data["citations"] == []
    assert data["answer"].startswith("The guides don't cover lasagna recipe, so I can't answer that.")
    assert 2 <= len(data["suggestions"]) <= 3 and all(q.endswith("?") for q in data["suggestions"])


def test_ask_plain_text_prints_answer_then_sources(fake_endpoint, capsys):
    from tests.test_answer import PYTORCH_Q

    code, out, _ = run(capsys, "ask", PYTORCH_Q)
    assert code == 0
    assert out.startswith("Deep Learning Frameworks (PyTorch): Critical, 6 weeks [1].")
    assert "\nSources:\n[1] From Backend Developer to Deep Learning Engineer" in out


def test_ask_with_unreachable_endpoint_exits_1_with_one_line(indexed, capsys, monkeypatch):
    from tests.fake_llm import PHD_Q

    monkeypatch.setenv("COACH_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    code, out, err = run(capsys, "ask", "--json", PHD_Q)  # an FAQ: the model path answers it
    assert code == 1 and out == ""
    assert err.startswith("coach: The language model at http://127.0.0.1:9/v1 is not answering.")
    assert err.count("\n") == 1


def test_ask_about_a_stated_fact_is_answered_without_the_model(indexed, capsys, monkeypatch):
    monkeypatch.setenv("COACH_LLM_BASE_URL", "http://127.0.0.1:9/v1")  # nothing answers there
    code, out, _ = run(capsys, "ask", "--json", "How long is the backend to deep learning transition?")
    answer = json.loads(out)
    assert code == 0 and answer["answered_by"] == "facts"
    assert answer["answer"].startswith("The guide gives a timeline of 9-12 months [1].")


def test_ask_plain_text_says_what_the_question_names_that_no_guide_mentions(indexed, capsys, monkeypatch):
    monkeypatch.setenv("COACH_LLM_BASE_URL", "http://127.0.0.1:9/v1")  # the facts answer it
    code, out, _ = run(
        capsys, "ask", "How long is the backend to deep learning transition for someone in Lisbon?"
    )
    assert code == 0 and out.startswith("The guide gives a timeline of 9-12 months [1].")
    assert "\nThe guides don't mention Lisbon.\n" in out


def test_ask_without_model_files_names_the_setup_step_when_the_model_is_needed(
    indexed, capsys, monkeypatch, tmp_path
):
    monkeypatch.delenv("COACH_LLM_BASE_URL", raising=False)
    monkeypatch.setenv("COACH_MODELS_DIR", str(tmp_path / "no-models"))
    monkeypatch.setenv("COACH_LLM_PORT", "8799")
    # A question the facts answer needs no model, and starts none.
    code, out, _ = run(capsys, "ask", "How long is the backend to deep learning transition?")
    assert code == 0 and "9-12 months" in out
    code, _, err = run(capsys, "ask", "Will AI tools make AI engineers obsolete?")
    assert code == 1 and "The local model is not set up" in err and "Run `make setup`" in err


def test_stop_without_a_server_says_so(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("COACH_MODELS_DIR", str(tmp_path))
    code, out, _ = run(capsys, "stop")
    assert code == 0 and out == "No local model server was running.\n"


def test_ask_prints_each_checked_sentence_as_it_is_ready(indexed, monkeypatch):
    """The plain-text answer streams: the first sentence is on the terminal while the model is
    still writing the second, its marker numbered as the sources listed at the end."""
    import os
    import time

    from tests.fake_llm import PHD_Q, FakeLLM, passages_of

    def reply(messages: list[dict]) -> str:
        n = next(n for n, block in passages_of(messages).items() if "No. While PhDs" in block)
        return (
            f"No PhD is needed to become an AI engineer [{n}]. Most production AI engineering positions "
            f"value software engineering experience plus ML knowledge over a PhD [{n}]."
        )

    with FakeLLM(reply) as fake:
        fake.delay = 0.15  # per word: the second sentence takes about 2 s to write
        env = os.environ | {"COACH_LLM_BASE_URL": fake.base_url, "COACH_LLM_MODEL": fake.model}
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "coach.cli", "ask", PHD_Q], stdout=subprocess.PIPE, env=env
        )
        seen, first_at = b"", None
        while chunk := os.read(process.stdout.fileno(), 4096):
            seen += chunk
            if first_at is None and b"[1]." in seen:
                first_at = time.perf_counter() - started
        assert process.wait() == 0
        ended = time.perf_counter() - started
    out = seen.decode()
    assert out.startswith("No PhD is needed to become an AI engineer [1]. Most production AI engineering")
    assert "\nSources:\n[1] AI Engineer Career Transition Guide" in out
    assert first_at is not None and ended - first_at > 1.0  # shown long before the answer was complete


def test_a_fact_answer_from_the_shell_imports_neither_chroma_nor_bm25_nor_torch(indexed):
    """What a fact answer needs is the chunk list kept beside the index: opening Chroma (about
    0.7 s) and building BM25 are left to a search."""
    import os

    probe = (
        "import json, sys\n"
        "from coach.cli import main\n"
        "code = main(['ask', '--json', 'How long is the backend to deep learning transition?'])\n"
        "print(json.dumps([code] + [m in sys.modules for m in ('chromadb', 'bm25s', 'torch')]), file=sys.stderr)\n"
    )
    env = {**os.environ, "COACH_LLM_BASE_URL": "http://127.0.0.1:9/v1"}  # nothing answers there
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert json.loads(out.stdout)["answered_by"] == "facts"
    assert json.loads(out.stderr.splitlines()[-1]) == [0, False, False, False]
