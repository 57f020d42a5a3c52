"""Hybrid retrieval: dense (MiniLM in Chroma) and lexical (BM25) rankings, fused.

Fusion is reciprocal rank fusion (each list contributes 1 / (K + rank)), plus a preference for
the guide whose transition the question names. The fused score is what `coach retrieve`
reports: higher is better, and it is only comparable within one query.

Not here: rewriting follow-up questions, or deciding whether the passages answer the question.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import numpy as np

from coach.embeddings import MiniLMEmbedder
from coach.errors import BadInputError
from coach.layout import layout
from coach.lexical import LexicalIndex
from coach.records import Passage
from coach.roles import guide_preference, roles_in
from coach.settings import Settings
from coach.store import OpenIndex, open_index
from coach.terms import GuideTerms

Mode = Literal["hybrid", "dense", "lexical"]
RRF_K = 20  # a small K: with ~150 chunks the top of each list should weigh the most
GUIDE_BONUS = 1.0 / (RRF_K + 1)  # as much as a first place in one list, for a fully named transition
CANDIDATES = 40


@dataclass(frozen=True)
class Ranking:
    dense: list[int]
    lexical: list[int]
    similarity: dict[int, float]  # cosine similarity to the query, for the dense candidates


class Retriever:
    """Searches one opened index. Build it once; it is cheap to query."""

    def __init__(self, index: OpenIndex, embedder: MiniLMEmbedder) -> None:
        self.index = index
        self.chunks = index.chunks
        self._embedder = embedder
        self._position = {c.id: i for i, c in enumerate(self.chunks)}
        self._guides = {c.source: (c.from_role, c.to_role) for c in self.chunks}
        # What the guides use and treat, for reading what a question is about.
        self.terms = GuideTerms.of(self.chunks)

    @classmethod
    def open(cls, settings: Settings, embedder: MiniLMEmbedder | None = None) -> Retriever:
        embedder = embedder or MiniLMEmbedder(settings.embedding_model_dir)
        return cls(open_index(settings, embedder), embedder)

    def embed_query(self, texts: list[str]) -> list:
        """Questions' vectors, by the same encoder that searches with them."""
        return self._embedder.embed_query(texts)

    @functools.cached_property
    def lexical(self) -> LexicalIndex:
        """BM25 over the chunks, built at the first search (a fact answer needs none)."""
        return LexicalIndex([c.document for c in self.chunks])

    def preferred(self, text: str) -> tuple[str, ...]:
        """The guides whose move a text names most clearly (see `guide_preference`)."""
        return tuple(guide_preference(text, self._guides))

    def guide_titles(self) -> dict[str, str]:
        return {c.source: c.title for c in self.chunks}

    def _rankings(self, query: str, only: str | None) -> Ranking:
        vector = self._embedder.embed_query([query])[0]
        size = sum(c.source == only for c in self.chunks) if only else len(self.chunks)
        found = self.index.collection.query(
            query_embeddings=[vector],
            n_results=min(CANDIDATES, size),
            where={"source": only} if only else None,
            include=["distances"],
        )
        dense = [self._position[i] for i in found["ids"][0]]
        similarity = {p: 1.0 - d for p, d in zip(dense, found["distances"][0], strict=True)}
        scores = self.lexical.scores(query)
        order = np.argsort(-scores, kind="stable")
        allowed = (lambda i: self.chunks[i].source == only) if only else (lambda i: True)
        lexical = [int(i) for i in order if scores[i] > 0 and allowed(int(i))][:CANDIDATES]
        return Ranking(dense=dense, lexical=lexical, similarity=similarity)

    def search(
        self,
        query: str,
        k: int = 4,
        mode: Mode = "hybrid",
        prefer: tuple[str, ...] = (),
        boost: set[str] | None = None,
        only: str | None = None,
        about: str = "",
    ) -> list[Passage]:
        """The top k passages. `prefer` (the file names of the guides the conversation was
        about) is lifted when the query itself names no role, so a follow-up stays with the
        guide it is about; `boost` (chunk ids the previous answer cited) lifts those passages
        the same way; `only` (a guide's file name) searches that guide alone; `about` (what the
        conversation was about, as shown) is read with the query by the embedder and the lexical
        index, never for the roles it names."""
        query = query.strip()
        # Typos of the guides' words corrected ("bakcend") and short forms the guides never use
        # spelled out ("DL to MLE"): neither MiniLM nor BM25 would find them; short forms the
        # guides use themselves ("ML") are kept.
        query = layout().spell_out(self.terms.corrected(query), keep=self.terms.words)
        if not query:
            raise BadInputError("The question is empty. Ask a question about the career guides.")
        if only and only not in self._guides:
            raise BadInputError(
                f"There is no guide '{only}'. Choose one of: {', '.join(sorted(self._guides))}."
            )
        ranking = self._rankings(f"{query} {about}".strip(), only)
        lists = {"dense": ranking.dense, "lexical": ranking.lexical}
        if mode != "hybrid":
            lists = {mode: lists[mode]}
        fused: dict[int, float] = {}
        ranks: dict[int, dict[str, int]] = {}
        for name, ranked in lists.items():
            for rank, pos in enumerate(ranked, start=1):
                fused[pos] = fused.get(pos, 0.0) + 1.0 / (RRF_K + rank)
                ranks.setdefault(pos, {})[name] = rank
        if mode == "hybrid":
            # The conversation picks the guide only when the question names no role of its own:
            # "What salary can AI engineers expect?" after a backend question is about AI engineers.
            preferred = guide_preference(query, self._guides)
            if not preferred and not roles_in(query):
                preferred = {g: 1.0 for g in prefer if g in self._guides}
            for source, share in preferred.items():
                for pos in fused:
                    if self.chunks[pos].source == source:
                        fused[pos] += GUIDE_BONUS * share
            for pos in fused:
                if boost and self.chunks[pos].id in boost:
                    fused[pos] += GUIDE_BONUS
        best = sorted(fused, key=lambda p: (-fused[p], p))[:k]
        return [Passage(self.chunks[p], fused[p], ranks[p], ranking.similarity.get(p, 0.0)) for p in best]
