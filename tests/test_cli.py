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


def test_retrieve_uses_the_last_turn_and_honours_k(indexed, capsys):
    code, out, _ = run(capsys, "retrieve", "--json", "-k", "2", "Hello", "What is Rust good for in AI?")
    data = json.loads(out)
    assert code == 0 and data["query"] == "What is Rust good for in AI?"
    assert len(data["passages"]) == 2


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
    ],
)
def test_unusable_corpus_exits_with_one_line(capsys, monkeypatch, tmp_path, content, code, message):
    corpus = tmp_path / "c"
    corpus.mkdir()
    if content is not None:
        (corpus / "bad.txt").write_bytes(content)
    monkeypatch.setenv("COACH_CORPUS_DIR", str(corpus))
    got, out, err = run(capsys, "index")
    assert got == code and err.startswith(message) and err.count("\n") == 1


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
