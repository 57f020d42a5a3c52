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
from coach.reading import nouns_in
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


@dataclass(frozen=True)
class Aim:
    """What a question asks about, apart from whose move it is: its words other than the roles it
    names and the words for a move, and what it speaks of in the words people use for it ("salary"
    and "median pay" are both pay). A text speaks to the question only when it holds one of them."""

    words: frozenset[str]
    attributes: frozenset[str]

    @classmethod
    def of(cls, question: str, terms: GuideTerms, things: bool = False) -> Aim:
        """things: only the words of the things it names (its nouns) count; a verb ("who is that
        path meant for?") names nothing an answer must hold."""
        rest = without_names(question, terms)
        words = set(tokenize(layout().spell_out(rest)))
        if things:
            words &= set(tokenize(" ".join(nouns_in(question))))
        return cls(frozenset(words), frozenset(_attributes(rest)))

    @property
    def empty(self) -> bool:
        """It names nothing but roles ("And deep learning engineers?"): nothing to hold."""
        return not self.words and not self.attributes

    def held_by(self, text: str) -> bool:
        return bool(set(tokenize(text)) & self.words or _attributes(text) & self.attributes)


def quotes(question: str, passages: list[Passage], rarity: Rarity, terms: GuideTerms) -> list[Quote]:
    """The sentences of these passages that hold the question's words, most first. When the
    question names roles, only a guide that treats one of them counts, and a section about a
    role (a role list's item) only when it is one of them; a question asking how long, how much
    or how many is answered only by a sentence with a figure."""
    asked = set(tokenize(layout().spell_out(question)))
    named = {role for role, _ in terms.roles_in(question)}
    # The roles and the words for a move say whose move it is, not what is asked: a quote must
    # hold a word of the rest.
    aim = Aim.of(question, terms)
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
                or not aim.held_by(sentence)
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


# The model's context: per passage, by rank, how many of its lines it gets, and how many
# characters they may take (the first passage most: a small model answers mostly from it).
EXCERPT_LINES = (5, 2, 1, 1)
EXCERPT_CHARS = (600, 220, 160, 160)
# A later passage's line is given only when it holds at least this share of what the best line
# of the first passage holds of the question.
EXCERPT_SHARE = 0.5
FIELD = re.compile(r"^[A-Z][\w ]{2,20}: (?=.{1,40}$)[^:]+$")  # "Duration: 6 weeks"


@dataclass(frozen=True)
class Excerpt:
    passage: int  # index into the passages
    lines: tuple[str, ...]  # the passage's lines that hold the question's words, in passage order


def excerpts(question: str, passages: list[Passage], rarity: Rarity) -> list[Excerpt]:
    """The lines of each passage the model needs for this question: those holding the question's
    words (rarer words counting more; those of the heading it stands under and of the passage's
    heading, half), the best few per passage within its share of characters, kept in the
    passage's order, with the passage's fields ("Duration: 6 weeks"). A later passage none of whose lines holds about half of what
    the first passage's best line holds is left out; the first one always gives its best line."""
    asked = set(tokenize(layout().spell_out(question)))
    wants_figure = bool(QUANTITY.search(question))
    out = []
    floor = 0.0
    for rank, passage in enumerate(passages[: len(EXCERPT_LINES)]):
        lines = _lines(passage.chunk.text)
        # The passage's own heading holding the question's words makes all its lines about it.
        label = set(tokenize(passage.chunk.section.split(" > ")[-1]))
        bonus = 0.5 * sum(map(rarity, label & asked))
        # A passage's fields ("Priority: Critical · 6 weeks", "Duration: 6 weeks") are short and
        # say what its text is about: given whenever the passage is; the other lines are chosen.
        fields = [i for i, (_, line) in enumerate(lines) if FIELD.match(line)]
        scored = []
        for i, (heading, line) in enumerate(lines):
            if i in fields:
                continue
            # The label shows the heading's words already: a line repeating them adds nothing.
            words = set(tokenize(line)) & asked - label
            own = sum(map(rarity, words)) + 0.5 * sum(map(rarity, set(tokenize(heading)) & asked - words))
            if wants_figure and re.search(r"\d", line):
                own += 1.0
            scored.append((own, i))
        # Lines holding the question's words, and the passage's opening line (where an answer
        # says "No," or "Not necessarily."); when none holds any, all of them if the heading does.
        opening = scored[0] if scored else None  # scored in passage order
        eligible = [s for s in scored if s[0]]
        if eligible and opening and opening not in eligible and rank == 0:
            eligible.append(opening)
        eligible = eligible or (scored if bonus else [])
        if sum(len(line) for _, line in lines) <= EXCERPT_CHARS[rank] and any(own for own, _ in scored):
            eligible = scored  # a short passage that holds the question's words is given whole
        ranked = sorted(((own + bonus, i) for own, i in eligible), key=lambda s: (-s[0], s[1]))
        best = [s for s in ranked if s[0] > floor]
        if rank == 0:
            best = best or sorted(scored, key=lambda s: (-s[0], s[1]))[: 0 if fields else 1]
            floor = EXCERPT_SHARE * best[0][0] if best else 0.0
        chosen, used = [], 0
        for _, i in best:
            if len(chosen) == EXCERPT_LINES[rank] or (
                chosen and used + len(lines[i][1]) > EXCERPT_CHARS[rank]
            ):
                break
            chosen.append(i)
            used += len(lines[i][1])
        if chosen or (fields and rank == 0):
            out.append(Excerpt(rank, _with_headings(lines, chosen + fields, EXCERPT_CHARS[rank])))
    return out


def _lines(text: str) -> list[tuple[str, str]]:
    """A passage's lines and sentences as the model reads them, list items without bullets, each
    with the heading it stands under ("Tasks:", "What You'll Love"; "" when none). A heading is a
    line ending in a colon, or a short line, not a list item, with no figure, field or full stop,
    that more lines follow."""
    rows = [(BULLET.sub("", line).strip(), bool(BULLET.match(line))) for line in text.splitlines()]
    rows = [r for r in rows if r[0]]
    out: list[tuple[str, str]] = []
    heading = ""
    for i, (line, item) in enumerate(rows):
        if (line.endswith(":") and len(line) < 40) or (
            len(line) < 40 and not item and i + 1 < len(rows) and not re.search(r"\d|: |[.!?]$", line)
        ):
            heading = line
        else:
            out += [(heading, piece.strip()) for piece in SEGMENT.split(line) if piece.strip()]
    return out


def _with_headings(lines: list[tuple[str, str]], chosen: list[int], limit: int) -> tuple[str, ...]:
    """The chosen lines in passage order, each list's heading before the first chosen item under it."""
    out: list[str] = []
    shown = ""
    for i in sorted(chosen):
        heading, line = lines[i]
        if heading and heading != shown:
            out.append(heading)
            shown = heading
        out.append(_clipped(line, limit))
    return tuple(out)


def _clipped(line: str, limit: int) -> str:
    """A line cut at a word boundary to fit `limit` characters, marked with an ellipsis."""
    if len(line) <= limit:
        return line
    return line[: line.rfind(" ", 0, limit)].rstrip(",;: ") + " …"
