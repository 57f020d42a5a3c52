"""The index: idempotent updates, per-guide changes, crash safety, and damage detection."""

from __future__ import annotations

import json

import pytest

from coach.errors import BadInputError, CorpusMissingError, IndexCorruptError, IndexMissingError
from coach.settings import Settings
from coach.store import build_index, open_index
from tests.conftest import CORPUS


def test_second_index_run_embeds_nothing(settings_for, counting):
    settings = settings_for()
    first = build_index(settings, counting)
    assert first.embedded == first.chunks == counting.embedded > 100
    counting.embedded = 0
    second = build_index(settings, counting)
    assert (second.embedded, second.removed, second.changed) == (0, 0, False)
    assert counting.embedded == 0
    assert second.store == first.store


def test_changed_guide_reembeds_only_its_changed_chunks(settings_for, counting, corpus_copy):
    settings = settings_for(corpus_copy)
    build_index(settings, counting)
    guide = corpus_copy / "001_4c8e3eb882205519.txt"
    guide.write_text(guide.read_text().replace("3 weeks- Update resume", "2 weeks- Update resume"))
    counting.embedded = 0
    report = build_index(settings, counting)
    # The phase itself and the roadmap overview that lists its duration.
    assert (report.embedded, report.removed) == (2, 2)
    assert counting.embedded == 2
    index = open_index(settings, counting)
    phase = next(c for c in index.chunks if c.section.endswith("Phase 4: Job Search Preparation"))
    assert phase.text.startswith("Duration: 2 weeks")


def test_removed_guide_loses_its_chunks_and_others_are_reused(settings_for, counting, corpus_copy):
    settings = settings_for(corpus_copy)
    full = build_index(settings, counting)
    (corpus_copy / "002_f509431828cc4a69.txt").unlink()
    counting.embedded = 0
    report = build_index(settings, counting)
    assert report.embedded == 0 and report.removed > 0
    assert report.chunks == full.chunks - report.removed
    sources = {c.source for c in open_index(settings, counting).chunks}
    assert "002_f509431828cc4a69.txt" not in sources and len(sources) == 4


def test_crash_during_update_leaves_the_previous_index_in_use(
    settings_for, counting, corpus_copy, monkeypatch
):
    settings = settings_for(corpus_copy)
    before = build_index(settings, counting)
    (corpus_copy / "999_new.txt").write_text("My notes\nA brand new guide about careers.")

    def power_cut(self, texts):
        raise RuntimeError("power cut")

    monkeypatch.setattr(type(counting), "__call__", power_cut)
    with pytest.raises(RuntimeError, match="power cut"):
        build_index(settings, counting)
    monkeypatch.undo()
    index = open_index(settings, counting)
    assert len(index.chunks) == before.chunks
    assert sorted(p.name for p in settings.index_dir.glob("store-*")) == [before.store]


def test_interrupted_write_keeps_the_old_index_and_the_next_run_cleans_up(
    settings_for, counting, corpus_copy, monkeypatch
):
    from chromadb.api.models.Collection import Collection

    settings = settings_for(corpus_copy)
    before = build_index(settings, counting)
    (corpus_copy / "999_new.txt").write_text("My notes\nA brand new guide about careers.")

    def killed(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Collection, "add", killed)
    with pytest.raises(KeyboardInterrupt):
        build_index(settings, counting)
    monkeypatch.undo()
    # A hard kill leaves a half-written folder behind: nothing may trust it.
    orphan = settings.index_dir / "store-20000101000000-deadbeef"
    orphan.mkdir()
    (orphan / "chroma.sqlite3").write_bytes(b"half")
    assert len(open_index(settings, counting).chunks) == before.chunks
    after = build_index(settings, counting)
    assert after.chunks == before.chunks + 1 and after.embedded == 1
    assert not orphan.exists()


def test_rebuild_starts_from_scratch(settings_for, counting):
    settings = settings_for()
    first = build_index(settings, counting)
    counting.embedded = 0
    again = build_index(settings, counting, rebuild=True)
    assert again.embedded == first.chunks == counting.embedded
    assert again.store != first.store
    # The replaced store stays until the next update, for readers that opened it just before.
    assert sorted(p.name for p in settings.index_dir.glob("store-*")) == sorted([first.store, again.store])


def test_missing_index_names_the_command_to_run(settings_for, embedder):
    with pytest.raises(IndexMissingError, match=r"No index found in .*index\. Run `coach index`\."):
        open_index(settings_for(), embedder)


def test_index_pointing_at_a_missing_store_is_corrupt(settings_for, embedder):
    settings = settings_for()
    settings.index_dir.mkdir(parents=True)
    (settings.index_dir / "CURRENT").write_text("store-gone\n")
    with pytest.raises(IndexCorruptError, match="coach index --rebuild"):
        open_index(settings, embedder)


def test_store_that_disagrees_with_its_manifest_is_corrupt_and_rebuild_repairs_it(settings_for, embedder):
    settings = settings_for()
    report = build_index(settings, embedder)
    manifest_path = settings.index_dir / report.store / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["ids"].append("0" * 32)
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexCorruptError, match="does not match its manifest"):
        open_index(settings, embedder)
    build_index(settings, embedder)  # an ordinary run notices and writes a fresh store
    assert len(open_index(settings, embedder).chunks) == report.chunks


def test_truncated_manifest_is_corrupt(settings_for, embedder):
    settings = settings_for()
    report = build_index(settings, embedder)
    (settings.index_dir / report.store / "manifest.json").write_text('{"format": 1, "ids": [')
    with pytest.raises(IndexCorruptError, match="unreadable"):
        open_index(settings, embedder)


def test_missing_corpus_is_reported_before_anything_is_written(settings_for, embedder, tmp_path):
    settings = settings_for(tmp_path / "nowhere")
    with pytest.raises(CorpusMissingError, match="No corpus folder at"):
        build_index(settings, embedder)
    assert not (settings.index_dir / "CURRENT").exists()


def test_an_up_to_date_run_removes_the_folders_of_builds_killed_before_their_switch(settings_for, counting):
    settings = settings_for()
    first = build_index(settings, counting)
    live = build_index(settings, counting, rebuild=True)
    # SIGKILL mid-write leaves a store made after the live one, with or without its manifest.
    for n, files in enumerate(({"chroma.sqlite3": b"half"}, {"manifest.json": b"{}"})):
        killed = settings.index_dir / f"store-29990101000000-dead000{n}"
        killed.mkdir()
        for name, data in files.items():
            (killed / name).write_bytes(data)
    report = build_index(settings, counting)
    assert (report.changed, report.store) == (False, live.store)
    # The store the live one replaced stays, for a reader that opened it just before the switch.
    assert sorted(p.name for p in settings.index_dir.glob("store-*")) == sorted([first.store, live.store])


def test_an_index_folder_that_cant_be_created_is_one_line_naming_the_setting(tmp_path, counting):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings = Settings(corpus_dir=CORPUS, index_dir=blocker / "index")
    with pytest.raises(BadInputError) as caught:
        build_index(settings, counting)
    assert str(caught.value) == (
        f"The index folder {blocker / 'index'} can't be created (Not a directory). "
        "Set COACH_INDEX_DIR to a folder you can write to."
    )
    assert caught.value.exit_code == 2


def test_chunks_are_read_from_the_list_kept_beside_the_store_and_chroma_is_checked_at_the_first_search(
    settings_for, embedder
):
    from coach.retrieve import Retriever

    settings = settings_for()
    report = build_index(settings, embedder)
    kept = json.loads((settings.index_dir / report.store / "chunks.json").read_text())
    assert len(kept) == report.chunks == 150
    assert set(kept[0]) == {
        "id",
        "source",
        "title",
        "from_role",
        "to_role",
        "section",
        "kind",
        "position",
        "text",
    }
    assert [c.id for c in Retriever.open(settings, embedder).chunks] == [k["id"] for k in kept]
    # The list and the manifest name a chunk the Chroma store lacks: the open reads the chunks
    # (a fact answer needs nothing else), and the first search finds the store damaged.
    extra = {**kept[0], "id": "0" * 32}
    (settings.index_dir / report.store / "chunks.json").write_text(json.dumps([*kept, extra]))
    manifest_path = settings.index_dir / report.store / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps({**manifest, "ids": [*manifest["ids"], extra["id"]]}))
    retriever = Retriever.open(settings, embedder)
    assert len(retriever.chunks) == 151
    with pytest.raises(IndexCorruptError, match="does not match its manifest. Run `coach index --rebuild`."):
        retriever.search("How long is the backend to deep learning transition?")


def test_a_store_without_a_chunk_list_is_read_from_chroma_and_the_next_update_keeps_one(
    settings_for, counting
):
    settings = settings_for()
    first = build_index(settings, counting)
    (settings.index_dir / first.store / "chunks.json").unlink()
    assert [c.id for c in open_index(settings, counting).chunks] == json.loads(
        (settings.index_dir / first.store / "manifest.json").read_text()
    )["ids"]
    counting.embedded = 0
    update = build_index(settings, counting)
    assert (update.embedded, update.reused, counting.embedded, update.changed) == (0, first.chunks, 0, True)
    assert update.store != first.store and (settings.index_dir / update.store / "chunks.json").is_file()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda kept: "[{", "chunk list of the index in .* is unreadable"),
        (
            lambda kept: json.dumps([{"id": k["id"]} for k in kept]),
            "chunk list of the index in .* is unreadable",
        ),
        (lambda kept: json.dumps(kept[1:]), "does not match its manifest"),
    ],
)
def test_a_damaged_chunk_list_is_corrupt_and_an_ordinary_update_repairs_it(
    settings_for, embedder, damage, message
):
    settings = settings_for()
    report = build_index(settings, embedder)
    path = settings.index_dir / report.store / "chunks.json"
    path.write_text(damage(json.loads(path.read_text())))
    with pytest.raises(IndexCorruptError, match=f"{message}. Run `coach index --rebuild`."):
        open_index(settings, embedder)
    repaired = build_index(settings, embedder)
    assert repaired.store != report.store and repaired.embedded == 0
    assert len(open_index(settings, embedder).chunks) == report.chunks
