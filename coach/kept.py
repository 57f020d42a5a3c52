"""What the model reads from the embedded server's kept prompt states: a whole guide, or a part of one.

In the whole-guide layouts (`COACH_MODEL_CONTEXT=guide`, `guide_hint`, `guide_lead`) the model reads
one guide laid out as the index's numbered passages in the guide's order; in the part layouts
(`part`, `part_hint`) the part of it (the fewest even runs of passages of at most `PART_CHARS`
characters) where the passages found rank best. `Kept` knows each guide's passages and parts, which
of them the server keeps the state of (asked once per process, then remembered), and has the server
read and keep them all. A model without `keep_prefix` (any endpoint but the embedded server) keeps
nothing and is sent the same layout: `kept` is then always true.

Not here: the server (`coach.model_server`), the prompts (`coach.prompts`), choosing the guide
(`coach.answer`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

from coach.llm import ChatModel
from coach.prompts import PassageLayout, fixed_messages, guide_prefix
from coach.records import Chunk, Passage

# The layouts in which the model reads a guide, or a part of one, from a kept state; the `_hint`
# ones add the numbers of the passages found first, `guide_lead` the first of them again, whole.
GUIDE_LAYOUTS = ("guide", "guide_hint", "guide_lead", "part", "part_hint")
PART_LAYOUTS = ("part", "part_hint")
HINT_LAYOUTS = ("guide_hint", "guide_lead", "part_hint")
# A guide part's passages, laid out: about 1,200 tokens of this model's (3.8 characters a token).
PART_CHARS = 4_500


def split_guide(chunks: list[Chunk], limit: int = PART_CHARS) -> list[list[Chunk]]:
    """A guide's chunks (in its order) in the fewest consecutive parts of at most `limit` characters
    as laid out (a longer chunk is a part of its own), cut where the parts come out most even."""
    sizes = [len(c.title) + len(c.section) + len(c.text) + 8 for c in chunks]
    size = {c.id: n for c, n in zip(chunks, sizes, strict=True)}
    ends = list(itertools.accumulate(sizes))
    count = max(1, math.ceil(ends[-1] / limit)) if chunks else 1
    while True:
        # Cut after the chunk whose end is nearest each even share of the whole.
        cuts = sorted(
            {
                min(range(len(ends)), key=lambda i: abs(ends[i] - ends[-1] * k / count)) + 1
                for k in range(1, count)
            }
        )
        parts = [chunks[a:b] for a, b in itertools.pairwise([0, *cuts, len(chunks)]) if b > a]
        if all(len(p) == 1 or sum(size[c.id] for c in p) <= limit for p in parts) or count >= len(chunks):
            return parts
        count += 1


def renumbered(sources: list[int], given: list[Passage], shown: list[Passage], supported: bool) -> list[int]:
    """Sources numbered in `given` (what the model read) renumbered as in `shown` (the passages found,
    as the page lists them); a passage a supported sentence cites that `shown` lacks is appended to
    it (an unsupported sentence's are dropped)."""
    ids = [p.chunk.id for p in shown]
    numbers = []
    for i in sources:
        if given[i].chunk.id not in ids:
            if not supported:
                continue
            shown.append(given[i])
            ids.append(given[i].chunk.id)
        numbers.append(ids.index(given[i].chunk.id))
    return numbers


class Kept:
    """The guides' passages as the model may read them from kept states, and which are kept."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.guides: dict[str, list[Chunk]] = {}  # each guide's chunks in its order, by file name
        for chunk in sorted(chunks, key=lambda c: (c.source, c.position)):
            self.guides.setdefault(chunk.source, []).append(chunk)
        self._fixed: dict[str, str] = {}  # passage layout -> the fixed part's key

    def parts(self, layout: str) -> dict[str, list[list[Chunk]]]:
        """What the model may read from a kept state in `layout`, by guide: the guide, or its parts."""
        if layout in PART_LAYOUTS:
            return {g: split_guide(chunks) for g, chunks in self.guides.items()}
        return {g: [chunks] for g, chunks in self.guides.items()}

    def readable(self) -> list[list[Chunk]]:
        """Every passage list a prompt may continue from, in any layout: each guide, each part."""
        guides = list(self.guides.values())
        return guides + [part for chunks in guides for part in split_guide(chunks) if part != chunks]

    def choose(self, layout: str, source: str, found: list[Passage]) -> list[Chunk] | None:
        """The guide `source`, or (in a part layout) its part where `found` ranks best; None when
        the guide has no passages."""
        pieces = self.parts(layout).get(source)
        if not pieces:
            return None
        rank = {p.chunk.id: 1 / (i + 1) for i, p in enumerate(found)}
        return max(pieces, key=lambda part: sum(rank.get(c.id, 0.0) for c in part))

    def kept(self, model: ChatModel, chunks: list[Chunk]) -> bool:
        """The model keeps the state of these passages (a model that keeps none: always). Asked
        each time (the server answers from its tokenizer, without waiting for the model): another
        process may have pruned it since, and a guide read whole is ~3.5K tokens, not 50."""
        keep = getattr(model, "keep_prefix", None)
        return keep is None or bool(keep(guide_prefix(chunks)).get("ready"))

    def keep_fixed(self, model: ChatModel, layout: PassageLayout) -> str | None:
        """Have the model keep the fixed part's state (read once, then kept on disk), once in this
        process; its key, or None when the model keeps no states."""
        keep = getattr(model, "keep_prefix", None)
        if keep is None:
            return None
        if layout not in self._fixed:
            self._fixed[layout] = keep(fixed_messages(layout), build=True)["key"]
        return self._fixed[layout]

    def keep_all(
        self,
        model: ChatModel,
        layout: str,
        on_progress: Callable[[int, int, str], None] | None = None,
        also: tuple[str, ...] = (),
    ) -> int:
        """Have the model keep the states of the fixed part and of every guide (or part, by the
        layout), each read once and kept on disk, and drop every other state it keeps (a guide no
        longer in the index, another layout's). How many were read now (0: all were kept already,
        or the model keeps no states). on_progress(done, of, guide) follows each; `also`: the keys
        of other states to keep (the reader's)."""
        keep = getattr(model, "keep_prefix", None)
        if keep is None or layout not in GUIDE_LAYOUTS:
            return 0
        keys = [self.keep_fixed(model, "passages"), *also]
        pieces = [(source, chunks) for source, parts in self.parts(layout).items() for chunks in parts]
        read = 0
        for done, (source, chunks) in enumerate(pieces, 1):
            state = keep(guide_prefix(chunks), build=True)
            keys.append(state["key"])
            read += state["seconds"] > 0.5
            if on_progress:
                on_progress(done, len(pieces), source)
        model.prune_prefixes(keys)  # type: ignore[attr-defined]
        return read
