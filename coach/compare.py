"""Transitions side by side: one row per attribute, every cell a value a guide states, with its span.

A transition is named loosely ("backend → DL", "DL engineer to architect", "data scientist into
AI engineering"): the role names in the text settle the guide (or, for a guide written for one
destination role, the starting role it lists). A name that fits more than one guide is refused
with the candidates; nothing is guessed. A cell holds the guide's own words for one value, and a
row holds every value the guide states for it: a length stated twice (a "9-Month" title beside
"9-12 months"), or a pay change stated twice, shows both, each with its own span. A row with no
cell is "not in the guide".
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from coach.errors import BadInputError
from coach.facts import Certification, Fact, Item, PayFigure, Phase, Skill, SourceRole, Transition, Value
from coach.frame import name_of
from coach.layout import layout
from coach.lexical import tokenize
from coach.records import Chunk
from coach.terms import GuideTerms, listed_roles

ROWS = (
    "timeline",
    "difficulty",
    "salary change",
    "demand",
    "critical skills",
    "certifications",
    "first phase",
    "what you might miss",
)
# The list whose items say what a mover leaves behind, by its heading in the guides.
MISS_HEADING = "What You Might Miss"
MOVE_WORDS = frozenset(tokenize("to into from the a an move transition path guide role becoming become"))


@dataclass(frozen=True)
class Cell:
    """One value as the guide writes it; `detail` is the figure that belongs to it (a skill's
    weeks, a certification's cost, a phase's length); `label` says which of two statements it is.
    A computed cell (the roadmap's phases added up) has no span of its own: `value` is None,
    `computed` holds the result and `inputs` the values it was worked out from."""

    value: Value | None
    source: str
    detail: Value | None = None
    label: str = ""
    computed: str = ""
    inputs: tuple[Value, ...] = ()

    def _span(self, v: Value) -> dict:
        return {"value": v.text, "source": self.source, "start": v.start, "end": v.end}

    def to_json(self) -> dict:
        own = (
            self._span(self.value)
            if self.value
            else {"value": self.computed, "source": self.source, "start": None, "end": None}
        )
        out = own | {"detail": self._span(self.detail) if self.detail else None, "label": self.label}
        return out | ({"computed_from": [self._span(v) for v in self.inputs]} if self.inputs else {})

    def text(self) -> str:
        said = self.value.text if self.value else self.computed
        shown = f'"{said}"' if self.label else said
        detail = f": {self.detail.text}" if self.detail else ""
        return f"{shown}{detail}{f' ({self.label})' if self.label else ''}"

    @property
    def spans(self) -> tuple[Value, ...]:
        return (self.value,) if self.value else self.inputs


@dataclass(frozen=True)
class Subject:
    """A transition as a guide treats it: the guide, and the starting role it lists where the
    guide is written for a destination role (the AI engineer guide's data scientist)."""

    guide: str
    name: str
    source_role: SourceRole | None = None


@dataclass
class Column:
    subject: Subject
    rows: dict[str, list[Cell]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "transition": self.subject.name,
            "source": self.subject.guide,
            "rows": {row: [c.to_json() for c in cells] for row, cells in self.rows.items()},
        }


def resolve(name: str, facts: dict[str, list[Fact]], terms: GuideTerms) -> Subject:
    """The transition a loosely written name means; BadInputError (exit 2) when it fits no guide
    or more than one, naming the candidates."""
    named = [role for role, _ in sorted(terms.roles_in(name), key=lambda r: r[1][0])]
    candidates: list[Subject] = []
    for guide, (start, end, _) in sorted(terms.guide_roles.items()):
        transition = _transition(facts.get(guide, []))
        if transition is None:
            continue
        if named and all(r in (start, end) for r in named) and (start or len(named) == 1):
            candidates.append(Subject(guide, name_of(transition)))
        elif not start and end in named and (others := [r for r in named if r != end]):
            candidates += [
                Subject(guide, f"{role.name.text} → {end}", role)
                for role in facts[guide]
                if isinstance(role, SourceRole) and set(others) <= set(listed_roles(role.name.text))
            ]
    if not named:  # no role name: the words of the guides' own role names ("architect")
        words = set(tokenize(name)) - MOVE_WORDS
        candidates = [
            Subject(g, name_of(t))
            for g, (start, end, _) in sorted(terms.guide_roles.items())
            if (t := _transition(facts.get(g, []))) and words and words <= set(tokenize(f"{start} {end}"))
        ]
    if len(candidates) > 1:  # the words beside the roles may settle it ("to architect")
        left = set(tokenize(name)) - MOVE_WORDS
        fit = {id(c): len(left & set(tokenize(c.name))) for c in candidates}
        best = max(fit.values())
        candidates = [c for c in candidates if fit[id(c)] == best]
    if len(candidates) == 1:
        return candidates[0]
    moves = "; ".join(name_of(t) for fs in facts.values() if (t := _transition(fs)))
    if not candidates:
        raise BadInputError(f'No guide treats "{name}". The guides treat: {moves}.')
    listed = "; ".join(c.name for c in candidates)
    raise BadInputError(f'"{name}" could mean more than one transition: {listed}. Name one of them.')


def compare(subjects: list[Subject], facts: dict[str, list[Fact]]) -> list[Column]:
    return [Column(s, {row: _cells(row, s, facts[s.guide]) for row in ROWS}) for s in subjects]


def _transition(facts: list[Fact]) -> Transition | None:
    return next((f for f in facts if isinstance(f, Transition)), None)


def _cells(row: str, subject: Subject, facts: list[Fact]) -> list[Cell]:
    g = subject.guide
    t = _transition(facts)
    assert t is not None
    if row == "timeline":
        if subject.source_role:
            timeline = subject.source_role.timeline
            return [Cell(timeline, g)] if timeline else []
        stated = [Cell(t.timeline, g)] if t.timeline else []
        stated += [Cell(t.headline_duration, g, label="title")] if t.headline_duration else []
        return stated + _roadmap_total(g, [p for p in facts if isinstance(p, Phase)])
    if row in ("difficulty", "demand"):
        value = None if subject.source_role else getattr(t, row)
        return [Cell(value, g)] if value else []
    if row == "salary change":
        if subject.source_role:
            return []
        stated = [Cell(t.salary_change, g)] if t.salary_change else []
        return stated + [
            Cell(p.amount, g, label="elsewhere in the guide")
            for p in facts
            if isinstance(p, PayFigure)
            and p.amount.text.endswith("%")
            and (not t.salary_change or p.amount.text != t.salary_change.text)
        ]
    if row == "critical skills":
        top = layout().sections.priorities[0].lower()
        return [
            Cell(s.name, g, s.duration)
            for s in facts
            if isinstance(s, Skill) and s.priority and s.priority.text.lower() == top
        ]
    if row == "certifications":
        return [Cell(c.name, g, c.cost) for c in facts if isinstance(c, Certification)]
    if row == "first phase":
        return [Cell(p.title, g, p.duration) for p in facts if isinstance(p, Phase) and p.number == 1]
    if row == "what you might miss":
        return [
            Cell(i.text, g)
            for i in facts
            if isinstance(i, Item) and re.sub(r".* > ", "", i.list).lower() == MISS_HEADING.lower()
        ]
    raise ValueError(row)


def _roadmap_total(guide: str, phases: list[Phase]) -> list[Cell]:
    """The roadmap's phases added up, when every phase states a whole number of weeks."""
    weeks = [re.fullmatch(r"(\d+) weeks?", p.duration.text) if p.duration else None for p in phases]
    if not phases or not all(weeks):
        return []
    total = sum(int(w.group(1)) for w in weeks if w)
    inputs = tuple(p.duration for p in phases if p.duration)
    return [
        Cell(
            None,
            guide,
            label=f"its {len(phases)} roadmap phases added up",
            computed=f"{total} weeks",
            inputs=inputs,
        )
    ]


def table_text(columns: list[Column]) -> str:
    """The comparison for a terminal: one block per row, one line per transition."""
    out = [" | ".join(c.subject.name for c in columns), ""]
    for row in ROWS:
        out.append(row[0].upper() + row[1:])
        for c in columns:
            cells = c.rows[row]
            shown = "; ".join(cell.text() for cell in cells) if cells else "not in the guide"
            spans = ", ".join(f"{v.start}-{v.end}" for cell in cells for v in cell.spans[:1])
            out.append(f"  {c.subject.name}: {shown}" + (f"  [{c.subject.guide} {spans}]" if cells else ""))
        out.append("")
    return "\n".join(out).rstrip()


def every_subject(facts: dict[str, list[Fact]]) -> list[Subject]:
    """What can be compared: each guide's move or path, and each starting role a path guide lists."""
    out = []
    for guide, guide_facts in facts.items():
        t = _transition(guide_facts)
        if t is None:
            continue
        out.append(Subject(guide, name_of(t)))
        if not t.from_role:
            out += [
                Subject(guide, f"{r.name.text} → {t.to_role}", r)
                for r in guide_facts
                if isinstance(r, SourceRole)
            ]
    return out


def _marked(text: str, *values: str) -> str:
    """The passage, escaped, with each value marked where it first stands."""
    spans = sorted((at, at + len(v)) for v in values if v and (at := text.find(v)) >= 0)
    out, done = [], 0
    for start, end in spans:
        if start >= done:  # overlapping values: the first is marked
            out += [html.escape(text[done:start]), f"<mark>{html.escape(text[start:end])}</mark>"]
            done = end
    return "".join(out) + html.escape(text[done:])


def cell_html(cell: Cell, chunks: dict[str, Chunk]) -> str:
    """A cell as the guide's words; a click opens the passage that holds them, the span marked."""
    summary = html.escape(cell.text())
    if cell.value is None:  # computed: its inputs, each where the guide states it
        parts = " + ".join(html.escape(v.text) for v in cell.inputs)
        body = f"<p>Worked out here: {parts}, as the guide gives each phase.</p>"
    else:
        chunk = chunks.get(cell.value.chunk)
        shown = chunk.text if chunk else cell.value.text
        # A skill's or phase's name stands in the passage's heading, its figure in the text.
        heading = chunk.section if chunk else ""
        where = f"{html.escape(chunk.title)} · {_marked(heading, cell.value.text)}" if chunk else ""
        in_text = "" if cell.value.text in heading else cell.value.text
        quoted = _marked(shown, in_text, cell.detail.text if cell.detail else "")
        span = f"characters {cell.value.start}-{cell.value.end} of {html.escape(cell.source)}"
        body = f"<small>{where}</small><blockquote>{quoted}</blockquote><small>({span})</small>"
    return f'<details class="cell"><summary>{summary}</summary>{body}</details>'


def table_html(columns: list[Column], chunks: list[Chunk]) -> str:
    """The comparison as an HTML table for the page."""
    by_id = {c.id: c for c in chunks}
    head = "".join(f"<th>{html.escape(c.subject.name)}</th>" for c in columns)
    rows = []
    for row in ROWS:
        cells = "".join(
            "<td>"
            + (
                "".join(cell_html(cell, by_id) for cell in c.rows[row])
                or '<span class="missing">not in the guide</span>'
            )
            + "</td>"
            for c in columns
        )
        rows.append(f"<tr><th scope='row'>{html.escape(row.capitalize())}</th>{cells}</tr>")
    return f'<table class="compare"><thead><tr><th></th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
