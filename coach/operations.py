"""Answer a typed request exactly from the facts: a list by its heading, a roadmap's total weeks,
a count, the largest or smallest entry (ties named), moves side by side, a plan in the asker's
hours, and what the asker still lacks.

Every sentence cites the chunk that holds its values; a computed sentence (a sum, a count, a
verdict) cites the values it was computed from. A request these operations can't answer exactly
gives None: the retrieval and model path answers it.
"""

from __future__ import annotations

from datetime import date

from coach.exact import Exact, Line, _fact_line, _label, _magnitude, _name_value, _ranked, planned
from coach.facts import (
    Fact,
    InterviewQuestion,
    Item,
    PayFigure,
    Phase,
    Skill,
    SourceRole,
    Transition,
    Value,
)
from coach.frame import Frame
from coach.lexical import tokenize
from coach.reader import KINDS, MOVE_FACTS, Catalog, Request, Topic

# What an entry is ranked by, for the kinds where the largest or smallest means one thing.
RANKED_BY = {"roadmap phases": "duration", "certifications": "cost", "next roles": "pay"}


def answer_request(
    request: Request,
    catalog: Catalog,
    facts: dict[str, list[Fact]],
    overview: dict[str, str],
    week_hours: float = 40.0,
    today: date | None = None,
) -> Exact | None:
    """The exact answer to a request, or None when it needs the model (or the guides don't say)."""
    if not request.in_guides or not request.guides or not request.topic:
        return None
    topics = request.topics(catalog)
    if len(topics) != len(request.guides):
        return None  # a move that doesn't hold the topic: the model path looks further
    op = request.operation
    if request.topic in MOVE_FACTS:
        return _move_facts(request, facts)
    if len(topics) != 1:
        return None
    (topic,) = topics
    entries = _entries(topic, facts.get(topic.guide, []))
    if not entries:
        return None
    where = overview.get(topic.guide, "")
    if op == "plan" and topic.kind is Phase and request.hours_per_week:
        result = planned(
            facts, topic.guide, request.hours_per_week, today or date.today(), None, week_hours, overview
        )
        return result or None
    if op == "total" and topic.kind is Phase:
        return _total(topic, entries, facts[topic.guide], where)
    if op == "count":
        return _count(topic, entries, where)
    if op in ("largest", "smallest") and topic.name in RANKED_BY:
        ranked = _ranked(entries, RANKED_BY[topic.name], "max" if op == "largest" else "min", where)
        if ranked is None:
            return None
        shown, lines = ranked
        return Exact(op, (topic.guide,), tuple(lines), frame=Frame((topic.guide,), tuple(shown)))
    if op == "missing" and topic.kind in (Item, Skill):
        return _missing(topic, entries, request.has_skills)
    if op == "value" and topic.kind is SourceRole and request.current_role:
        mine = [e for e in entries if e.name.text == request.current_role]  # type: ignore[union-attr]
        if mine:
            lines = [
                Line(
                    f"{mine[0].name.text}: {mine[0].detail.text}",
                    (mine[0].detail.chunk,),
                    (mine[0].name, mine[0].detail),
                )
            ]  # type: ignore[union-attr]
            return Exact("value", (topic.guide,), tuple(lines), frame=Frame((topic.guide,), tuple(mine)))
    if op in ("list", "value", "plan"):
        return _listed(topic, entries, where)
    return None


def _entries(topic: Topic, facts: list[Fact]) -> list[Fact]:
    if topic.heading:
        return [f for f in facts if isinstance(f, Item | Skill) and f.list == topic.heading]
    kind = KINDS.get(topic.name)
    return [f for f in facts if kind is not None and isinstance(f, kind)]


def _text_of(f: Fact) -> Value:
    """An entry's own words: a list entry's text, a question, a pay figure's label, a name or title."""
    if isinstance(f, Item):
        return f.text
    if isinstance(f, InterviewQuestion):
        return f.question
    if isinstance(f, PayFigure):
        return f.label
    return _name_value(f)


def _entry_line(f: Fact, overview: str) -> Line:
    """One entry of a list as a sentence, the guide's words, cited."""
    if isinstance(f, PayFigure):
        return Line(f"{f.label.text}: {f.amount.text}.", (f.amount.chunk,), (f.label, f.amount))
    if isinstance(f, InterviewQuestion | Item):
        v = _text_of(f)
        return Line(f"{v.text.rstrip('.?')}{'?' if v.text.endswith('?') else '.'}", (v.chunk,), (v,))
    return _fact_line(f, overview)


def _listed(topic: Topic, entries: list[Fact], overview: str) -> Exact:
    """Every entry of the list, the guide's words, each cited."""
    lines = [_entry_line(e, overview) for e in entries]
    if isinstance(entries[0], Item):
        names = tuple(_text_of(e) for e in entries)
        lines.insert(
            0, Line(f"The guide lists these under {topic.name}.", (names[0].chunk,), names, computed=True)
        )
    return Exact(
        "list", (topic.guide,), tuple(lines), frame=Frame((topic.guide,), _named_only(entries), "", "list")
    )


def _count(topic: Topic, entries: list[Fact], overview: str) -> Exact:
    names = tuple(_text_of(e) for e in entries)
    cited = (
        (overview,)
        if isinstance(entries[0], Phase) and overview
        else tuple(dict.fromkeys(v.chunk for v in names))
    )
    n = len(entries)
    head = Line(f"The guide lists {n} under {topic.name}.", cited, names, computed=True, figures=(str(n),))
    return Exact(
        "count", (topic.guide,), (head,), frame=Frame((topic.guide,), _named_only(entries), "", "list")
    )


def _total(topic: Topic, phases: list[Fact], facts: list[Fact], overview: str) -> Exact | None:
    """The roadmap's weeks added up (a range where a phase gives one), beside the move's own timeline."""
    durations = [p.duration for p in phases if isinstance(p, Phase) and p.duration]
    spans = [_magnitude(d) for d in durations]
    if len(durations) != len(phases) or any(
        s is None or "week" not in d.text for s, d in zip(spans, durations, strict=True)
    ):
        return None
    low, high = round(sum(s[0] for s in spans)), round(sum(s[1] for s in spans))  # type: ignore[index]
    total = f"{low}" if low == high else f"{low}-{high}"
    cited = (overview,) if overview else tuple(dict.fromkeys(d.chunk for d in durations))
    lines = [
        Line(
            f"The roadmap's {len(phases)} phases add up to {total} weeks.",
            cited,
            tuple(durations),
            computed=True,
            figures=(str(len(phases)), total),
        )
    ]
    t = next((f for f in facts if isinstance(f, Transition)), None)
    if t and t.timeline:
        lines.append(
            Line(
                f"The guide gives the move a timeline of {t.timeline.text}.",
                (t.timeline.chunk,),
                (t.timeline,),
            )
        )
    return Exact(
        "total", (topic.guide,), tuple(lines), frame=Frame((topic.guide,), tuple(phases), "duration", "list")
    )


def _missing(topic: Topic, entries: list[Fact], have: tuple[str, ...]) -> Exact:
    """The list's entries less those that name a skill the asker says they have."""
    had = [set(tokenize(h)) for h in have if tokenize(h)]
    kept, dropped = [], []
    for e in entries:
        words = set(tokenize(_text_of(e).text))
        (dropped if any(h <= words for h in had) else kept).append(e)
    lines: list[Line] = []
    if kept:
        names = tuple(_text_of(e) for e in kept)
        lines.append(
            Line(
                f"Under {topic.name}, the guide lists these you don't say you have.",
                (names[0].chunk,),
                names,
                computed=True,
            )
        )
        lines += [Line(f"{v.text.rstrip('.')}.", (v.chunk,), (v,)) for v in names]
    for e in dropped:
        v = _text_of(e)
        lines.append(Line(f"You say you have this one already: {v.text.rstrip('.')}.", (v.chunk,), (v,)))
    return Exact(
        "missing", (topic.guide,), tuple(lines), frame=Frame((topic.guide,), _named_only(kept), "", "list")
    )


def _move_facts(request: Request, facts: dict[str, list[Fact]]) -> Exact | None:
    """A move's own fact (timeline, difficulty, salary change, demand), for each move asked about,
    side by side when there are several, as each guide writes it."""
    attr = MOVE_FACTS[request.topic]
    lines = []
    for guide in request.guides:
        t = next((f for f in facts.get(guide, []) if isinstance(f, Transition)), None)
        value = getattr(t, attr, None) if t else None
        if value is None:
            return None
        label = f"{_label(facts[guide])}: " if len(request.guides) > 1 else "The guide gives "
        said = (
            f"{label}{request.topic} {value.text}."
            if len(request.guides) > 1
            else f"{label}the {request.topic} as {value.text}."
        )
        lines.append(Line(said, (value.chunk,), (value,)))
    operation = "compare" if len(request.guides) > 1 else ""
    return Exact(
        request.topic,
        request.guides,
        tuple(lines),
        frame=Frame(request.guides, (), attr, operation or "value"),
    )


def _named_only(entries: list[Fact]) -> tuple[Fact, ...]:
    """The entries a follow-up can point back to by name: a list's entries are sentences, not
    names, so after one the turn is about the move."""
    return tuple(e for e in entries if not isinstance(e, Item))
