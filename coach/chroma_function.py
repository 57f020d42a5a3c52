"""The embedding model as Chroma sees it: an `EmbeddingFunction` over a `MiniLMEmbedder`.

Imported only where a Chroma collection is opened or made, so that a process that never opens
one (a fact answer from the shell) never imports chromadb. Not the model itself: see
`coach.embeddings`.
"""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

from coach.embeddings import MODEL_NAME, MiniLMEmbedder


class ChromaMiniLM(EmbeddingFunction[Documents]):
    """Embeds passages and questions for a collection with the local MiniLM; never downloads."""

    def __init__(self, embedder: MiniLMEmbedder | None = None) -> None:
        self.embedder = embedder or MiniLMEmbedder()

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - Chroma's parameter name
        return self.embedder(list(input))

    def embed_query(self, input: Documents) -> Embeddings:  # type: ignore[override]  # noqa: A002
        return self.embedder.embed_query(list(input))

    @staticmethod
    def name() -> str:
        return "coach-minilm"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_NAME}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaMiniLM:
        return ChromaMiniLM()
