"""The passage sentence that best answers a question, quoted as the guide writes it: what the coach
shows when the checker removed every sentence the model wrote, so that a question the passages
answer is not refused for the model's mistake.

A sentence (or list item) of the retrieved passages scores by the question's words it holds,
rarer words counting more, its section heading's words counting half; a question asking how
long, how much or how many prefers a sentence with a figure. Nothing is quoted unless it holds
at least two of the question's words, one of them other than the names of the roles it asks
about and the words for a move (those say whose move it is, not what is asked), or a word for
what it asks of them ("median pay" for "salary").

Not here: retrieving the passages (`coach.retrieve`) or checking model text (`coach.verify`).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from coach.frame import ATTRIBUTE_WORDS
from coach.layout import layout
from coach.lexical import tokenize
from coach.records import Chunk, Passage
from coach.terms import GuideTerms, without_names

SEGMENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z'\"‘“])")
BULLET = re.compile(r"^\s*(?:[-•*·]|\d+[.)])\s*")
QUANTITY = re.compile(
    r"\b(?:how (?:long|much|many)|salary|salaries|pay|cost|costs|weeks?|months?|timeline)\b", re.I
)
MIN_WORDS = 2
RANK_COST = 0.3  # a lower-ranked passage's sentence must match this much better per rank


@dataclass(frozen=True)
class Quote:
    text: str  # the sentence as the passage writes it
    passage: int  # index into the passages it was taken from


class Rarity:
    """Inverse document frequency of each word stem over the guides' chunks."""

    def __init__(self, chunks: list[Chunk]) -> None:
        frequency: dict[str, int] = {}
        for chunk in chunks:
            for token in set(tokenize(chunk.document)):
                frequency[token] = frequency.get(token, 0) + 1
        self.count = len(chunks)
        self.frequency = frequency

    def __call__(self, token: str) -> float:
        return math.log((self.count + 1) / (self.frequency.get(token, 0) + 0.5))


def quotes(question: str, passages: list[Passage], rarity: Rarity, terms: GuideTerms) -> list[Quote]:
    """The sentences of these passages that hold the question's words, most first. When the
    question names roles, only a guide that treats one of them counts, and a section about a
    role (a role list's item) only when it is one of them; a question asking how long, how much
    or how many is answered only by a sentence with a figure."""
    asked = set(tokenize(layout().spell_out(question)))
    named = {role for role, _ in terms.roles_in(question)}
    # The roles and the words for a move say whose move it is, not what is asked: a quote must
    # hold a word of the rest.
    unrole = without_names(question, terms)
    what = set(tokenize(layout().spell_out(unrole)))
    attributes = _attributes(unrole)
    wants_figure = bool(QUANTITY.search(question))
    found: list[tuple[float, Quote]] = []
    for rank, passage in enumerate(passages):
        about = {role for role, _ in terms.roles_in(passage.chunk.section)}
        if named and (not terms.fits(passage.chunk.source, named) or (about and not about & named)):
            continue
        heading = set(tokenize(passage.chunk.section)) & asked
        for sentence in _sentences(passage.chunk.text):
            words = set(tokenize(sentence)) & asked
            if (
                len(words | heading) < MIN_WORDS
                or not (words & what or _attributes(sentence) & attributes)
                or (wants_figure and not re.search(r"\d", sentence))
            ):
                continue
            score = sum(map(rarity, words)) + 0.5 * sum(map(rarity, heading - words)) - RANK_COST * rank
            found.append((score, Quote(sentence, rank)))
    return [quote for _, quote in sorted(found, key=lambda f: -f[0])]


def _attributes(text: str) -> set[str]:
    """What the text speaks of, in the words people use for it: "salary" and "median pay" are both pay."""
    return {a for a, words in ATTRIBUTE_WORDS.items() if re.search(rf"\b(?:{words})\b", text, re.IGNORECASE)}


@functools.cache
def _sentences(text: str) -> tuple[str, ...]:
    """A passage's sentences and list items, without bullets; headings of a list ("Tasks:") are
    no sentence of their own."""
    out = []
    for line in text.splitlines():
        line = BULLET.sub("", line).strip()
        if len(line) < 12 or line.endswith(":"):
            continue
        out += [s.strip() for s in SEGMENT.split(line) if len(s.strip()) >= 12]
    return tuple(out)
