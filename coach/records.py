"""Records that cross module lines: sections of a guide, chunks of the index, retrieved passages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """One leaf section of a guide: its heading path and its cleaned text."""

    path: tuple[str, ...]
    text: str
    kind: str = "prose"  # prose | summary | skill | phase | faq | overview | story | role | ...
    # The labelled values the guide states for this item, in its order, as the guide writes them:
    # ("Priority", "Critical"), ("Duration", "6 weeks"), ("Task", ...), ("Resource", ...).
    fields: tuple[tuple[str, str], ...] = ()

    def field(self, label: str) -> str:
        """The first value stated under this label, or "" when the guide does not state one."""
        return next((v for k, v in self.fields if k == label), "")

    @property
    def heading(self) -> str:
        return " > ".join(self.path)


@dataclass(frozen=True)
class Guide:
    """A parsed career guide."""

    source: str  # file name in the corpus, e.g. "003_64d046e4da0a868d.txt"
    title: str
    from_role: str  # "" when the guide is not about one starting role
    to_role: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Chunk:
    """A piece of a guide as stored in the index. `text` is what a reader is shown."""

    id: str
    source: str
    title: str
    from_role: str
    to_role: str
    section: str
    kind: str
    position: int
    text: str

    @property
    def document(self) -> str:
        """The text that is embedded and searched: the passage with its guide and heading."""
        return f"{self.title}\n{self.section}\n{self.text}"

    @property
    def move(self) -> str:
        """Its guide's short name: the move, "Backend Developer → Deep Learning Engineer"."""
        return f"{self.from_role} → {self.to_role}" if self.from_role else f"{self.to_role} path"

    def metadata(self) -> dict[str, str | int]:
        return {
            "source": self.source,
            "title": self.title,
            "from_role": self.from_role,
            "to_role": self.to_role,
            "section": self.section,
            "kind": self.kind,
            "position": self.position,
            "text": self.text,
        }

    @classmethod
    def from_metadata(cls, chunk_id: str, meta: dict) -> Chunk:
        return cls(
            id=chunk_id,
            source=str(meta["source"]),
            title=str(meta["title"]),
            from_role=str(meta["from_role"]),
            to_role=str(meta["to_role"]),
            section=str(meta["section"]),
            kind=str(meta["kind"]),
            position=int(meta["position"]),
            text=str(meta["text"]),
        )


@dataclass(frozen=True)
class Passage:
    """A chunk found for a query, with its fused score (higher is better) and per-list ranks."""

    chunk: Chunk
    score: float
    ranks: dict[str, int] = field(default_factory=dict)
    similarity: float = 0.0  # cosine similarity to the query (0 when not among dense candidates)

    def to_json(self) -> dict:
        c = self.chunk
        return {
            "source": c.source,
            "title": c.title,
            "section": c.section,
            "text": c.text,
            "score": round(self.score, 6),
            "id": c.id,
            "kind": c.kind,
            "ranks": self.ranks,
            "similarity": round(self.similarity, 4),
        }
