"""Answer a typed request exactly from the facts: a list by its heading, a roadmap's total weeks,
a count, the largest or smallest entry (ties named), moves side by side, a plan in the asker's
hours, and what the asker still lacks.

Every sentence cites the chunk that holds its values; a computed sentence (a sum, a count, a
verdict) cites the values it was computed from. A request these operations can't answer exactly
gives None: the retrieval and model path answers it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from coach.exact import Exact, Line, _fact_line, _label, _magnitude, _name_value, _ranked, planned
from coach.facts import (
    Audience,
    Certification,
    DestinationRole,
    Fact,
    InterviewQuestion,
    Item,
    PayFigure,
    Phase,
    RoadmapNote,
    Skill,
    SourceRole,
    Tally,
    Transition,
    Value,
)
from coach.frame import Frame
from coach.guides import shown_heading
from coach.layout import layout
from coach.lexical import tokenize
from coach.meaning import holders, listed_starts, role_names, values_of
from coach.reader import KINDS, MOVE_FACTS, Catalog, Request, Topic
from coach.verify import SENTENCE_END

# The kinds of entry a place in is given as the entry's line, its figures with it.
ENTRIES = (Skill, Phase, Certification, SourceRole, DestinationRole)
BODY = 40  # a value this long is a sentence of what a heading heads, not a short value (a name, an age)
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
    if request.unstated and request.entries:
        return _unstated(request, facts)
    if request.mentions:
        return _mentions(request.mentions, facts)
    if request.entries and all(isinstance(e, Tally) for e in request.entries):
        return _tallies(request.entries)  # type: ignore[arg-type]
    if request.operation == "compare" and len(request.entries) > 1:
        return _side_by_side(request.entries, facts)
    if request.operation == "fit" and request.in_guides and request.guides:
        return _fits(request, facts)
    if request.entries:
        return _named(request.entries[0])
    if not request.in_guides or not request.guides or not request.topic:
        return None
    if request.topic in MOVE_FACTS:
        return _move_facts(request, facts)
    if request.topic == "roadmap" and request.operation in ("plan", "total"):
        return _unphased(request, facts)
    if request.topic == "roadmap" and request.absent_phase:
        unphased = _unphased(request, facts)  # what was asked is not in the guide: said as a refusal is
        return replace(unphased, declined=True) if unphased else None
    topics = request.topics(catalog)
    if len(topics) != len(request.guides):
        return None  # a move that doesn't hold the topic: the model path looks further
    op = request.operation
    if op == "compare" and request.topic == "roadmap phases":
        return _totals(request, topics, facts, overview)
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
        if not isinstance(result, Exact):
            return None
        total = _total(topic, entries, facts[topic.guide], where)
        return replace(result, lines=result.lines + total.lines) if total else result
    if op == "plan" and topic.kind is Phase and request.span_weeks:
        return _within(request, topic, entries, facts[topic.guide], where)
    if op == "total" and topic.kind is Phase:
        return _total(topic, entries, facts[topic.guide], where)
    if op == "count" and request.absent_phase and topic.kind is Phase:
        return _absent_phase(request.absent_phase, topic, entries, facts[topic.guide], where)
    if op == "count":
        return _count(topic, entries, where)
    if op in ("largest", "smallest") and topic.name in RANKED_BY:
        ranked = _ranked(entries, RANKED_BY[topic.name], "max" if op == "largest" else "min", where)
        if ranked is None:
            return None
        shown, lines = ranked
        how = "max" if op == "largest" else "min"
        frame = Frame((topic.guide,), tuple(shown), RANKED_BY[topic.name], how)
        return Exact(op, (topic.guide,), tuple(lines), frame=frame)
    if op == "missing" and topic.kind in (Item, Skill):
        missing = _missing(topic, entries, request.has_skills)
        found = facts[topic.guide]
        listed = listed_starts(found, role_names(request.current_role))
        # What the guide says of the asker's own start comes with the list ("Data engineers ...
        # Adding ML model training, fine-tuning, and serving skills ...").
        extra = [line for e in listed[:1] for line in _start_lines(e, _label(found))]
        return replace(missing, lines=missing.lines + tuple(extra)) if extra else missing
    if op == "first" and topic.kind in (Item, Skill):
        return _first(topic, entries, request.has_skills, facts[topic.guide], where)
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
    if isinstance(f, Skill) and f.detail and not (f.priority or f.level or f.duration):
        # A skill the asker brings has no figures: what the guide says of it is the entry.
        return Line(f"{f.name.text}: {f.detail.text.rstrip('.')}.", (f.detail.chunk,), (f.name, f.detail))
    return _fact_line(f, overview)


def _listed(topic: Topic, entries: list[Fact], overview: str) -> Exact:
    """Every entry of the list, the guide's words, each cited."""
    lines = [_entry_line(e, overview) for e in entries]
    if isinstance(entries[0], Item):
        names = tuple(_text_of(e) for e in entries)
        lines.insert(0, _heading(f"The guide lists these under {topic.name}.", names))
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


def _absent_phase(number: int, topic: Topic, phases: list[Fact], facts: list[Fact], overview: str) -> Exact:
    """A phase the roadmap doesn't reach: how many it has, and each of them."""
    names = tuple(_text_of(e) for e in phases)
    cited = (overview,) if overview else tuple(dict.fromkeys(v.chunk for v in names))
    n = len(phases)
    head = Line(
        f"The {_label(facts)} roadmap has {n} phases, so it has no Phase {number}.",
        cited,
        names,
        computed=True,
        figures=(str(n), str(number)),
    )
    lines = (head, *(_entry_line(p, overview) for p in phases))
    frame = Frame((topic.guide,), _named_only(phases), "", "list")
    return Exact("count", (topic.guide,), lines, frame=frame, declined=True)  # not in the guide: a refusal


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


def _totals(
    request: Request, topics: list[Topic], facts: dict[str, list[Fact]], overview: dict[str, str]
) -> Exact | None:
    """Each move's roadmap total, side by side, labelled by its move."""
    lines: list[Line] = []
    for topic in topics:
        phases = _entries(topic, facts.get(topic.guide, []))
        total = _total(topic, phases, facts[topic.guide], overview.get(topic.guide, ""))
        if total is None:
            return None
        first = total.lines[0]
        lines.append(
            replace(first, text=f"{_label(facts[topic.guide])}: {first.text[0].lower()}{first.text[1:]}")
        )
    return Exact(
        "compare", request.guides, tuple(lines), frame=Frame(request.guides, (), "duration", "compare")
    )


def _within(
    request: Request, topic: Topic, phases: list[Fact], facts: list[Fact], overview: str
) -> Exact | None:
    """A plan for the span the asker names: the roadmap's total against it, then its phases."""
    total = _total(topic, phases, facts, overview)
    if total is None or not request.span_weeks:
        return None
    weeks = [_magnitude(p.duration) for p in phases if isinstance(p, Phase) and p.duration]
    low = round(sum(w[0] for w in weeks if w))
    asked = round(request.span_weeks)
    verdict = "longer than" if low > asked else "within"
    said = Line(
        f"That is {verdict} the {request.span_text} you ask about, about {asked} weeks.",
        total.lines[0].chunks,
        total.lines[0].values,
        computed=True,
        figures=(str(asked), request.span_text),
    )
    phases_said = [_fact_line(p, overview) for p in phases]
    return Exact(
        "plan", total.guides, (total.lines[0], said, *phases_said, *total.lines[1:]), frame=total.frame
    )


def _fits(request: Request, facts: dict[str, list[Fact]]) -> Exact | None:
    """The moves the asker's role starts, each with what its guide says of that start, and where
    a path that leads to their role goes on to; for a role no guide names, the roles they do."""
    if request.said_role:
        return _unlisted(request, facts)
    mine = role_names(request.current_role)
    lines: list[Line] = []
    for guide in request.guides:
        found = facts.get(guide, [])
        label = _label(found)
        onward = [f for f in found if isinstance(f, DestinationRole)]
        t = next((f for f in found if isinstance(f, Transition)), None)
        if onward and t is not None and role_names(t.to_role) & mine:
            names = tuple(f.name for f in onward)
            lines.append(_heading(f"The {label} guide names these roles to move on to.", names))
            lines += [_fact_line(f, "") for f in onward]
            continue
        listed = listed_starts(found, mine)
        t = next((f for f in found if isinstance(f, Transition)), None)
        for e in listed:
            lines += _start_lines(e, label)
        if not listed and t is not None and t.from_role and role_names(t.from_role) & mine:
            stated = (t.title, t.timeline) if t.timeline else (t.title,)
            when = f", with a timeline of {t.timeline.text}" if t.timeline else ""
            lines.append(
                Line(f"The {label} guide starts from {t.from_role}{when}.", (t.title.chunk,), stated)
            )
        for said in (e for e in request.entries if isinstance(e, Audience) and e.guide == guide):
            # The sentence of it that names the asker's role ("... ML engineers moving into ...").
            sentences = [s for s in SENTENCE_END.split(said.text.text) if s.strip()]
            named = next((s for s in sentences if any(n in layout().plain(s) for n in mine)), said.text.text)
            v = said.text.part(named)
            lines.append(Line(f"The {label} guide says whom its path is for: {v.text}", (v.chunk,), (v,)))
    if not lines:
        return None
    return Exact("fit", request.guides, tuple(lines), frame=Frame(request.guides, (), "", "list"))


def _start_lines(e: SourceRole, label: str) -> list[Line]:
    """A starting role the guide lists: its timeline, and what the guide says that start takes."""
    stated = (e.name, e.timeline) if e.timeline else (e.name,)
    when = f", with a timeline of {e.timeline.text}" if e.timeline else ""
    return [
        Line(f"The {label} guide lists {e.name.text} as a starting role{when}.", (e.name.chunk,), stated),
        Line(e.detail.text, (e.detail.chunk,), (e.detail,)),
    ]


def _side_by_side(entries: tuple[Fact, ...], facts: dict[str, list[Fact]]) -> Exact:
    """Entries of one kind, each with the figure its guide states for it, in the question's order."""
    guides = tuple(dict.fromkeys(e.guide for e in entries))  # type: ignore[union-attr]
    lines = [_fact_line(e, "") for e in entries]
    if len(guides) > 1:
        lines = [
            replace(line, text=f"{_label(facts[e.guide])}: {line.text}")
            for e, line in zip(entries, lines, strict=True)
        ]  # type: ignore[union-attr]
    return Exact("compare", guides, tuple(lines), frame=Frame(guides, entries, "", "compare"))


def _unphased(request: Request, facts: dict[str, list[Fact]]) -> Exact | None:
    """A plan or a total asked of a move whose guide gives its roadmap in prose only: said so, with
    the guide's own words for it and the timeline it gives, if any."""
    (guide,) = request.guides
    found = facts.get(guide, [])
    note = next((f for f in found if isinstance(f, RoadmapNote)), None)
    if note is None:
        return None
    first = SENTENCE_END.split(note.text.text)[0]
    said = note.text.part(first)
    asked = {"plan": "a plan in your time", "total": "a total"}.get(request.operation, "a length")
    said_why = (
        f"so it says nothing of a Phase {request.absent_phase}."
        if request.absent_phase
        else f"so there is nothing to compute {asked} from."
    )
    lines = [
        Line(
            f"The {_label(found)} guide does not set out its roadmap's phases or weeks, {said_why}",
            (said.chunk,),
            (said,),
            computed=True,
        ),
        Line(f"It says: {said.text}", (said.chunk,), (said,)),
    ]
    t = next((f for f in found if isinstance(f, Transition)), None)
    if t is not None and t.timeline is not None:
        lines.append(
            Line(f"It gives the move a timeline of {t.timeline.text}.", (t.timeline.chunk,), (t.timeline,))
        )
    return Exact(request.operation, (guide,), tuple(lines), frame=Frame((guide,), (), "", "value"))


def _mentions(places: tuple[Value, ...], facts: dict[str, list[Fact]]) -> Exact:
    """Where the guides write a term: each place with what it belongs to (with its guide's move,
    when they are in more than one guide). A place in a skill, phase, certification or role is
    given after that entry's line; a place that heads what the guide says under it (an interview
    question, an FAQ's question, a story's title), with what it heads; any other, under the
    heading of the list or section it is in."""
    held = holders(facts)
    # A place inside another of the same fact (a story's person, within the story) is given by it.
    places = tuple(
        p for p in places if not any(q != p and held[q][0] == held[p][0] and p.text in q.text for q in places)
    )
    guides = tuple(dict.fromkeys(held[v][1] for v in places))
    lines: list[Line] = []
    for place in places:
        fact, guide = held[place]
        label = f"{_label(facts[guide])}, " if len(guides) > 1 else ""
        own = list(values_of(fact))
        said = f"{place.text.rstrip('.')}."
        if isinstance(fact, ENTRIES):
            line = _fact_line(fact, "")
            lines.append(replace(line, text=f"{label}{line.text}"))
            if place.text not in line.text:
                lines.append(Line(said, (place.chunk,), (place,)))
        elif place is own[0] and len(own) > 1:
            # What it heads: the fact's sentences, not its short values (a name, an age).
            body = [v for v in own[1:] if len(v.text) > BODY][:2]
            lines.append(Line(f"{label}{said}", (place.chunk,), (place,)))
            lines += [Line(f"{v.text.rstrip('.')}.", (v.chunk,), (v,)) for v in body]
        else:
            heading = getattr(fact, "list", "") or getattr(fact, "category", "") or fact.section
            name = getattr(fact, "name", None) or getattr(fact, "title", None)
            heading = shown_heading(heading)
            where = [heading, *([name.text] if isinstance(name, Value) and name.text not in heading else [])]
            lines.append(Line(f"{label}{', '.join(where)}: {said}", (place.chunk,), (place,)))
    entities = tuple(dict.fromkeys(held[v][0] for v in places))
    return Exact("value", guides, tuple(dict.fromkeys(lines)), frame=Frame(guides, entities))


def _tallies(tallies: tuple[Tally, ...]) -> Exact:
    """Counts a guide states of itself ("6 Tracks"), as it states them."""
    lines = tuple(Line(f"The guide gives {t.text.text}.", (t.text.chunk,), (t.text,)) for t in tallies)
    guides = tuple(dict.fromkeys(t.guide for t in tallies))
    return Exact("count", guides, lines, frame=Frame(guides, tallies))


def _named(entry: Fact) -> Exact:
    """One listed role, certification or phase, whole: its figure, then what the guide says of it."""
    lines = [_fact_line(entry, "")]
    if isinstance(entry, Phase):
        lines += [Line(f"{v.text.rstrip('.')}.", (v.chunk,), (v,)) for v in entry.tasks]
    said = getattr(entry, "detail", None) or getattr(entry, "purpose", None)
    if isinstance(said, Value) and said.text not in lines[0].text:
        lines.append(Line(f"{said.text.rstrip('.')}.", (said.chunk,), (said,)))
    guides = (entry.guide,)  # type: ignore[union-attr]
    return Exact("value", guides, tuple(lines), frame=Frame(guides, (entry,)))


def _unstated(request: Request, facts: dict[str, list[Fact]]) -> Exact:
    """A figure the guides don't give for the thing asked about, said to be unstated, with where
    they name it (a refusal of that figure: no figure from nearby fills it in)."""
    entry = request.entries[0]
    label = _label(facts[entry.guide])  # type: ignore[union-attr]
    if isinstance(entry, Transition):
        # A move's own role named: what its guide says of its roadmap, or that it gives no figure.
        unphased = (
            _unphased(replace(request, guides=(entry.guide,)), facts)
            if request.figure == "duration"
            else None
        )
        if unphased is not None:
            return unphased
        line = Line(
            f"The {label} guide doesn't give {request.unstated}.",
            (entry.title.chunk,),
            (entry.title,),
            computed=True,
        )
        return Exact("unstated", (entry.guide,), (line,), frame=Frame((entry.guide,), ()), declined=True)
    value = _text_of(entry)
    own = layout().plain(request.subject) in layout().plain(value.text)
    path = (getattr(entry, "list", "") or entry.section).split(" > ")  # type: ignore[union-attr]
    where = next(p for p in reversed(path) if layout().plain(p) != layout().plain(value.text) or p == path[0])
    said = (
        f"The {label} guide lists {request.subject} under {where}."
        if own
        else f"The {label} guide mentions {request.subject} under {value.text}."
    )
    lines = (
        Line(
            f"The guides don't give {request.unstated} for {request.subject}.",
            (value.chunk,),
            (value,),
            computed=True,
            figures=(request.subject,),
        ),
        Line(said, (value.chunk,), (value,), computed=True, figures=(request.subject,)),
    )
    guides = (entry.guide,)  # type: ignore[union-attr]
    return Exact("unstated", guides, lines, frame=Frame(guides, (entry,)), declined=True)


def _unlisted(request: Request, facts: dict[str, list[Fact]]) -> Exact | None:
    """The starting roles the guides name, by move, for an asker whose role none of them names."""
    lines: list[Line] = []
    for guide in request.guides:
        found = facts.get(guide, [])
        starts = [f.name for f in found if isinstance(f, SourceRole)]
        t = next((f for f in found if isinstance(f, Transition)), None)
        label = _label(found)
        if starts:
            said = ", ".join(v.text for v in starts)
            lines.append(
                Line(
                    f"The {label} guide names these starting roles: {said}.",
                    (starts[0].chunk,),
                    tuple(starts),
                )
            )
        elif t is not None and t.from_role:
            lines.append(Line(f"The {label} guide starts from {t.from_role}.", (t.title.chunk,), (t.title,)))
    if not lines:
        return None
    head = Line(
        f"None of the guides names {request.said_role} as a role to start from.",
        lines[0].chunks,
        lines[0].values,
        computed=True,
        figures=(request.said_role,),
    )
    return Exact(
        "fit", request.guides, (head, *lines), frame=Frame(request.guides, (), "", "list"), declined=True
    )


def _had(entries: list[Fact], have: tuple[str, ...]) -> tuple[list[Fact], list[Fact]]:
    """The entries that name no skill the asker says they have, and those that do."""
    had = [set(tokenize(layout().plain(h))) for h in have if tokenize(h)]
    kept: list[Fact] = []
    dropped: list[Fact] = []
    for e in entries:
        words = set(tokenize(layout().plain(_text_of(e).text)))
        (dropped if any(h <= words for h in had) else kept).append(e)
    return kept, dropped


def _said_had(dropped: list[Fact]) -> list[Line]:
    return [
        Line(f"You say you already have: {v.text.rstrip('.')}.", (v.chunk,), (v,))
        for v in (_text_of(e) for e in dropped)
    ]


def _first(
    topic: Topic, entries: list[Fact], have: tuple[str, ...], facts: list[Fact], overview: str
) -> Exact | None:
    """What to learn first: the list's most important entries (ties named) less those the asker
    says they have, and the phase the move's roadmap starts with. None when the list rates no
    priority and the guide gives no roadmap."""
    kept, dropped = _had(entries, have)
    ranked = _ranked(kept, "priority", "max", overview) if kept else None
    shown, lines = ranked if ranked else ([], [])
    phases = sorted((f for f in facts if isinstance(f, Phase)), key=lambda p: p.number)
    if phases:
        line = _fact_line(phases[0], overview)
        lines = [*lines, replace(line, text=f"The roadmap starts with {line.text}")]
    if not lines:
        return None
    frame = Frame((topic.guide,), tuple(shown) or tuple(phases[:1]), "priority" if shown else "")
    return Exact("first", (topic.guide,), tuple(lines + _said_had(dropped)), frame=frame)


def _missing(topic: Topic, entries: list[Fact], have: tuple[str, ...]) -> Exact:
    """The list's entries less those that name a skill the asker says they have."""
    kept, dropped = _had(entries, have)
    lines: list[Line] = []
    if kept:
        names = tuple(_text_of(e) for e in kept)
        lines.append(_heading(f"Under {topic.name}, the guide lists these you don't say you have.", names))
        lines += [Line(f"{v.text.rstrip('.')}.", (v.chunk,), (v,)) for v in names]
    lines += _said_had(dropped)
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
        if value is None and attr == "timeline" and request.current_role:
            # A path that gives no timeline of its own gives one for the asker's starting role.
            listed = listed_starts(facts.get(guide, []), role_names(request.current_role))
            value = next((f.timeline for f in listed if f.timeline), None)
        if value is None and t is not None:
            value = t.stated(attr)  # a guide that states no timeline names one in its title
        if value is None:
            return None
        label = f"{_label(facts[guide])}: " if len(request.guides) > 1 else "The guide gives "
        said = (
            f"{label}{request.topic} {value.text.rstrip('.')}."
            if len(request.guides) > 1
            else f"{label}the {request.topic} as {value.text.rstrip('.')}."
        )
        lines.append(Line(said, (value.chunk,), (value,)))
    operation = "compare" if len(request.guides) > 1 else ""
    return Exact(
        request.topic,
        request.guides,
        tuple(lines),
        frame=Frame(request.guides, (), attr, operation or "value"),
    )


def _heading(text: str, names: tuple[Value, ...]) -> Line:
    """The sentence before a list's entries, citing the first entry's chunk; its values are theirs."""
    return Line(text, (names[0].chunk,), names, computed=True)


def _named_only(entries: list[Fact]) -> tuple[Fact, ...]:
    """The entries a follow-up can point back to by name: a list's entries are sentences, not
    names, so after one the turn is about the move."""
    return tuple(e for e in entries if not isinstance(e, Item))
