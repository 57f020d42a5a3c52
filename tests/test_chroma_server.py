"""The index kept on a Chroma server (COACH_CHROMA_URL): the folder index's guarantees, checked
against a real `chroma run` on loopback (tests/chroma_server.py; each test starts from an empty
server). The whole file takes about 2 minutes on a 2-core CPU, most of it embedding the corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from chromadb.api.models.Collection import Collection

import coach.store
from coach.cli import main
from coach.errors import CoachError, IndexCorruptError, IndexMissingError
from coach.retrieve import Retriever
from coach.settings import Settings
from coach.store import build_index, open_index
from tests.chroma_server import ChromaServer
from tests.conftest import CORPUS, free_port

# The retrieval checks of tests/test_retrieve.py, run again on the index kept on a server: pytest
# collects them here too, with this module's `retriever`.
from tests.test_retrieve import (  # noqa: F401
    FOUNDATION,
    test_a_certification_name_is_found,
    test_an_exact_figure_is_found_lexically,
    test_empty_query_is_bad_input,
    test_foundation_phase_question_finds_the_backend_roadmap_with_8_weeks_first,
    test_named_transition_prefers_its_guide,
    test_question_naming_its_own_role_is_not_pulled_to_the_guide_of_earlier_turns,
    test_scores_are_fused_and_descending,
)

CHUNKS = 150  # the real corpus: 5 guides
GUIDE = "001_4c8e3eb882205519.txt"
NEW_GUIDE = ("999_new.txt", "My notes\nA brand new guide about careers.")  # one chunk


@pytest.fixture(scope="module")
def served_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[Settings]:
    """The real corpus indexed once on a server of this module's own (`chroma` is emptied per test)."""
    with ChromaServer(tmp_path_factory.mktemp("served") / "data", free_port()) as server:
        settings = Settings(
            corpus_dir=CORPUS, index_dir=tmp_path_factory.mktemp("served") / "index", chroma_url=server.url
        )
        build_index(settings, embedder)
        yield settings


@pytest.fixture(scope="module")
def retriever(served_index: Settings, embedder) -> Retriever:
    return Retriever.open(served_index, embedder)


def unreachable(url: str, index_dir) -> str:
    port = url.rsplit(":", 1)[1]
    return (
        f"No Chroma server answers at {url} (COACH_CHROMA_URL). Start one with "
        f"`chroma run --path chroma-data --host 127.0.0.1 --port {port}`, "
        f"or unset COACH_CHROMA_URL to keep the index in {index_dir}."
    )


def test_index_on_the_server_holds_the_folder_index_chunks_in_the_same_order(
    served_index, built_index, embedder
):
    served, local = open_index(served_index, embedder), open_index(built_index, embedder)
    assert len(served.chunks) == len(local.chunks) == CHUNKS
    assert [c.id for c in served.chunks] == [c.id for c in local.chunks]
    assert served.manifest["fingerprint"] == local.manifest["fingerprint"]
    assert not served_index.index_dir.exists()  # nothing was written on this machine


def test_retrieve_on_the_server_prints_the_backend_roadmap_first(served_index, capsys, monkeypatch):
    monkeypatch.setenv("COACH_CHROMA_URL", served_index.chroma_url)
    code = main(["retrieve", "--json", FOUNDATION])
    out, err = capsys.readouterr()
    assert code == 0, err
    first = json.loads(out)["passages"][0]
    assert first["source"] == "003_64d046e4da0a868d.txt" and "8 weeks" in first["text"]


def test_a_build_writes_one_collection_and_the_pointer_naming_it(chroma, settings_for, counting):
    settings = settings_for(chroma_url=chroma.url)
    report = build_index(settings, counting)
    assert report.store.startswith("guides-") and report.embedded == counting.embedded == CHUNKS
    assert chroma.collections() == {report.store: CHUNKS, "coach-current": 1}
    pointer = chroma.client().get_collection("coach-current").get(include=["metadatas", "documents"])
    assert pointer["ids"] == ["coach-current"] and pointer["metadatas"] == [{"store": report.store}]
    manifest = json.loads(pointer["documents"][0])
    assert (len(manifest["ids"]), manifest["replaces"]) == (CHUNKS, "")


def test_second_build_on_the_server_embeds_nothing_and_says_already_up_to_date(
    chroma, settings_for, counting, capsys, monkeypatch
):
    settings = settings_for(chroma_url=chroma.url)
    first = build_index(settings, counting)
    counting.embedded = 0
    second = build_index(settings, counting)
    assert (second.embedded, second.removed, second.changed, second.store) == (0, 0, False, first.store)
    assert counting.embedded == 0
    monkeypatch.setenv("COACH_CHROMA_URL", chroma.url)
    assert main(["index"]) == 0
    assert capsys.readouterr().out == (
        f"Index already up to date: 5 guides, {CHUNKS} chunks (0 embedded, {CHUNKS} reused, 0 removed) "
        f"in the Chroma server at {chroma.url}\n"
    )
    assert chroma.collections() == {first.store: CHUNKS, "coach-current": 1}


def test_changed_guide_on_the_server_reembeds_only_its_two_changed_chunks(
    chroma, settings_for, counting, corpus_copy
):
    settings = settings_for(corpus_copy, chroma_url=chroma.url)
    before = build_index(settings, counting)
    guide = corpus_copy / GUIDE
    guide.write_text(guide.read_text().replace("3 weeks- Update resume", "2 weeks- Update resume"))
    counting.embedded = 0
    after = build_index(settings, counting)
    assert (after.embedded, after.reused, after.removed) == (2, CHUNKS - 2, 2)
    assert counting.embedded == 2
    phase = next(
        c
        for c in open_index(settings, counting).chunks
        if c.section.endswith("Phase 4: Job Search Preparation")
    )
    assert phase.text.startswith("Duration: 2 weeks")
    # The replaced collection stays until the next update, for a reader that opened it just before.
    assert chroma.collections() == {after.store: CHUNKS, before.store: CHUNKS, "coach-current": 1}


def test_build_failing_after_its_first_batch_leaves_readers_on_the_previous_collection(
    chroma, settings_for, counting, corpus_copy, monkeypatch
):
    settings = settings_for(corpus_copy, chroma_url=chroma.url)
    before = build_index(settings, counting)
    (corpus_copy / NEW_GUIDE[0]).write_text(NEW_GUIDE[1])
    real_add, batches = Collection.add, []

    def add_then_fail(self, **records):
        if batches:
            raise RuntimeError("connection reset")
        batches.append(len(records["ids"]))
        return real_add(self, **records)

    monkeypatch.setattr(coach.store, "BATCH", 50)
    monkeypatch.setattr(Collection, "add", add_then_fail)
    with pytest.raises(RuntimeError, match="connection reset"):
        build_index(settings, counting)
    monkeypatch.undo()
    assert batches == [50]
    index = open_index(settings, counting)
    assert len(index.chunks) == CHUNKS and NEW_GUIDE[0] not in {c.source for c in index.chunks}
    assert chroma.collections() == {before.store: CHUNKS, "coach-current": 1}  # the half-built one is gone


KILLED_AFTER_FIRST_BATCH = """
import os
from chromadb.api.models.Collection import Collection
import coach.store
from coach.cli import main

coach.store.BATCH = 50
real_add = Collection.add

def add_then_die(self, **records):
    real_add(self, **records)
    os._exit(9)  # like SIGKILL: no cleanup runs

Collection.add = add_then_die
main(["index"])
"""


def test_build_killed_midway_leaves_an_orphan_the_next_build_removes(
    chroma, settings_for, counting, corpus_copy, tmp_path
):
    settings = settings_for(corpus_copy, chroma_url=chroma.url)
    before = build_index(settings, counting)
    (corpus_copy / NEW_GUIDE[0]).write_text(NEW_GUIDE[1])
    env = {
        **os.environ,
        "COACH_CHROMA_URL": chroma.url,
        "COACH_CORPUS_DIR": str(corpus_copy),
        "COACH_INDEX_DIR": str(settings.index_dir),
    }
    killed = subprocess.run([sys.executable, "-c", KILLED_AFTER_FIRST_BATCH], env=env, capture_output=True)
    assert killed.returncode == 9, killed.stderr.decode()[-2000:]
    orphans = {
        n: count for n, count in chroma.collections().items() if n not in (before.store, "coach-current")
    }
    assert list(orphans.values()) == [50]
    # Readers still open the previous, complete collection.
    assert len(open_index(settings, counting).chunks) == CHUNKS
    counting.embedded = 0
    after = build_index(settings, counting)
    assert (after.chunks, after.embedded, counting.embedded) == (CHUNKS + 1, 1, 1)
    assert chroma.collections() == {after.store: CHUNKS + 1, before.store: CHUNKS, "coach-current": 1}


def test_no_index_on_the_server_names_the_command_to_run(chroma, settings_for, embedder):
    with pytest.raises(IndexMissingError) as caught:
        open_index(settings_for(chroma_url=chroma.url), embedder)
    assert str(caught.value) == f"No index found in the Chroma server at {chroma.url}. Run `coach index`."


def test_pointer_naming_a_deleted_collection_is_corrupt_and_an_ordinary_build_repairs_it(
    chroma, settings_for, counting
):
    settings = settings_for(chroma_url=chroma.url)
    first = build_index(settings, counting)
    chroma.client().delete_collection(first.store)
    with pytest.raises(IndexCorruptError) as caught:
        open_index(settings, counting)
    assert str(caught.value) == (
        f"The index in the Chroma server at {chroma.url} cannot be read (NotFoundError). "
        "Run `coach index --rebuild`."
    )
    counting.embedded = 0
    repaired = build_index(settings, counting)
    assert repaired.embedded == counting.embedded == CHUNKS
    assert len(open_index(settings, counting).chunks) == CHUNKS


def test_unreachable_server_is_one_line_naming_the_url_and_the_fix(settings_for, counting):
    settings = settings_for(chroma_url=f"http://127.0.0.1:{free_port()}")
    for call in (build_index, open_index):
        with pytest.raises(CoachError) as caught:
            call(settings, counting)
        assert str(caught.value) == unreachable(settings.chroma_url, settings.index_dir)
    assert counting.embedded == 0 and not settings.index_dir.exists()


@pytest.mark.parametrize("argv", [["index"], ["retrieve", "How long does the transition take?"]])
def test_cli_against_an_unreachable_server_exits_1_with_one_line(argv, capsys, monkeypatch, tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("COACH_CHROMA_URL", url)
    code = main(argv)
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err == f"coach: {unreachable(url, tmp_path / 'index')}\n"


@pytest.mark.parametrize(
    "url", ["127.0.0.1:8000", "localhost", "ftp://127.0.0.1:8000", "http://127.0.0.1:99999", "http://h/x"]
)
def test_unparseable_chroma_url_is_one_line_naming_the_setting(url, capsys, monkeypatch):
    monkeypatch.setenv("COACH_CHROMA_URL", url)
    code = main(["index"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        "coach: invalid COACH_* setting: chroma_url Value error, COACH_CHROMA_URL must be a Chroma "
        "server's address, e.g. http://127.0.0.1:8000\n"
    )


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1:8000", ("127.0.0.1", 8000, False)),
        ("https://chroma.example.org/", ("chroma.example.org", 443, True)),
        ("http://localhost", ("localhost", 80, False)),
    ],
)
def test_chroma_url_gives_host_port_and_tls(url, address):
    settings = Settings(chroma_url=url)
    assert Settings.chroma_address(settings.chroma_url) == address


def test_blank_chroma_url_keeps_the_index_in_the_folder():
    assert Settings(chroma_url="  ").chroma_url is None
