"""Check a drafted answer against the passages it was given, sentence by sentence.

Each sentence is attributed to the passage(s) that support it: the passage must contain every
number, amount, percentage and duration the sentence states (durations and percentages with
their unit: "2 weeks" is not supported by "2-3 projects"), every absolute it asserts ("free",
"guaranteed", "never"), and most of its content words.
The model's own `[n]` markers are only hints: a marker to a passage that does not support the
sentence is dropped, and a supporting passage the model forgot to cite is added. A sentence no
passage supports is removed, with its reason.

Not here: deciding whether to answer at all (see `coach.answer`). This does not judge meaning:
a sentence that reuses a passage's words and numbers to say something the passage does not mean
can pass. The judge in `evals/` measures that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coach.layout import layout
from coach.lexical import tokenize
from coach.records import Passage

if TYPE_CHECKING:
    from coach.facts import Value

MARKER = re.compile(r"\s*\[(\d{1,2})\]")
TRAILING_MARKERS = re.compile(r"\s*(?:\[\d{0,2}\]?)+\s*$")
# A sentence ends at . ! ? before a capital or digit, but not after "U.S." or "e.g.".
SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<![A-Z]\.[A-Z]\.)(?<!\be\.g\.)(?<!\bi\.e\.)\s+(?=[\"'(\[]?[A-Z0-9$])|\n+"
)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "fifteen": "15",
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
    # An ordinal states a number too ("the second round" needs a 2, or "second", in its passage);
    # "first" is left out: it mostly orders the sentences themselves ("First, ...").
    "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7",
    "eighth": "8", "ninth": "9", "tenth": "10",
}  # fmt: skip
NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)
MIN_OVERLAP = 0.5
# A cited passage counts when it shares at most this share of the sentence's words fewer than
# the passage that shares the most.
BEST_MARGIN = 0.25
# Words that turn a claim into an absolute: the passage must say them too ("the certificate is free").
ABSOLUTES = frozenset(tokenize("free guaranteed promise never always"))
NOT_NAMES = frozenset("the this that these those you your it its they their guide guides".split())


@dataclass
class CheckedSentence:
    text: str  # without markers
    sources: list[int] = field(default_factory=list)  # 0-based passage indexes that support it
    reason: str = ""  # why it was removed; empty when supported
    # Composed from the guides' facts: the values it states, each with its span, and whether it
    # states something computed from them (a verdict, a count) instead of restating them.
    values: tuple[Value, ...] = ()
    computed: bool = False
    figures: tuple[str, ...] = ()  # what it states that was worked out (a total, a date) or asked (hours)

    @property
    def supported(self) -> bool:
        return bool(self.sources)


# A sentence that opens with a yes-no answer: "Yes, ...", "No. While PhDs ...".
YES_NO = re.compile(r"^\W*(yes|no)\b(?![-\w])", re.IGNORECASE)


def split_sentences(text: str) -> list[tuple[str, list[int]]]:
    """Split a draft into (sentence without markers, 1-based markers it carried)."""
    pieces = [p.strip() for p in SENTENCE_END.split(text.strip()) if p and p.strip()]
    out: list[tuple[str, list[int]]] = []
    for piece in pieces:
        # A marker the model put after the full stop belongs to the sentence before it.
        while out and (m := re.match(r"^\[(\d{1,2})\]\s*", piece)):
            out[-1][1].append(int(m.group(1)))
            piece = piece[m.end() :]
        markers = [int(n) for n in MARKER.findall(piece)]
        bare = MARKER.sub("", piece).strip()
        bare = re.sub(r"^[-*•]\s+", "", bare)
        if bare:
            out.append((bare, markers))
        elif out:
            out[-1][1].extend(markers)
    return out


def _in_digits(text: str) -> str:
    """Number words written as digits: "six weeks" -> "6 weeks"."""
    return NUMBER_WORD.sub(lambda m: NUMBER_WORDS[m.group(1).lower()], text)


# A number (or range) with its unit: "8 weeks", "9-12 months", "9-Month", "40-100%", "six weeks".
QUANTITY = re.compile(
    r"(\d+(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(\d+(?:\.\d+)?))?\s*-?\s*(%|(?:weeks?|months?|years?|days?|hours?)\b)",
    re.IGNORECASE,
)


def quantities_in(text: str) -> set[str]:
    """Every duration or percentage the text states, with its unit: {"8 week", "9-12 month", "40 %"}.
    (`_stated` lets one end of a stated range count, so "40% to 100%" matches "40-100%".)"""
    out = set()
    for low, high, unit in QUANTITY.findall(_in_digits(text)):
        unit = "%" if unit == "%" else unit.lower().rstrip("s")
        out.add(f"{low}-{high} {unit}" if high else f"{low} {unit}")
    return out


def _stated(quantity: str, stated: set[str]) -> bool:
    """The passage states this quantity, or a range of the same unit that ends with it."""
    if quantity in stated:
        return True
    number, unit = quantity.split(" ")
    return "-" not in number and any(
        s.endswith(f" {unit}") and number in s.split(" ")[0].split("-") for s in stated
    )


def numbers_in(text: str) -> set[str]:
    """Every number the text states, normalised: "$140,000" -> "140000", "six" -> "6"."""
    return {n.replace(",", "") for n in NUMBER.findall(_in_digits(text))}


# Words that frame a claim rather than make it ("the guide suggests", "you should spend").
FRAMING = frozenset(
    tokenize(
        "guide guides passage passages say says said put puts give gives suggest suggests recommend "
        "recommends mention mentions state states according note notes need needs should take takes "
        "spend spends expect expects around about approximately roughly total totals typically"
    )
)


def names_in(sentence: str) -> list[str]:
    """Capitalised words inside a sentence: places, companies, products. Its first word counts
    only when no sentence start explains its capitals ("PyTorch", "AWS")."""
    words = re.findall(
        r"(?<![.!?]\s)(?<!^)\b(?:[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*|[A-Z]{3,})\b", sentence.strip()
    )
    first = re.match(r"\s*([A-Z][a-z0-9]*[A-Z][A-Za-z0-9]*)\b", sentence)
    words = [first.group(1)] + words if first else words
    words = [w for w in words if len(w) >= 3]
    return [w for w in dict.fromkeys(words) if w.lower() not in NOT_NAMES]


def _content_words(text: str) -> set[str]:
    return {
        t for t in tokenize(text) if not any(ch.isdigit() for ch in t) and t not in FRAMING and t != "usd"
    }


def _absolute(word: str) -> str | None:
    stem = tokenize(word)
    return stem[0] if stem and stem[0] in ABSOLUTES else None


def _found(word: str, vocabulary: set[str]) -> bool:
    """Exact stem, or one stem extending the other ("time" / "timelin"), for stems of 4+ letters."""
    if word in vocabulary:
        return True
    return len(word) >= 4 and any(
        len(v) >= 4 and (v.startswith(word) or word.startswith(v)) for v in vocabulary
    )


def _names_of(text: str) -> set[str]:
    """What a piece of text is about: its content words, and numbers that are not amounts ("Phase 2")."""
    words = _content_words(QUANTITY.sub(" ", _in_digits(text)))
    return words | numbers_in(QUANTITY.sub(" ", _in_digits(text)))


def _lines(text: str) -> list[tuple[set[str], set[str]]]:
    """Each line of a passage (a list row, a "Timeline: 9-12 months" line, a paragraph): what it
    is about, without the words two or more lines with quantities share (a table's labels, such
    as "Priority"), and the quantities it states."""
    lines = [line for line in text.split("\n") if line.strip()]
    names = [_names_of(line) for line in lines]
    rows = [n for n, line in zip(names, lines, strict=True) if quantities_in(line)]
    shared = {w for w in set().union(*rows) if sum(w in n for n in rows) >= 2} if rows else set()
    return [(n - shared, quantities_in(line)) for n, line in zip(names, lines, strict=True)]


@dataclass(frozen=True)
class Listed:
    """One of a guide's lists, as the checker knows it: its heading, and what it holds: "learn"
    (what the asker still has to learn), "have" (what transfers) or "" (neither)."""

    heading: str
    holds: str = ""


@dataclass(frozen=True)
class Evidence:
    """What one passage states, read once: its numbers, its stems, its content words, its lines
    (each with what it is about and the quantities it gives), and what its title and heading
    name (a "Duration: 6 weeks" line gives the heading's phase its weeks)."""

    numbers: set[str]
    stems: set[str]
    content: set[str]
    quantities: set[str]
    lines: list[tuple[set[str], set[str]]]
    frame: set[str]
    heading: set[str]  # what the passage's own heading names (its skill, phase, question)
    pay_changes: set[str] | None = None  # the pay changes its guide states ({"20 %"}); None: not known
    # Its guide's list headings ("Biggest Challenges"), and those the passage is under or holds:
    # a sentence that puts something under a heading needs it here.
    lists: tuple[Listed, ...] = ()
    under: frozenset[str] = frozenset()
    titled: frozenset[str] = frozenset()  # the quantities its headings state ("Next 90 Days")
    answers: frozenset[str] = frozenset()  # "yes" / "no", where a sentence of it opens with one
    roles: frozenset[str] = frozenset()  # the roles of its guide's move (the layout's names)

    @classmethod
    def of(
        cls,
        passage: Passage,
        pay_changes: dict[str, set[str]] | None = None,
        lists: dict[str, tuple[Listed, ...]] | None = None,
    ) -> Evidence:
        source = passage.chunk.document
        headings = (lists or {}).get(passage.chunk.source, ())
        lines = {layout().plain(line.strip()) for line in passage.chunk.text.split("\n")}
        lines |= {layout().plain(part) for part in passage.chunk.section.split(" > ")}
        return cls(
            numbers_in(source),
            set(tokenize(source)),
            _content_words(source),
            quantities_in(source),
            _lines(passage.chunk.text),
            _names_of(f"{passage.chunk.title}\n{passage.chunk.section}"),
            _names_of(passage.chunk.section.split(" > ")[-1]),
            pay_changes.get(passage.chunk.source, set()) if pay_changes is not None else None,
            headings,
            frozenset(h.heading for h in headings if layout().plain(h.heading) in lines),
            frozenset(quantities_in(passage.chunk.section)),
            frozenset(
                m.group(1).lower()
                for line in passage.chunk.text.split("\n")
                for part, _ in split_sentences(line)
                if (m := YES_NO.match(part))
            ),
            frozenset(r for r in (passage.chunk.from_role, passage.chunk.to_role) if r),
        )


# A percentage told as a change in pay: "the salary can rise by 35%", "a 20% raise", "a 40%
# increase in pay"; not "35% growth, with median pay of $108,020".
_PAY = r"(?:salary|salaries|pay|compensation|earnings|income|wages?)"
_CHANGE = r"(?:increase|increases|increased|rise|rises|rising|raise|grow|grows|grew|growth|jump|jumps|bump|boost|climb|climbs|change|changes|goes up|go up)"
_PERCENT = r"[+-]?\d+(?:\.\d+)?(?:\s*(?:-|–|to)\s*\d+(?:\.\d+)?)?\s*%"
PAY_CHANGE = re.compile(
    rf"\b{_PAY}\b(?:\W+\w+){{0,6}}?\W+{_CHANGE}\b(?:\W+\w+){{0,3}}?\W+{_PERCENT}"
    rf"|{_PERCENT}\s+(?:\w+\s+){{0,1}}(?:{_CHANGE}|{_PAY}|higher|more)\b(?:\s+(?:in|of|to))?(?:\s+\w+)?\s+{_PAY}\b"
    rf"|{_PERCENT}\s+(?:salary|pay|raise)\b",
    re.IGNORECASE,
)


def as_pay_change(sentence: str, evidence: Evidence) -> list[str]:
    """Percentages a clause about pay states that the guide's facts give to no pay change: the 35%
    job growth a passage states beside a salary, told as a 35% raise."""
    if evidence.pay_changes is None:
        return []
    told = {q for m in PAY_CHANGE.finditer(sentence) for q in quantities_in(m.group(0)) if q.endswith(" %")}
    return [q for q in sorted(told) if not _stated(q, evidence.pay_changes)]


# Where a sentence's clauses part: "Math takes 8 weeks; PyTorch, 6 weeks".
CLAUSE_END = re.compile(r"[,;]|\s(?:but|while|whereas)\s", re.IGNORECASE)


def misattributed(sentence: str, evidence: Evidence) -> list[str]:
    """Quantities the sentence gives to something its passage gives another line: "PyTorch takes
    10 weeks" where the 10 weeks stand on another skill's row (or on a phase whose tasks mention
    PyTorch). A quantity belongs to what its own clause names; it is that thing's when a line
    holding it, or the passage's title and heading, names it too."""
    out = []
    for clause in CLAUSE_END.split(sentence):
        about = _names_of(clause) or _names_of(sentence)  # "..., at 10 weeks": the sentence's
        for quantity in sorted(quantities_in(clause)):
            holders = [own for own, stated in evidence.lines if _stated(quantity, stated)]
            if not holders or about & evidence.frame or any(own & about for own in holders):
                continue
            if any(own & about for own, stated in evidence.lines if not _stated(quantity, stated)):
                out.append(quantity)
    return out


# What a sentence calls a guide after the role it is about: "the AI engineer guide", "the ML
# engineer roadmap", "the Deep Learning Engineer → AI Architect career path".
GUIDE_WORD = r"(?:career |transition |learning )?(?:guide|path|roadmap)s?\b"


def guide_named(sentence: str) -> set[str]:
    """The roles whose guide a sentence names as where it says something ("the AI engineer guide
    lists ..."): each role named just before a word for a guide."""
    plain = layout().plain(sentence)
    return {
        role
        for role, names in layout().role_names.items()
        for name in names
        if re.search(rf"(?<![\w/]){re.escape(name)}s?\s+{GUIDE_WORD}", plain)
    }


def other_guide(sentence: str, evidence: Evidence) -> list[str]:
    """The guides a sentence names as where it says something that its passage is not from: "the
    AI engineer guide lists X" needs X from the AI engineer guide."""
    named = guide_named(sentence)
    if not named or not evidence.roles:
        return []
    # A name whose words are all in the passage's role's name names it too ("the AI architect
    # path" for the AI/ML Architect path).
    words = [set(re.findall(r"\w+", r.lower())) for r in evidence.roles]
    return [] if any(set(re.findall(r"\w+", n.lower())) <= w for n in named for w in words) else sorted(named)


def other_list(sentence: str, evidence: Evidence) -> list[str]:
    """The list headings of its guide a sentence names ("the biggest challenges") that its passage
    is neither under nor holds: "the guide lists the biggest challenges as X" needs X from that
    list, not from "What You Might Miss". A heading counts as named in so many words, one of two
    words or more (a one-word heading such as "Sources" is a word sentences use for much else)."""
    named = lists_named(sentence, [h.heading for h in evidence.lists])
    return [] if not named or any(h in evidence.under for h in named) else named


HOLDS = {"learn": "something to learn", "have": "something that transfers"}


def other_kind(sentence: str, evidence: Evidence) -> tuple[str, str] | None:
    """A sentence that says its things are to be learned ("you'll need to learn X") where its
    passage lists what transfers, or the other way round: (what it says, what the passage holds).
    None when the sentence says neither or both, or the passage is under no list of either kind."""
    from coach.lexicon import lexicon

    held = {h.holds for h in evidence.lists if h.holds and h.heading in evidence.under}
    plain = layout().plain(sentence)
    said = {kind for kind, words in lexicon().holds.items() if words.search(plain)}
    if len(held) != 1 or len(said) != 1 or said == held:
        return None
    return HOLDS[said.pop()], HOLDS[held.pop()]


def lists_named(sentence: str, headings: Iterable[str]) -> list[str]:
    """The headings a sentence names in so many words: of two words or more, in its plain form."""
    plain = layout().plain(sentence)
    return [
        h
        for h in headings
        if len(h.split()) > 1 and re.search(rf"(?<!\w){re.escape(layout().plain(h))}(?!\w)", plain)
    ]


@dataclass(frozen=True)
class Asked:
    """What the user's text states and asks about: a value the user wrote ("Tell me it takes 10
    weeks") is the classic way to talk a model into a figure, so a sentence repeating it must
    find it where the passage speaks of what the question asks about."""

    quantities: set[str]
    about: set[str]

    @classmethod
    def of(cls, text: str, question: str, roles: list[str] = ()) -> Asked:
        """`roles`: the roles the question names; they say whose move it is, not what is asked."""
        return cls(quantities_in(text), _names_of(question) - _names_of(" ".join(roles)))

    def echoed(self, sentence: str, evidence: Evidence) -> list[str]:
        """Values of the user's own that the sentence repeats without the passage giving them to
        what the question asks about (on their line, or under its heading)."""
        out = []
        for quantity in sorted(quantities_in(sentence)):
            if not any(_stated(q, {quantity}) or _stated(quantity, {q}) for q in self.quantities):
                continue
            if _stated(quantity, set(evidence.titled)):
                continue  # the passage's own heading gives it to all it holds ("Next 90 Days")
            holders = [own for own, stated in evidence.lines if _stated(quantity, stated)]
            if not (evidence.heading & self.about or any(own & self.about for own in holders)):
                out.append(quantity)
        return out


def answered_otherwise(sentence: str, evidence: Evidence) -> str:
    """A sentence opening with "Yes" or "No" answers a yes-no question: the word, when its passage
    does not give that answer in so many words ("Yes, you will lose your edge" where the guide
    says "No, it becomes more strategic"); "" otherwise."""
    said = YES_NO.match(sentence)
    return said.group(1).lower() if said and said.group(1).lower() not in evidence.answers else ""


def support(sentence: str, evidence: Evidence, asked: Asked | None = None) -> tuple[bool, str]:
    """Does this passage support this sentence? Returns (verdict, reason if not)."""
    answer = answered_otherwise(sentence, evidence)
    if answer:
        return False, f'answers "{answer}", which its passage does not'
    missing = numbers_in(sentence) - evidence.numbers
    if missing:
        return False, f"states {', '.join(sorted(missing))}, which its passages do not"
    # The number with its unit: "2 weeks" is not supported by "2-3 projects" beside "4 weeks".
    misstated = [q for q in sorted(quantities_in(sentence)) if not _stated(q, evidence.quantities)]
    if misstated:
        return False, f"states {', '.join(misstated)}, which its passages do not"
    elsewhere = misattributed(sentence, evidence)
    if elsewhere:
        return False, f"gives {', '.join(elsewhere)} to an item its passage gives another value"
    guides = other_guide(sentence, evidence)
    if guides:
        return False, f"gives it to the {', '.join(guides)} guide, which its passage is not from"
    listed = other_list(sentence, evidence)
    if listed:
        return False, f"puts it under {', '.join(listed).lower()}, which its passage is not under"
    kind = other_kind(sentence, evidence)
    if kind:
        return False, f"calls it {kind[0]}, where its passage lists {kind[1]}"
    as_pay = as_pay_change(sentence, evidence)
    if as_pay:
        return (
            False,
            f"gives {', '.join(as_pay)} as a change in pay, which its guide states for something else",
        )
    echoed = asked.echoed(sentence, evidence) if asked else []
    if echoed:
        return (
            False,
            f"repeats {', '.join(echoed)} from the question, which its passage gives to something else",
        )
    # A short form counts as the words it stands for ("SWEs" -> "software engineers").
    unknown = [
        n
        for n in names_in(sentence)
        if not all(_found(t, evidence.stems) for t in tokenize(layout().plain(n)))
    ]
    if unknown:
        return False, f"names {', '.join(unknown)}, which its passages do not"
    absolutes = [
        w for w in re.findall(r"[A-Za-z]+", sentence) if _absolute(w) and _absolute(w) not in evidence.stems
    ]
    if absolutes:
        return False, f"says {', '.join(dict.fromkeys(absolutes))}, which its passages do not"
    words = _content_words(sentence)
    if not words:
        return True, ""
    overlap = sum(_found(w, evidence.content) for w in words) / len(words)
    if overlap < MIN_OVERLAP:
        return False, "says things its passages do not"
    return True, ""


def _attribute(
    text: str, markers: list[int], evidence: list[Evidence], asked: Asked | None = None
) -> CheckedSentence:
    verdicts = [support(text, e, asked) for e in evidence]
    hinted = [n - 1 for n in markers if 1 <= n <= len(evidence)]
    words = _content_words(text)
    shared = {i: len(words & e.content) for i, e in enumerate(evidence) if verdicts[i][0]}
    best = max(shared.values(), default=0)
    # The model's markers are hints: one is kept when its passage supports the sentence about as
    # well as the best one does. A sentence copied from one passage cites that passage, not
    # another whose words it half shares.
    sources = [
        i for i in dict.fromkeys(hinted) if i in shared and shared[i] >= best - BEST_MARGIN * len(words)
    ]
    if not sources and shared:
        # The model cited nothing that supports it well: take the best supporting passage.
        sources = [min(i for i, n in shared.items() if n == best)]
    reason = ""
    if not sources:
        reason = next((r for i, (ok, r) in enumerate(verdicts) if i in hinted and r), "")
        reason = reason or next((r for ok, r in verdicts if r), "is not supported by its passages")
    return CheckedSentence(text, sources, reason)


def check_stream(
    pieces: Iterable[str],
    passages: list[Passage],
    asked: Asked | None = None,
    pay_changes: dict[str, set[str]] | None = None,
    lists: dict[str, tuple[Listed, ...]] | None = None,
) -> Iterator[CheckedSentence]:
    """Check a draft while it streams: each sentence is attributed as soon as the next one has
    begun (so a marker written after its full stop still counts), the last one at the end.
    `asked`: what the user's text states and asks about, to check values it supplied;
    `pay_changes`: each guide's pay changes from its facts, which a percentage told as a change
    in pay must be one of; `lists`: each guide's lists, a sentence naming one of which must come
    from a passage under it, and one saying its things are to learn (or transfer) from a list of
    that kind."""
    evidence = [Evidence.of(p, pay_changes, lists) for p in passages]
    draft, done = "", 0
    for piece in pieces:
        draft += piece
        # Markers at the very end (maybe half written: "[2", "[2][") may still belong to the
        # sentence before them: wait for the text after them.
        sentences = split_sentences(TRAILING_MARKERS.sub("", draft))
        while done < len(sentences) - 1:
            yield _attribute(*sentences[done], evidence, asked)
            done += 1
    for text, markers in split_sentences(draft)[done:]:
        yield _attribute(text, markers, evidence, asked)


def check(
    draft: str,
    passages: list[Passage],
    asked: Asked | None = None,
    pay_changes: dict[str, set[str]] | None = None,
    lists: dict[str, tuple[Listed, ...]] | None = None,
) -> list[CheckedSentence]:
    """Attribute every sentence of the draft to the passages that support it."""
    return list(check_stream([draft], passages, asked, pay_changes, lists))
