"""The guides as typed facts: a transition's timeline, a skill's weeks, a phase's tasks, an FAQ.

Each fact is read once, from the parser's sections and the fields it found there (never from
text the coach formatted itself), and every value keeps where it came from: the index chunk
that holds it and its span as character offsets into the guide file, so that the file's text
at those offsets is what the value was read from. A value the guide does not state is None,
never guessed; a figure a guide states twice, differently (a "9-Month" headline beside
"9-12 months"), is kept twice.

Which headings hold which kind of record is layout data (`layout.toml`); a new guide in the
same layout needs no change here.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, fields
from pathlib import Path

from coach.chunking import chunk_guide, read_corpus
from coach.errors import BadInputError
from coach.guides import MAX_GUIDE_BYTES, NO_QUESTION, SOURCES
from coach.instructions import blank_instructions
from coach.layout import layout
from coach.records import Chunk, Guide, Section

# A duration as the guides write it: "6 weeks", "9-12 months", "3-5 years".
DURATION = r"\d+(?:\s*-\s*\d+)?\s*(?:weeks?|months?|years?)"
HEADLINE_DURATION = re.compile(r"\b(\d+(?:-\d+)?-(?:Week|Month|Year))\b")  # "Your 9-Month Transition"
# A count a guide states of itself on a line of its own: "6 Tracks", "~32 Curated Tutorials".
TALLY = re.compile(r"^(~?\d[\d,]*\+?)\s+([A-Z][\w&/-]*(?:\s+[A-Z][\w&/-]*){0,3})$")
INLINE_TIMELINE = re.compile(rf"\bTimeline:\s*({DURATION})")
AMOUNT = r"\$\d{1,3}(?:,\d{3})*(?:\.\d+)?k?\+?"
MONEY = rf"{AMOUNT}(?:\s*-\s*{AMOUNT})?"
EARN = re.compile(rf"(?:^|[.;]\s+|,\s+(?:while\s+)?)([A-Z][^.;,]*?)\s+earns?\s+({MONEY})")
PERCENT_CHANGE = re.compile(r"(?<![\d.])(\d+(?:\s*-\s*\d+)?%)\s+(increase|raise|rise|decrease|cut)\b")
MEDIAN_PAY = re.compile(rf"\b(median (?:annual )?pay) of ({MONEY})")
STORY = re.compile(r"^(.+?)\s*\((\w+),\s*(\d+)\)$")  # "From Backend Engineer to AI Engineer (Yuki, 29)"
CERTIFICATION = re.compile(r"^(.+?)(?:\s*\(([^)]*)\))?(?:\s+—\s+(.+))?$")  # "Name (~$300) — what it shows"
PAY_HEADING = re.compile(r"^(.+?)\s+—\s+(.+)$")  # "AI Product Manager — Median $160,000-$250,000/year"
REFERENCE_NOTE = re.compile(r"\s*\(source: [^)]*\)")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


@dataclass(frozen=True)
class Value:
    """A value as the guide writes it, with the chunk that holds it and its span in the file."""

    text: str
    start: int
    end: int
    chunk: str

    def to_json(self) -> dict:
        return {"value": self.text, "start": self.start, "end": self.end, "chunk": self.chunk}

    def part(self, text: str) -> Value:
        """A piece of this value (a sentence of a paragraph) as a value of its own: its own span
        where the value is the file's text as it stands, else this value's span, which holds it."""
        at = self.text.find(text)
        if at < 0:
            raise ValueError(f"{text!r} is not part of {self.text!r}")
        if self.end - self.start != len(self.text):  # the parser evened out the file's text here
            return Value(text, self.start, self.end, self.chunk)
        return Value(text, self.start + at, self.start + at + len(text), self.chunk)


@dataclass(frozen=True)
class Transition:
    """A guide's headline facts: the move it describes and what its summary states."""

    guide: str
    section: str
    from_role: str
    to_role: str
    title: Value
    headline_duration: Value | None  # "9-Month" in the title, where the title states one
    difficulty: Value | None
    timeline: Value | None
    salary_change: Value | None
    demand: Value | None

    def stated(self, field: str) -> Value | None:
        """The move's own value of a field; a timeline the guide doesn't state, by the one its
        title names ("4-Month")."""
        value = getattr(self, field, None)
        return self.headline_duration if value is None and field == "timeline" else value


@dataclass(frozen=True)
class Skill:
    guide: str
    section: str
    list: str  # the heading it is listed under: "Skills You'll Need to Learn", "Skills Checklist"
    name: Value
    priority: Value | None
    duration: Value | None
    level: Value | None
    detail: Value | None


@dataclass(frozen=True)
class Phase:
    guide: str
    section: str
    number: int
    title: Value
    duration: Value | None
    tasks: tuple[Value, ...]
    resources: tuple[Value, ...]


@dataclass(frozen=True)
class Item:
    """One entry of a list the guide gives: what you'll love, this week's actions, gaps to fill."""

    guide: str
    section: str
    list: str  # the list's heading path, e.g. "Reality Check > What You'll Love"
    name: Value | None  # the entry's own heading, where it has one ("Design ML Systems")
    text: Value


@dataclass(frozen=True)
class Faq:
    guide: str
    section: str
    question: Value | None  # None where the guide omits the question
    answer: Value


@dataclass(frozen=True)
class Story:
    guide: str
    section: str
    title: Value
    person: Value | None
    age: Value | None
    text: Value


@dataclass(frozen=True)
class SourceRole:
    """A role the guide's role is reached from, and how long that move takes."""

    guide: str
    section: str
    name: Value
    timeline: Value | None
    detail: Value


@dataclass(frozen=True)
class DestinationRole:
    guide: str
    section: str
    name: Value
    pay: Value | None
    detail: Value


@dataclass(frozen=True)
class Certification:
    guide: str
    section: str
    name: Value
    cost: Value | None  # "~$300"; None where the guide gives none
    note: Value | None  # what the guide says in the brackets when it is not a cost, e.g. "Coursera"
    purpose: Value | None


@dataclass(frozen=True)
class PayFigure:
    """A pay figure stated in prose: whom or what it is the pay of, and the figure as written."""

    guide: str
    section: str
    label: Value  # "Entry-level AI engineers", "median annual pay", or "increase" in "a 40-100% increase"
    amount: Value
    # The guide's own source for the figure (its footnote's entry), and the year that entry gives.
    reference: Value | None = None
    as_of: Value | None = None


@dataclass(frozen=True)
class InterviewQuestion:
    guide: str
    section: str
    category: str
    question: Value
    hint: Value | None


@dataclass(frozen=True)
class Audience:
    """Whom a path is for, in the guide's prose ("Who This Path Is For"): the roles it names are
    where the path can start, though the guide lists no starting roles."""

    guide: str
    section: str
    text: Value


@dataclass(frozen=True)
class RoadmapNote:
    """A roadmap a guide gives in prose only, with no phases or weeks to add up or plan from
    ("Follow this four-phase roadmap to build the skills progressively.")."""

    guide: str
    section: str
    text: Value


@dataclass(frozen=True)
class Tally:
    """A count a guide states of itself at a glance, on a line of its own ("6 Tracks", "~32
    Curated Tutorials"): what it holds, by its own count."""

    guide: str
    section: str
    text: Value  # the whole line
    count: str  # "~32"
    noun: str  # "Curated Tutorials"


Fact = (
    Transition
    | Skill
    | Phase
    | Item
    | Faq
    | Story
    | SourceRole
    | DestinationRole
    | Certification
    | PayFigure
    | InterviewQuestion
    | Audience
    | RoadmapNote
    | Tally
)


class _Locator:
    """Finds a value's span in the guide file, searching forward from a section's start.

    The parser normalises what it reads (bullets, glued labels, `[1]` markers rewritten as
    "(source: ...)"), so a value is matched token by token, with bullets, markdown and
    reference markers allowed between tokens.
    """

    GAP = re.compile(r"[\s•*]|\[\d+\]")

    def __init__(self, raw: str, guide: Guide, chunks: list[Chunk]):
        self.raw = raw
        self.guide = guide
        self.chunks = chunks
        self.cursor = 0
        # The file without what may stand between tokens, and where each of its characters is in
        # the file: a value is found by a plain search in it (a regex per value cost ~0.7 s a run).
        kept = []
        at = 0
        for gap in self.GAP.finditer(raw):
            kept.extend(range(at, gap.start()))
            at = gap.end()
        kept.extend(range(at, len(raw)))
        self.where = kept
        self.bare = "".join(raw[i] for i in kept)

    def open_section(self, section: Section) -> None:
        """Move the cursor to where the section's own heading stands in the file, if it does."""
        head = re.sub(r"^Phase \d+: ", "", section.path[-1])
        if head == NO_QUESTION or head == layout().sections.summary:
            return
        if span := self._search(head, self.cursor):
            self.cursor = span[0]

    def value(self, section: Section, text: str | None, after: int | None = None) -> Value | None:
        if not text:
            return None
        span = self._search(text, self.cursor if after is None else after)
        if span is None:  # a value is kept only with the span it was read from
            return None
        return Value(text, span[0], span[1], self._chunk(section, text))

    def values(self, section: Section, texts: list[str]) -> tuple[Value, ...]:
        out: list[Value] = []
        after = self.cursor
        for text in texts:
            v = self.value(section, text, after)
            if v is not None:
                out.append(v)
                after = v.end
        return tuple(out)

    def _search(self, text: str, start: int) -> tuple[int, int] | None:
        """The span of the text's tokens in the file from `start` on, with only gaps between
        them, and no digit running on before a leading or after a trailing number."""
        plain = REFERENCE_NOTE.sub("", text)
        plain = re.sub(r"(?m)^- ", "", plain)
        tokens = re.findall(r"\w+|[^\w\s]", plain)
        if not tokens:
            return None
        needle = self.GAP.sub("", "".join(tokens))
        if not needle:
            return None
        at = bisect.bisect_left(self.where, start)
        while (found := self.bare.find(needle, at)) >= 0:
            first, last = self.where[found], self.where[found + len(needle) - 1]
            if not (tokens[0][0].isdigit() and first and self.raw[first - 1].isdigit()) and not (
                tokens[-1][-1].isdigit() and last + 1 < len(self.raw) and self.raw[last + 1].isdigit()
            ):
                return first, last + 1
            at = found + 1
        return None

    def _chunk(self, section: Section, text: str) -> str:
        own = [c for c in self.chunks if c.section == section.heading]
        key = _squash(REFERENCE_NOTE.sub("", text))
        holding = next((c for c in own if key in _squash(REFERENCE_NOTE.sub("", c.document))), None)
        return (holding or own[0]).id if own else ""


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def guide_facts(guide: Guide, raw: str, chunks: list[Chunk]) -> list[Fact]:
    """Every fact of one guide, in the guide's order. `raw` is the guide file's text."""
    find = _Locator(raw, guide, chunks)
    roles = layout()
    sections = roles.sections
    out: list[Fact] = []
    for section in guide.sections:
        find.open_section(section)
        name, parent = section.path[-1], section.path[:-1]
        kind = section.kind
        src, head = guide.source, section.heading
        if kind == "summary":
            headline = HEADLINE_DURATION.search(guide.title)
            out.append(
                Transition(
                    src,
                    head,
                    guide.from_role,
                    guide.to_role,
                    find.value(section, guide.title, 0),
                    find.value(section, headline.group(1), 0) if headline else None,
                    *(find.value(section, section.field(label)) for label in sections.summary_labels),
                )
            )
            for line in section.text.splitlines():
                tally = TALLY.match(line.strip())
                stated = find.value(section, line.strip(), 0) if tally else None
                if tally and stated:
                    out.append(Tally(src, head, stated, tally.group(1), tally.group(2)))
        elif kind == "skill" and parent:
            out.append(
                Skill(
                    src,
                    head,
                    " > ".join(parent),
                    find.value(section, name),
                    find.value(section, section.field("Priority")),
                    find.value(section, section.field("Duration")),
                    find.value(section, section.field("Level")),
                    find.value(section, _detail(section)),
                )
            )
        elif kind == "phase":
            number = int(re.match(r"Phase (\d+)", name).group(1))
            title = re.sub(r"^Phase \d+: ", "", name)
            out.append(
                Phase(
                    src,
                    head,
                    number,
                    find.value(section, title),
                    find.value(section, section.field("Duration")),
                    find.values(section, [v for k, v in section.fields if k == "Task"]),
                    find.values(section, [v for k, v in section.fields if k == "Resource"]),
                )
            )
        elif kind == "faq":
            question = None if name == NO_QUESTION else find.value(section, name)
            out.append(Faq(src, head, question, find.value(section, section.text)))
        elif kind == "interview":
            category = section.text.split("\n")[0].removeprefix("Category: ")
            hint = section.text.split("What to cover: ", 1)[-1] if "What to cover: " in section.text else ""
            out.append(
                InterviewQuestion(src, head, category, find.value(section, name), find.value(section, hint))
            )
        elif parent and parent[-1] in roles.source_lists:
            timeline = INLINE_TIMELINE.search(section.text)
            out.append(
                SourceRole(
                    src,
                    head,
                    find.value(section, name),
                    find.value(section, timeline.group(1)) if timeline else None,
                    find.value(section, section.text),
                )
            )
        elif parent and parent[-1] in roles.destination_lists:
            m = PAY_HEADING.match(name)
            role, pay = (m.group(1), m.group(2)) if m else (name, "")
            out.append(
                DestinationRole(
                    src,
                    head,
                    find.value(section, role),
                    find.value(section, pay),
                    find.value(section, section.text),
                )
            )
        elif parent and parent[-1] in sections.stories:
            m = STORY.match(name)
            title, person, age = (m.group(1), m.group(2), m.group(3)) if m else (name, "", "")
            out.append(
                Story(
                    src,
                    head,
                    find.value(section, title),
                    find.value(section, person),
                    find.value(section, age),
                    find.value(section, section.text),
                )
            )
        elif name in sections.certifications:
            out.extend(_certifications(find, section))
        elif name in roles.audience and (said := find.value(section, section.text.strip())):
            out.append(Audience(src, head, said))
        elif (
            name in sections.roadmaps
            and kind == "prose"
            and (said := find.value(section, section.text.strip()))
        ):
            out.append(RoadmapNote(src, head, said))
        elif kind in ("item", "prose") and _bullets(section):
            out.extend(Item(src, head, head, None, v) for v in find.values(section, _bullets(section)))
        elif kind == "item" and parent:
            out.append(
                Item(
                    src,
                    head,
                    " > ".join(parent),
                    find.value(section, name),
                    find.value(section, section.text),
                )
            )
        if kind in ("summary", "faq", "prose", "item"):
            out.extend(_pay_figures(find, section))
    return out


def _detail(section: Section) -> str:
    """A skill's own text, without the labelled lines the parser rendered from its fields."""
    labels = tuple(f"{k}:" for k, _ in section.fields)
    return "\n".join(ln for ln in section.text.split("\n") if not ln.startswith(labels))


def _bullets(section: Section) -> list[str]:
    return [ln[2:] for ln in section.text.split("\n") if ln.startswith("- ")]


def _certifications(find: _Locator, section: Section) -> list[Certification]:
    out = []
    for entry in _bullets(section):
        m = CERTIFICATION.match(entry)
        name, bracket, purpose = m.group(1), m.group(2) or "", m.group(3) or ""
        cost = bracket if "$" in bracket else ""
        note = "" if cost else bracket
        start = find.cursor
        name_v = find.value(section, name, start)
        after = name_v.end
        cost_v = find.value(section, cost, after)
        note_v = find.value(section, note, after)
        purpose_v = find.value(section, purpose, after)
        out.append(Certification(find.guide.source, section.heading, name_v, cost_v, note_v, purpose_v))
        find.cursor = max(v.end for v in (name_v, cost_v, note_v, purpose_v) if v)
    return out


def _pay_figures(find: _Locator, section: Section) -> list[PayFigure]:
    text = REFERENCE_NOTE.sub("", section.text)
    out = []
    for m in [*EARN.finditer(text), *MEDIAN_PAY.finditer(text)]:
        label = find.value(section, m.group(1))
        amount = find.value(section, m.group(2), label.end)
        reference = _reference_of(find, section, m.group(2))
        year = YEAR.findall(reference.text) if reference else []
        as_of = reference.part(year[-1]) if reference and year else None
        out.append(PayFigure(find.guide.source, section.heading, label, amount, reference, as_of))
    for m in PERCENT_CHANGE.finditer(text):
        amount = find.value(section, m.group(1))
        label = find.value(section, m.group(2), amount.end)
        out.append(PayFigure(find.guide.source, section.heading, label, amount))
    return out


def _reference_of(find: _Locator, section: Section, amount: str) -> Value | None:
    """The footnote entry the figure's line cites ("(source: U.S. Bureau of Labor Statistics)"
    after it), read from the guide's Sources list, with its span."""
    line = next((ln for ln in section.text.splitlines() if amount in ln), "")
    # Within the figure's own sentence: its end found with the notes blanked ("U.S." has stops).
    masked = REFERENCE_NOTE.sub(lambda m: "#" * len(m.group(0)), line)
    at = line.find(amount)
    end = re.search(r"[.!?](?:\s|$)", masked[at:])
    note = re.search(r"\(source: ([^)]*)\)", line[at : at + end.end() if end else len(line)])
    sources = next((s for s in find.guide.sections if s.path == (SOURCES,)), None)
    if not note or sources is None:
        return None
    entry = next((e for e in _bullets(sources) if e.startswith(note.group(1))), None)
    return find.value(sources, entry, 0) if entry else None


def read_facts(path: Path, guide: Guide, chunk_chars: int) -> list[Fact]:
    """The facts of one guide, read from its file."""
    raw, _ = blank_instructions(path.read_text(encoding="utf-8"))
    return guide_facts(guide, raw, chunk_guide(guide, chunk_chars))


def corpus_facts(
    corpus_dir: Path, chunk_chars: int, only: str | None = None, max_bytes: int = MAX_GUIDE_BYTES
) -> dict[str, list[Fact]]:
    """Facts per usable guide file (the ones the index holds), in file order; `only` names one."""
    read, _ = read_corpus(corpus_dir, max_bytes=max_bytes)
    if only is not None:
        names = ", ".join(p.name for p, _ in read)
        read = [(p, g) for p, g in read if p.name == only]
        if not read:
            raise BadInputError(f"No guide named {only} in {corpus_dir}. Guides: {names}.")
    return {p.name: read_facts(p, g, chunk_chars) for p, g in read}


def fact_json(fact: Fact) -> dict:
    out: dict = {"type": type(fact).__name__}
    for f in fields(fact):
        v = getattr(fact, f.name)
        if isinstance(v, Value):
            v = v.to_json()
        elif isinstance(v, tuple):
            v = [x.to_json() for x in v]
        out[f.name] = v
    return out


def fact_lines(fact: Fact) -> list[str]:
    """A fact as lines of text: its type and subject, then each stated field."""
    data = fact_json(fact)
    kind = data.pop("type")
    data.pop("guide")
    section = data.pop("section")
    lines = [f"{kind} · {section}"]
    for name, v in data.items():
        if isinstance(v, dict):
            lines.append(f"  {name}: {v['value']}  [{v['start']}:{v['end']}]")
        elif isinstance(v, list):
            lines.extend(f"  {name}: {x['value']}  [{x['start']}:{x['end']}]" for x in v)
        elif v not in (None, ""):
            lines.append(f"  {name}: {v}")
    return lines
