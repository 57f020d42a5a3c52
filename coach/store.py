"""The Chroma index in `index/`: build it, update it, open it, and never trust a half-built one.

Layout: `index/CURRENT` names the live store folder (`index/store-<stamp>/`), which holds the
Chroma files and a `manifest.json` listing every chunk id. An update writes a complete new store
folder (reusing the stored embeddings of unchanged chunks, so only new or changed text is
embedded), then switches `CURRENT` to it with an atomic rename. A crash at any point leaves
`CURRENT` naming the previous, complete store; leftover folders are removed by the next run.

Not here: searching (see `coach.retrieve`).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from coach.chunking import CHUNKER_VERSION, load_corpus
from coach.embeddings import MODEL_NAME, MiniLMEmbedder
from coach.errors import BadInputError, CoachError, IndexCorruptError, IndexMissingError
from coach.records import Chunk
from coach.settings import Settings

COLLECTION = "guides"
MANIFEST = "manifest.json"
FORMAT = 1
REBUILD_HINT = "Run `coach index --rebuild`."


@dataclass(frozen=True)
class IndexReport:
    guides: int
    chunks: int
    embedded: int
    reused: int
    removed: int
    store: str
    skipped: list[str] = field(default_factory=list)  # one line per corpus file left out, with why

    @property
    def changed(self) -> bool:
        return bool(self.embedded or self.removed)


@dataclass
class OpenIndex:
    """A verified, readable index: the Chroma collection and every chunk it holds, in order."""

    collection: object
    chunks: list[Chunk]
    manifest: dict


def _client(path: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    )


def _fingerprint(chunks: list[Chunk]) -> str:
    h = hashlib.sha256()
    for c in chunks:
        h.update(json.dumps([c.id, c.metadata()], sort_keys=True).encode())
    return h.hexdigest()


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@contextmanager
def _lock(index_dir: Path) -> Iterator[None]:
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInputError(
            f"The index folder {index_dir} can't be created ({exc.strerror}). "
            "Set COACH_INDEX_DIR to a folder you can write to."
        ) from None
    with open(index_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _current_store(index_dir: Path) -> Path | None:
    pointer = index_dir / "CURRENT"
    if not pointer.is_file():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    return index_dir / name if name else None


def _read_manifest(store: Path) -> dict:
    try:
        manifest = json.loads((store / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexCorruptError(f"The index in {store.parent} is incomplete. {REBUILD_HINT}") from None
    except (OSError, ValueError):
        raise IndexCorruptError(f"The index manifest in {store} is unreadable. {REBUILD_HINT}") from None
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("ids"), list):
        raise IndexCorruptError(f"The index in {store.parent} has an unknown format. {REBUILD_HINT}")
    return manifest


def open_index(settings: Settings, embedder: MiniLMEmbedder) -> OpenIndex:
    """Open the live store and check that it holds exactly what its manifest lists."""
    store = _current_store(settings.index_dir)
    if store is None:
        raise IndexMissingError(f"No index found in {settings.index_dir}. Run `coach index`.")
    if not store.is_dir():
        raise IndexCorruptError(
            f"The index in {settings.index_dir} points at a missing store. {REBUILD_HINT}"
        )
    manifest = _read_manifest(store)
    try:
        collection = _client(store).get_collection(COLLECTION, embedding_function=embedder)
        got = collection.get(include=["metadatas"])
    except Exception as exc:  # Chroma raises many types for a damaged store
        raise IndexCorruptError(
            f"The index in {settings.index_dir} cannot be read ({type(exc).__name__}). {REBUILD_HINT}"
        ) from None
    by_id = dict(zip(got["ids"], got["metadatas"] or [], strict=True))
    if set(by_id) != set(manifest["ids"]):
        raise IndexCorruptError(
            f"The index in {settings.index_dir} does not match its manifest. {REBUILD_HINT}"
        )
    chunks = [Chunk.from_metadata(i, by_id[i]) for i in manifest["ids"]]
    return OpenIndex(collection=collection, chunks=chunks, manifest=manifest)


def _reusable_embeddings(store: Path | None, ids: set[str], embedder: MiniLMEmbedder) -> dict:
    """Embeddings already stored for these ids in the live store; empty if it can't be read."""
    if store is None or not ids:
        return {}
    try:
        manifest = _read_manifest(store)
        if manifest.get("embedding_model") != MODEL_NAME or manifest.get("chunker") != CHUNKER_VERSION:
            return {}
        collection = _client(store).get_collection(COLLECTION, embedding_function=embedder)
        got = collection.get(ids=sorted(ids), include=["embeddings"])
    except Exception:  # a damaged store is rebuilt from scratch, not trusted
        return {}
    return {i: e for i, e in zip(got["ids"], got["embeddings"], strict=True) if i in ids}


def build_index(
    settings: Settings, embedder: MiniLMEmbedder, rebuild: bool = False, strict: bool = False
) -> IndexReport:
    """Build or update the index so that it holds exactly the chunks of the current corpus's usable
    guides; `strict`: a file that isn't one stops the update (BadInputError) instead of being skipped."""
    guides, chunks, skipped = load_corpus(
        settings.corpus_dir, settings.chunk_chars, strict, settings.max_guide_bytes
    )
    ids = [c.id for c in chunks]
    if len(set(ids)) != len(ids):
        raise CoachError("Two chunks got the same id; this is a bug in the chunker.")
    corpus = {g.source: g.title for g in guides}
    with _lock(settings.index_dir):
        previous = _current_store(settings.index_dir)
        live = None if rebuild else previous
        if live is not None and live.is_dir():
            try:
                manifest = _read_manifest(live)
            except IndexCorruptError:
                manifest = {}
            if manifest.get("fingerprint") == _fingerprint(chunks) and _store_intact(
                live, manifest, embedder
            ):
                # A build killed before its switch left its folder behind: remove it now.
                _remove_stale_stores(settings.index_dir, keep={live.name, manifest.get("replaces", "")})
                return IndexReport(len(guides), len(chunks), 0, len(chunks), 0, live.name, skipped)
        else:
            manifest = {}
        old_ids = set(manifest.get("ids", []))
        reused = _reusable_embeddings(live, set(ids) & old_ids, embedder)
        fresh = [c for c in chunks if c.id not in reused]
        vectors = dict(reused)
        if fresh:
            vectors.update(zip([c.id for c in fresh], embedder([c.document for c in fresh]), strict=True))

        store = settings.index_dir / f"store-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        try:
            collection = _client(store).create_collection(
                COLLECTION, embedding_function=embedder, configuration={"hnsw": {"space": "cosine"}}
            )
            for start in range(0, len(chunks), 256):
                batch = chunks[start : start + 256]
                collection.add(
                    ids=[c.id for c in batch],
                    documents=[c.document for c in batch],
                    metadatas=[c.metadata() for c in batch],
                    embeddings=[vectors[c.id] for c in batch],
                )
            if collection.count() != len(chunks):
                raise CoachError(f"The new index holds {collection.count()} of {len(chunks)} chunks.")
            new_manifest = {
                "format": FORMAT,
                "embedding_model": MODEL_NAME,
                "chunker": CHUNKER_VERSION,
                "fingerprint": _fingerprint(chunks),
                "guides": corpus,
                "ids": ids,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                # Kept until the next update, for a reader that opened it just before the switch.
                "replaces": previous.name if previous else "",
            }
            _write_atomic(store / MANIFEST, json.dumps(new_manifest, indent=1))
        except BaseException:
            shutil.rmtree(store, ignore_errors=True)
            raise
        _write_atomic(settings.index_dir / "CURRENT", store.name + "\n")
        _remove_stale_stores(settings.index_dir, keep={store.name, previous.name if previous else ""})
        removed = len(old_ids - set(ids))
        return IndexReport(len(guides), len(chunks), len(fresh), len(reused), removed, store.name, skipped)


def _store_intact(store: Path, manifest: dict, embedder: MiniLMEmbedder) -> bool:
    try:
        collection = _client(store).get_collection(COLLECTION, embedding_function=embedder)
        return collection.count() == len(manifest.get("ids", []))
    except Exception:
        return False


def _remove_stale_stores(index_dir: Path, keep: set[str]) -> None:
    """Remove store folders other than the live one and the one it replaced.

    The replaced store is kept until the next update so that a process that opened it just
    before the switch can finish reading it.
    """
    for path in index_dir.glob("store-*"):
        if path.is_dir() and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
