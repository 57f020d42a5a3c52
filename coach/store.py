"""The index: build it, update it, open it, and never trust a half-built one.

An index is kept as complete *stores*, one per build, and a *pointer* naming the live one with its
manifest (every chunk id, the embedding model, the corpus fingerprint). Where they are kept, a
folder (`index/`) or a Chroma server (`COACH_CHROMA_URL`), is `coach.backends`; the logic here is
the same for both. An update writes a complete new store (reusing the stored embeddings of
unchanged chunks, so only new or changed text is embedded), checks it, then switches the pointer
to it in one write. A crash at any point leaves the pointer on the previous, complete store; what
the crash left is removed by the next run. A reader checks that what it reads (the chunk list kept
beside a store, the store itself when it first searches) holds exactly the ids its manifest lists.

Not here: searching (see `coach.retrieve`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from coach.backends import Backend, Pointer, backend_for
from coach.chunking import CHUNKER_VERSION, load_corpus
from coach.embeddings import MODEL_NAME, MiniLMEmbedder
from coach.errors import CoachError, IndexCorruptError, IndexMissingError
from coach.records import Chunk
from coach.settings import Settings

FORMAT = 1
BATCH = 256  # chunks written to a new store per request
REBUILD_HINT = "Run `coach index --rebuild`."
# Raised again as they are, never read as a damaged store: a lost server or the coach's own error.
PASS_ON = (httpx.TransportError, CoachError)


@dataclass(frozen=True)
class IndexReport:
    guides: int
    chunks: int
    embedded: int
    reused: int
    removed: int
    store: str
    skipped: list[str] = field(default_factory=list)  # one line per corpus file left out, with why
    # A new store was written: new text, or the old store was damaged or lacked its chunk list.
    changed: bool = True


class OpenIndex:
    """A verified, readable index: every chunk it holds, in order, and its Chroma collection,
    opened on first use (a fact answer reads the chunks and never searches)."""

    def __init__(self, chunks: list[Chunk], manifest: dict, collection: Callable[[], Any]) -> None:
        self.chunks = chunks
        self.manifest = manifest
        self._open = collection

    @functools.cached_property
    def collection(self) -> Any:
        return self._open()


def _fingerprint(chunks: list[Chunk]) -> str:
    h = hashlib.sha256()
    for c in chunks:
        h.update(json.dumps([c.id, c.metadata()], sort_keys=True).encode())
    return h.hexdigest()


def _manifest(pointer: Pointer, where: str) -> dict:
    if pointer.manifest is None:
        raise IndexCorruptError(
            f"The index in {where} points at a missing or incomplete store ({pointer.store}). {REBUILD_HINT}"
        )
    try:
        manifest = json.loads(pointer.manifest)
    except ValueError:
        raise IndexCorruptError(
            f"The index manifest of {pointer.store} in {where} is unreadable. {REBUILD_HINT}"
        ) from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("ids"), list)
    ):
        raise IndexCorruptError(f"The index in {where} has an unknown format. {REBUILD_HINT}")
    return manifest


def open_index(settings: Settings, embedder: MiniLMEmbedder) -> OpenIndex:
    """Open the live store. Its chunks come from the list kept beside it, checked against the
    manifest, and Chroma is opened (and checked) at the first search; where no list is kept (a
    Chroma server, a store built before lists were kept), from the store, checked now."""
    backend = backend_for(settings)
    with backend.session():
        pointer = backend.read_pointer()
        if pointer is None:
            raise IndexMissingError(f"No index found in {backend.where}. Run `coach index`.")
        manifest = _manifest(pointer, backend.where)
        kept = backend.read_chunks(pointer.store)
    store = pointer.store
    if kept is not None:
        chunks = _kept_chunks(kept, manifest, backend.where)
        return OpenIndex(chunks, manifest, lambda: _checked(backend, store, manifest, embedder, [])[0])
    collection, got = _checked(backend, store, manifest, embedder, ["metadatas"])
    by_id = dict(zip(got["ids"], got["metadatas"] or [], strict=True))
    chunks = [Chunk.from_metadata(i, by_id[i]) for i in manifest["ids"]]
    return OpenIndex(chunks, manifest, lambda: collection)


def _checked(
    backend: Backend, store: str, manifest: dict, embedder: MiniLMEmbedder, include: list[str]
) -> tuple[Any, dict]:
    """The store's collection and what `get` returns for `include`, once its ids are the manifest's."""
    with backend.session():
        try:
            collection = backend.collection(store, embedder)
            got = collection.get(include=include)
        except PASS_ON:
            raise
        except Exception as exc:  # Chroma raises many types for a damaged store
            raise IndexCorruptError(
                f"The index in {backend.where} cannot be read ({type(exc).__name__}). {REBUILD_HINT}"
            ) from None
    if set(got["ids"]) != set(manifest["ids"]):
        raise IndexCorruptError(f"The index in {backend.where} does not match its manifest. {REBUILD_HINT}")
    return collection, got


def _kept_chunks(kept: str, manifest: dict, where: str) -> list[Chunk]:
    """The chunks of a store's kept list, which must be the manifest's, in its order."""
    try:
        chunks = [Chunk.from_metadata(k["id"], k) for k in json.loads(kept)]
    except (ValueError, TypeError, KeyError):
        raise IndexCorruptError(
            f"The chunk list of the index in {where} is unreadable. {REBUILD_HINT}"
        ) from None
    if [c.id for c in chunks] != manifest["ids"]:
        raise IndexCorruptError(f"The index in {where} does not match its manifest. {REBUILD_HINT}")
    return chunks


def _reusable_embeddings(
    backend: Backend, store: str, manifest: dict, ids: set[str], embedder: MiniLMEmbedder
) -> dict:
    """Embeddings already stored for these ids in the live store; empty if it can't be read."""
    if not ids or manifest.get("embedding_model") != MODEL_NAME or manifest.get("chunker") != CHUNKER_VERSION:
        return {}
    try:
        got = backend.collection(store, embedder).get(ids=sorted(ids), include=["embeddings"])
    except PASS_ON:
        raise
    except Exception:  # a damaged store is rebuilt from scratch, not trusted
        return {}
    return {i: e for i, e in zip(got["ids"], got["embeddings"], strict=True) if i in ids}


def _store_intact(backend: Backend, store: str, manifest: dict, embedder: MiniLMEmbedder) -> bool:
    try:
        if backend.keeps_chunks:
            kept = backend.read_chunks(store)
            if kept is None:
                return False  # built before chunks were kept: the update keeps them
            _kept_chunks(kept, manifest, backend.where)
        return backend.collection(store, embedder).count() == len(manifest.get("ids", []))
    except IndexCorruptError:
        return False
    except PASS_ON:
        raise
    except Exception:
        return False


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
    backend = backend_for(settings)
    with backend.session(), backend.lock():
        pointer = backend.read_pointer()
        previous = pointer.store if pointer else ""
        manifest: dict = {}
        if pointer is not None and not rebuild:
            try:
                manifest = _manifest(pointer, backend.where)
            except IndexCorruptError:
                manifest = {}
            if manifest.get("fingerprint") == _fingerprint(chunks) and _store_intact(
                backend, previous, manifest, embedder
            ):
                # A build killed before its switch left its store behind: remove it now.
                _remove_stale_stores(backend, keep={previous, manifest.get("replaces", "")})
                return IndexReport(
                    len(guides), len(chunks), 0, len(chunks), 0, previous, skipped, changed=False
                )
        old_ids = set(manifest.get("ids", []))
        reused = _reusable_embeddings(backend, previous, manifest, set(ids) & old_ids, embedder)
        fresh = [c for c in chunks if c.id not in reused]
        vectors = dict(reused)
        if fresh:
            vectors.update(zip([c.id for c in fresh], embedder([c.document for c in fresh]), strict=True))

        store = backend.new_store()
        try:
            collection = backend.collection(store, embedder, create=True)
            for start in range(0, len(chunks), BATCH):
                batch = chunks[start : start + BATCH]
                collection.add(
                    ids=[c.id for c in batch],
                    documents=[c.document for c in batch],
                    metadatas=[c.metadata() for c in batch],
                    embeddings=[vectors[c.id] for c in batch],
                )
            if collection.count() != len(chunks):
                raise CoachError(f"The new index holds {collection.count()} of {len(chunks)} chunks.")
            backend.keep_chunks(store, [{"id": c.id, **c.metadata()} for c in chunks])
        except BaseException:
            backend.drop(store)
            raise
        # Outside the try: once the switch may have happened, the new store is never dropped.
        backend.write_pointer(
            store,
            {
                "format": FORMAT,
                "embedding_model": MODEL_NAME,
                "chunker": CHUNKER_VERSION,
                "fingerprint": _fingerprint(chunks),
                "guides": {g.source: g.title for g in guides},
                "ids": ids,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                # Kept until the next update, for a reader that opened it just before the switch.
                "replaces": previous,
            },
        )
        _remove_stale_stores(backend, keep={store, previous})
        removed = len(old_ids - set(ids))
        return IndexReport(len(guides), len(chunks), len(fresh), len(reused), removed, store, skipped)


def _remove_stale_stores(backend: Backend, keep: set[str]) -> None:
    """Remove stores other than the live one and the one it replaced.

    The replaced store is kept until the next update so that a process that opened it just
    before the switch can finish reading it.
    """
    for store in backend.stores():
        if store not in keep:
            backend.drop(store)
