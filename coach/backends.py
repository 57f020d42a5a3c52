"""Where the index is kept: a folder of store folders (the default), or a Chroma server.

Both hold any number of *stores* (one complete Chroma collection per build) and one *pointer* that
names the live store and carries its manifest. `coach.store` builds and opens the index through the
few operations here, the same way for both; switching the pointer to a new store is one write.

- Folder (`COACH_INDEX_DIR`): a store is `index/store-<stamp>/`, the Chroma files, a
  `manifest.json` and `chunks.json` (every chunk's id and fields, in order: what a reader needs
  before its first search, without opening Chroma); the pointer is the file `index/CURRENT`,
  replaced by an atomic rename.
- Server (`COACH_CHROMA_URL`): a store is the collection `guides-<stamp>`; the pointer is the one
  record of the collection `coach-current`: its metadata names the live store and its document holds
  the manifest (a document, not metadata: Chroma Cloud caps a metadata value at 4 KB, and the
  manifest lists every chunk id). An upsert of that record is the switch.

Not here: what goes into a store or how one is checked (`coach.store`). Not a lock across machines:
a file lock in the index folder keeps builds on one machine apart, so builds against one server
should all come from one place.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from coach.embeddings import MiniLMEmbedder
from coach.errors import BadInputError, CoachError
from coach.settings import Settings

MANIFEST = "manifest.json"
CHUNKS = "chunks.json"
POINTER = "coach-current"
HEARTBEAT_TIMEOUT = 5.0  # seconds; Chroma's own client waits for ever


@dataclass(frozen=True)
class Pointer:
    """The live store's name and its manifest as stored; None when the manifest is missing."""

    store: str
    manifest: str | None


class Backend(ABC):
    """One place that keeps stores and the pointer: `FolderBackend` or `ServerBackend` below."""

    where: str  # for messages: the index folder, or "the Chroma server at http://..."
    prefix: str  # the start of every store's name
    keeps_chunks = False  # whether each store's chunks are also kept outside Chroma

    @abstractmethod
    def client(self, store: str) -> Any:
        """A Chroma client that holds this store."""

    @abstractmethod
    def collection_name(self, store: str) -> str: ...

    @abstractmethod
    def lock(self) -> AbstractContextManager[None]:
        """Held by a build, so that two builds on this machine never interleave."""

    @abstractmethod
    def read_pointer(self) -> Pointer | None:
        """The live store and its manifest; None before the first build."""

    @abstractmethod
    def write_pointer(self, store: str, manifest: dict) -> None:
        """Make `store` the live one, with its manifest: readers see the switch whole or not at all."""

    @abstractmethod
    def stores(self) -> list[str]:
        """Every store's name, live or not."""

    @abstractmethod
    def drop(self, store: str) -> None:
        """Remove a store; best effort, as what is left is removed by the next build."""

    def keep_chunks(self, store: str, chunks: list[dict]) -> None:  # noqa: B027 - most keep none
        """Keep a store's chunks (each a dict of its id and fields, in order) outside Chroma."""

    def read_chunks(self, store: str) -> str | None:
        """The chunks kept outside Chroma, as stored; None when none are kept."""
        return None

    def session(self) -> AbstractContextManager[None]:
        """Around a build or an open: turns a lost connection into a one-line error."""
        return nullcontext()

    def new_store(self) -> str:
        return f"{self.prefix}{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"

    def collection(self, store: str, embedder: MiniLMEmbedder, create: bool = False) -> Any:
        from coach.chroma_function import ChromaMiniLM

        name, function = self.collection_name(store), ChromaMiniLM(embedder)
        if create:
            return self.client(store).create_collection(
                name, embedding_function=function, configuration={"hnsw": {"space": "cosine"}}
            )
        return self.client(store).get_collection(name, embedding_function=function)


def backend_for(settings: Settings) -> Backend:
    if settings.chroma_url:
        return ServerBackend(settings.chroma_url, settings.index_dir)
    return FolderBackend(settings.index_dir)


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


class FolderBackend(Backend):
    prefix = "store-"
    keeps_chunks = True

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.where = str(index_dir)

    def client(self, store: str) -> Any:
        import chromadb

        return chromadb.PersistentClient(path=str(self.index_dir / store), settings=_chroma_settings())

    def collection_name(self, store: str) -> str:
        return "guides"

    def lock(self) -> AbstractContextManager[None]:
        return file_lock(self.index_dir, create=True)

    def read_pointer(self) -> Pointer | None:
        pointer = self.index_dir / "CURRENT"
        if not pointer.is_file():
            return None
        name = pointer.read_text(encoding="utf-8").strip()
        if not name:
            return None
        try:
            return Pointer(name, (self.index_dir / name / MANIFEST).read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError):
            return Pointer(name, None)
        except (OSError, ValueError):  # unreadable bytes count as an unreadable manifest
            return Pointer(name, "")

    def write_pointer(self, store: str, manifest: dict) -> None:
        # The manifest first: until CURRENT names the store, no reader looks at it.
        _write_atomic(self.index_dir / store / MANIFEST, json.dumps(manifest, indent=1))
        _write_atomic(self.index_dir / "CURRENT", store + "\n")

    def keep_chunks(self, store: str, chunks: list[dict]) -> None:
        _write_atomic(self.index_dir / store / CHUNKS, json.dumps(chunks, ensure_ascii=False))

    def read_chunks(self, store: str) -> str | None:
        try:
            return (self.index_dir / store / CHUNKS).read_text(encoding="utf-8")
        except FileNotFoundError:  # a store built before chunks were kept: Chroma has them
            return None
        except (OSError, ValueError):  # unreadable bytes count as an unreadable list
            return ""

    def stores(self) -> list[str]:
        return sorted(p.name for p in self.index_dir.glob(f"{self.prefix}*") if p.is_dir())

    def drop(self, store: str) -> None:
        shutil.rmtree(self.index_dir / store, ignore_errors=True)


class ServerBackend(Backend):
    prefix = "guides-"

    def __init__(self, url: str, index_dir: Path) -> None:
        self.url = url
        self.index_dir = index_dir
        self.where = f"the Chroma server at {url}"
        self._client: Any = None

    def unreachable(self) -> CoachError:
        host, port, _ = Settings.chroma_address(self.url)
        return CoachError(
            f"No Chroma server answers at {self.url} (COACH_CHROMA_URL). Start one with "
            f"`chroma run --path chroma-data --host {host} --port {port}`, "
            f"or unset COACH_CHROMA_URL to keep the index in {self.index_dir}."
        )

    def client(self, store: str = "") -> Any:
        """One HTTP client per backend, made after a heartbeat answered within a few seconds."""
        if self._client is None:
            import chromadb

            host, port, ssl = Settings.chroma_address(self.url)
            host = f"[{host}]" if ":" in host else host  # an IPv6 address, as Chroma's client joins it
            try:
                httpx.get(f"{self.url}/api/v2/heartbeat", timeout=HEARTBEAT_TIMEOUT).raise_for_status()
                self._client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=_chroma_settings())
            except Exception:  # refused, timed out, not a Chroma server, or an incompatible one
                raise self.unreachable() from None
        return self._client

    def collection_name(self, store: str) -> str:
        return store

    def lock(self) -> AbstractContextManager[None]:
        return file_lock(self.index_dir, create=False)

    @contextmanager
    def session(self) -> Iterator[None]:
        try:
            yield
        except httpx.TransportError:
            raise self.unreachable() from None

    def read_pointer(self) -> Pointer | None:
        from chromadb.errors import NotFoundError

        try:
            pointer = self.client().get_collection(POINTER, embedding_function=None)
        except NotFoundError:
            return None
        got = pointer.get(ids=[POINTER], include=["metadatas", "documents"])
        if not got["ids"]:
            return None
        return Pointer(str((got["metadatas"][0] or {}).get("store", "")), got["documents"][0])

    def write_pointer(self, store: str, manifest: dict) -> None:
        pointer = self.client().get_or_create_collection(POINTER, embedding_function=None)
        # One record, so one write switches the store and its manifest together. Chroma needs a
        # vector for every record; this one is never searched.
        pointer.upsert(
            ids=[POINTER], metadatas=[{"store": store}], documents=[json.dumps(manifest)], embeddings=[[0.0]]
        )

    def stores(self) -> list[str]:
        return sorted(c.name for c in self.client().list_collections() if c.name.startswith(self.prefix))

    def drop(self, store: str) -> None:
        with suppress(Exception):  # gone already, or the server is: the next build tries again
            self.client().delete_collection(store)


@contextmanager
def file_lock(index_dir: Path, create: bool) -> Iterator[None]:
    """Hold `index_dir/.lock`: one build at a time on this machine. Without `create` (the index is
    kept elsewhere), a folder that doesn't exist or can't be written to means no lock."""
    handle = None
    try:
        if create:
            index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(index_dir / ".lock", "w")  # noqa: SIM115 - held across the yield
    except OSError as exc:
        if create:
            raise BadInputError(
                f"The index folder {index_dir} can't be created ({exc.strerror}). "
                "Set COACH_INDEX_DIR to a folder you can write to."
            ) from None
    if handle is None:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
