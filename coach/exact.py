"""Questions about the guides' stated facts, answered exactly from the facts, without the model.

Covered: a transition's timeline, difficulty and salary change; a roadmap's phases (all of
them, the longest or shortest, one phase's weeks or tasks); a list asked for by its heading's
words; the timeline given for a starting role the asker names. The reader is sure
only when the question names the move (or a role that settles it) and asks for one of these
attributes and nothing else; otherwise it returns None and the question takes the retrieval
and model path. Every sentence cites the chunk that holds its values; an extreme is computed
from the phases' weeks and cites the roadmap that lists them. Where a guide states its length
twice, differently (a "9-Month" title beside "9-12 months"), both are given; a meant guide that
states no timeline is named in a note built from a template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from coach.facts import (
    Certification,
    DestinationRole,
    Fact,
    InterviewQuestion,
    Item,
    PayFigure,
    Phase,
    Skill,
    SourceRole,
    Story,
    Transition,
    Value,
)
from coach.frame import (
    ASKING,
    FIELDS,
    KINDS,
    OPENER,
    Asked,
    Frame,
    field_of,
    kind_set,
    name_of,
    named_things,
    read_asked,
    settled_guides,
    two_moves,
    unnamed_modifier,
)
from coach.layout import layout
from coach.lexical import tokenize
from coach.lexicon import lexicon
from coach.records import Chunk
from coach.roles import aimed_at
from coach.terms import PATH_WORD, GuideTerms, listed_roles, without_names

# What a question can ask of a move as a whole, in the words people use for it (`lexicon.toml`'s
# [move_asks]).
ATTRIBUTES = lexicon().move_asks
# A plan asked for in the asker's hours ("a plan at 10 hours a week"), and a week of it.
PLAN_ASK = re.compile(r"\b(?:plan|schedule)\b")
HOURS = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\b")
WEEK_N = re.compile(r"\bweek\s+(\d+)\b")
# Every pay figure asked for at once ("show me the pay ranges"), with no role to narrow it to.
PAY_LIST = re.compile(r"\b(?:pay|salary|salaries|compensation)\s+(?:ranges?|figures?|bands?|table)\b")
# A second request in the same question ("... and which skills?"): the reader is not sure.
MORE = re.compile(r"\b(?:and|also|plus|as well as)\s+(?:what|which|how|who|where|why|when|its|the|their)\b")
# How a figure is said to be larger or smaller, by attribute and direction.
RANKED = {
    ("priority", "max"): ("most important", "more important"),
    ("priority", "min"): ("least important", "less important"),
    ("duration", "max"): ("longest", "longer"),
    ("duration", "min"): ("shortest", "shorter"),
    ("cost", "max"): ("most expensive", "more expensive"),
    ("cost", "min"): ("cheapest", "cheaper"),
    ("pay", "max"): ("best paid", "better paid"),
    ("pay", "min"): ("lowest paid", "lower paid"),
}
FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)(k?)")
UNIT_WEEKS = {"week": 1.0, "month": 52 / 12, "year": 52.0}
NOUNS = {
    Skill: "skill",
    Phase: "phase",
    Certification: "certification",
    SourceRole: "starting role",
    DestinationRole: "role",
    Story: "story",
    InterviewQuestion: "interview question",
}


@dataclass(frozen=True)
class Line:
    """One sentence of an exact answer, the chunks it cites, and the guide's values it states,
    each with its span; a `computed` sentence (a verdict, a count, a list's heading) states
    something worked out from `values` instead of restating them."""

    text: str
    chunks: tuple[str, ...]
    values: tuple[Value, ...]
    computed: bool = False
    figures: tuple[str, ...] = ()  # what it states that was worked out from them, or asked (hours)


@dataclass(frozen=True)
class Exact:
    """An exact answer: its sentences, per guide (labelled when it answers for more than one),
    and the frame it leaves for a follow-up."""

    attribute: str
    guides: tuple[str, ...]
    lines: tuple[Line, ...]
    missing: str = ""  # a note on a meant guide that doesn't state it, from a template; no figure
    frame: Frame | None = None
    declined: bool = False  # says the guides don't treat what was asked (and what they do treat)


def read_exact(
    question: str,
    facts: dict[str, list[Fact]],
    terms: GuideTerms,
    chunks: list[Chunk],
    text: str = "",
    state: Frame | None = None,
    only: str | None = None,
    week_hours: float = 40.0,
) -> Exact | None:
    """The exact answer to a question about a stated fact, or None when the reader isn't sure.

    question: the sentences that ask; text: the user's whole text, whose self-description
    ("I'm a backend engineer") may settle which move is meant; state: the frame of the turn
    before, which a follow-up fills what it lacks from; only: answer from this guide alone."""
    plain = terms.plain(question).strip()
    if not facts or plain.count("?") > 1:
        return None
    asked = read_asked(question, terms)
    asked.more = bool(MORE.search(OPENER.sub("", plain)))  # "... and how important is it?"
    overview = roadmap_overviews(chunks)
    if only:
        facts = {only: facts.get(only, [])}
        same = state is not None and state.guides == (only,)
        state = Frame(
            (only,),
            state.entities if state and same else (),
            state.attribute if state else "",
            plan_hours=state.plan_hours if state and same else None,
            plan_start=state.plan_start if state and same else None,
        )
    if PAY_LIST.search(plain) and not terms.roles_in(question) and not only:
        return _pay_table(facts)
    planned = _plan(plain, facts, terms, text or question, state, only, week_hours, overview)
    if planned is not None:
        return planned or None  # False: a plan asked for that the reader can't make here
    found = _about_things(question, facts, terms, text or question, asked, state, overview, only)
    if found is not None:
        return found or None
    return _about_moves(question, facts, terms, chunks, text, asked, state, overview, only)


def roadmap_overviews(chunks: list[Chunk]) -> dict[str, str]:
    """Each guide's roadmap overview chunk (the one listing every phase with its weeks), by file name."""
    return {c.source: c.id for c in chunks if c.kind == "overview" and c.section.endswith("Roadmap")}


def _about_moves(
    question: str,
    facts: dict[str, list[Fact]],
    terms: GuideTerms,
    chunks: list[Chunk],
    text: str,
    asked: Asked,
    state: Frame | None,
    overview: dict[str, str],
    only: str | None = None,
) -> Exact | None:
    """A move's own facts: its timeline, difficulty or salary change; gaps; a list by heading."""
    if asked.more and not asked.compare:  # moves compared: "X and the Y" joins the two
        return None
    plain = terms.plain(question)
    wanted = [a for a, pattern in ATTRIBUTES.items() if re.search(rf"\b(?:{pattern})\b", plain)]
    if asked.opener and not wanted and state and not state.entities and state.attribute in ATTRIBUTES:
        wanted = [state.attribute]  # "and for the ML engineer move?": the same, of another move
    if not wanted and asked.compare:  # "compare the AI architect and ML engineer paths": all of it
        return _side_by_side(question, facts, terms)
    ranked = _moves_ranked(question, facts, terms, asked, wanted)
    if ranked is not None:
        return ranked
    if len(wanted) != 1:
        return _list(question, facts, terms, text) if not wanted and not asked.extreme else None
    attribute = wanted[0]
    named = {role for role, _ in terms.roles_in(text or question)}
    if attribute == "gap":  # what a starting role the asker names lacks, or the guide's list of gaps
        return _source_gap(facts, named, terms, text or question) or _list(question, facts, terms, text)
    moves = two_moves(question, terms) if asked.extreme or asked.compare or " or " in plain else []
    # A role alone names the move that leads to it when the question asks of the role itself (its
    # demand) or names it as where the asker is going ("how long to become an AI engineer?"); not
    # a role named as a background ("architects without a deep learning background"), nor the
    # moves an extreme or a comparison ranks.
    aimed = attribute == "demand" or bool(_targets(text or question, terms))
    loose = aimed and not (asked.extreme or asked.compare)
    guides = [only] if only else moves or settled_guides(text or question, terms, loose=loose)
    if not guides and state and state.guides and not terms.roles_in(question):
        guides = list(state.guides)
    if not guides or any(_names_an_item(question, facts.get(g, []), terms) for g in guides):
        return None
    lines: list[Line] = []
    answered: list[str] = []
    silent: list[str] = []
    values: dict[str, Value] = {}
    # Asked of the moves just compared side by side ("and the salary change?"): each answers, or is
    # said not to state it, as the comparison's rows did.
    compared = state is not None and state.operation == "compare" and tuple(guides) == state.guides
    for guide in guides:
        found = _answer(attribute, facts.get(guide, []), overview.get(guide, ""))
        if found is None and attribute == "timeline":
            found = _source_timeline(facts.get(guide, []), named)
        if found is None and len(guides) > 1 and (attribute == "timeline" or compared) and facts.get(guide):
            silent.append(_label(facts[guide]))
            continue
        if found is None:
            return None  # the guide doesn't state it: the model path looks further
        label = _label(facts[guide]) if len(guides) > 1 else ""
        lines += [replace(ln, text=f"{label}: {ln.text}") if label else ln for ln in found]
        answered.append(guide)
        transition = next(f for f in facts[guide] if isinstance(f, Transition))
        value = getattr(transition, attribute, None)
        if value is not None:
            values[guide] = value
    if not lines:
        return None
    if moves and attribute == "timeline" and len(values) == len(moves):
        verdict = _verdict(
            [(_label(facts[g]), values[g]) for g in moves], asked.extreme[1] if asked.extreme else "max"
        )
        if verdict:
            inputs = tuple(values[g] for g in moves)
            lines.append(Line(verdict, tuple(dict.fromkeys(v.chunk for v in inputs)), inputs, computed=True))
    what = attribute.replace("_", " ")
    missing = (
        f"The {' and '.join(silent)} guide{'s' if len(silent) > 1 else ''} state{'' if len(silent) > 1 else 's'} no {what}."
        if silent
        else ""
    )
    frame = (
        Frame(tuple(guides), (), attribute, "compare") if compared else Frame(tuple(answered), (), attribute)
    )
    return Exact(attribute, tuple(answered), tuple(lines), missing, frame)


def _side_by_side(question: str, facts: dict[str, list[Fact]], terms: GuideTerms) -> Exact | None:
    """Two or three moves compared as a whole: each row of `coach compare` the guides state, one
    sentence per move and row, every value cited where it stands (computed totals are left to
    the Compare tab, which shows what they add). The moves are named by their roles: start and
    end ("backend to deep learning"), or an end role only one guide leads to ("the ML engineer path")."""
    from coach.compare import ROWS, Subject, compare

    guides = two_moves(question, terms)
    if len(guides) < 2:
        ends = [role for role, _ in sorted(terms.roles_in(question), key=lambda r: r[1][0])]
        leading = [[g for g, (_, end, _) in sorted(terms.guide_roles.items()) if end == r] for r in ends]
        guides = list(dict.fromkeys(g[0] for g in leading if len(g) == 1))
    if not 2 <= len(guides) <= 3 or any(not facts.get(g) for g in guides):
        return None
    columns = compare([Subject(g, _label(facts[g])) for g in guides], facts)
    lines = []
    silent: dict[str, list[str]] = {}
    for row in ROWS:
        for column in columns:
            cells = [c for c in column.rows[row] if c.value is not None]
            if not cells:
                silent.setdefault(column.subject.name, []).append(row)
                continue
            # One sentence per passage, so each sentence's figures all stand in what it cites.
            for chunk in dict.fromkeys(c.value.chunk for c in cells if c.value):
                held = [c for c in cells if c.value and c.value.chunk == chunk]
                said = "; ".join(c.text() for c in held)
                values = tuple(v for c in held for v in (c.value, c.detail) if v is not None)
                cited = tuple(dict.fromkeys(v.chunk for v in values))
                lines.append(Line(f"{column.subject.name}, {row}: {said}.", cited, values))
    missing = " ".join(
        f"The {name} guide states no {', '.join(rows[:-1]) + ' or ' if len(rows) > 1 else ''}{rows[-1]}."
        for name, rows in silent.items()
    )
    frame = Frame(tuple(guides), operation="compare")
    return Exact("compare", tuple(guides), tuple(lines), missing, frame) if lines else None


def _plan(
    plain: str,
    facts: dict[str, list[Fact]],
    terms: GuideTerms,
    text: str,
    state: Frame | None,
    only: str | None,
    week_hours: float,
    overview: dict[str, str],
) -> Exact | None | bool:
    """A plan asked for with the hours a week ("make me a plan at 10 hours a week for the backend
    move"): its length and each phase's weeks in the asker's calendar; or, after one, a week of it
    ("what's in week 5?"). Computed from the roadmap as `coach plan` computes it, starting today.
    None: no plan is asked for; False: one is, for a guide without a roadmap or in hours outside
    1-80, and the reader leaves it to the model path."""
    from coach.plan import roadmap

    week = WEEK_N.search(plain)
    if week and state and state.plan_hours and state.plan_start and len(state.guides) == 1:
        guide, hours, start = state.guides[0], state.plan_hours, state.plan_start
    elif PLAN_ASK.search(plain) and (hours_m := HOURS.search(plain)):
        meant = [only] if only else settled_guides(text, terms, loose=True)
        guides = [g for g in meant if roadmap(facts.get(g, []))]  # only a guide with a roadmap plans
        if len(guides) != 1:
            return False
        guide, hours, start, week = guides[0], float(hours_m.group(1)), date.today(), None
    else:
        return None
    return planned(facts, guide, hours, start, int(week.group(1)) if week else None, week_hours, overview)


def planned(
    facts: dict[str, list[Fact]],
    guide: str,
    hours: float,
    start: date,
    week: int | None,
    week_hours: float,
    overview: dict[str, str],
) -> Exact | bool:
    """The plan of a guide's roadmap at `hours` a week from `start` (or its week `week`), as
    cited sentences; False for hours outside 1-80 or a guide without a roadmap in weeks."""
    from coach.compare import Subject
    from coach.plan import make_plan, roadmap

    if not 1 <= hours <= 80 or not roadmap(facts.get(guide, [])):
        return False
    plan = make_plan(Subject(guide, _label(facts[guide])), facts[guide], hours, start, week_hours)
    frame = Frame((guide,), plan_hours=hours, plan_start=start)
    if week:
        n = week
        if not 1 <= n <= len(plan.weeks):
            durations = tuple(p.phase.duration for p in plan.phases if p.phase.duration)
            said = f"Your plan has {len(plan.weeks)} weeks, so it has no week {n}."
            cited = (overview.get(guide) or plan.phases[0].phase.title.chunk,)
            return Exact(
                "plan",
                (guide,),
                (Line(said, cited, durations, True, (str(len(plan.weeks)), str(n))),),
                frame=frame,
            )
        w = plan.weeks[n - 1]
        dates = (f"{w.start:%d %B %Y}", f"{w.end:%d %B %Y}")
        head = f"Week {n} of your plan, {dates[0]} to {dates[1]}, is in phase {w.phase.number}: {w.phase.title.text}."
        lines = [Line(head, (w.phase.title.chunk,), (w.phase.title,), True, (str(n), *dates))]
        go_on = "Continue: " if w.continued else ""
        lines += [Line(f"{go_on}{t.text.rstrip('.')}.", (t.chunk,), (t,)) for t in w.tasks]
        lines += [Line(f"Resource: {r.text.rstrip('.')}.", (r.chunk,), (r,)) for r in w.resources]
        return Exact("plan", (guide,), tuple(lines), frame=frame)
    durations = tuple(p.phase.duration for p in plan.phases if p.phase.duration)
    listing = overview.get(guide, "")  # the roadmap's overview lists each phase with its weeks
    start_s, end_s = f"{plan.start:%d %B %Y}", f"{plan.weeks[-1].end:%d %B %Y}"
    head = (
        f"At {hours:g} hours a week, taking a guide week as {week_hours:g} hours of work, the roadmap's "
        f"{len(plan.phases)} phases take {len(plan.weeks)} weeks, from {start_s} to {end_s}."
    )
    said = (f"{hours:g}", f"{week_hours:g}", str(len(plan.phases)), str(len(plan.weeks)), start_s, end_s)
    lines = [Line(head, (listing or plan.phases[0].phase.title.chunk,), durations, True, said)]
    first = 1
    for p in plan.phases:
        last = first + p.calendar_weeks - 1
        text_ = f"Phase {p.phase.number}: {p.phase.title.text}, {p.phase.duration.text} in the guide, is your weeks {first} to {last}."  # type: ignore[union-attr]
        stated = (p.phase.title, p.phase.duration)
        cited = (listing or p.phase.title.chunk,)
        lines.append(Line(text_, cited, stated, True, (str(first), str(last))))  # type: ignore[arg-type]
        first = last + 1
    return Exact("plan", (guide,), tuple(lines), frame=frame)


def _pay_table(facts: dict[str, list[Fact]]) -> Exact | None:
    """Every pay figure the guides state, as written, one cited sentence each (`coach pay`'s rows),
    and the source a guide cites for a figure, where it cites one."""
    from coach.pay import pay_rows

    rows = pay_rows(facts)
    lines = []
    for r in rows:
        stated = (r.figure, r.label) if r.label else (r.figure,)
        lines.append(Line(f"{r.move}, {r.who}: {r.figure.text}.", (r.figure.chunk,), stated))
        if r.reference:
            said = f"For it, the guide cites {r.reference.text}."
            lines.append(Line(said, (r.reference.chunk,), (r.reference,)))
    guides = tuple(dict.fromkeys(r.guide for r in rows))
    return Exact("pay", guides, tuple(lines), frame=Frame(guides)) if lines else None


def _about_things(
    question: str,
    facts: dict[str, list[Fact]],
    terms: GuideTerms,
    text: str,
    asked: Asked,
    state: Frame | None,
    overview: dict[str, str],
    only: str | None = None,
) -> Exact | None | bool:
    """Things inside a guide: a skill's weeks, a phase's tasks, the cheapest certification, the
    phases listed, the critical skills. None: the question isn't about things (the move's own
    facts may answer it); False: it is, and the reader isn't sure."""
    if two_moves(question, terms) and not only:
        return None  # two moves named: about the moves themselves
    settled = settled_guides(text, terms, loose=True)
    guides = [only] if only else settled
    follow = (
        state is not None and bool(state.guides) and not settled and (not only or state.guides == (only,))
    )
    if follow and state and not only:
        guides = list(state.guides)
    pool = guides or sorted(facts)
    named = {g: named_things(question, facts.get(g, []), terms, asked, text) for g in pool}
    # A starting role counts as named in a guide only when the question is about that guide: the
    # backend developer of "the backend roadmap" is not the AI engineer guide's starting role.
    roles = {role for role, _ in terms.roles_in(question)}
    named = {
        g: [
            t
            for t in ts
            if not isinstance(t, SourceRole) or terms.guide_roles[g][1] in roles or guides == [g]
        ]
        for g, ts in named.items()
    }
    named = {g: things for g, things in named.items() if things}
    things: list[Fact] = []
    picked = False
    if len(named) == 1:
        guide, things = next(iter(named.items()))
        # A category word that is part of a named thing's own name ("the advanced architectures
        # phase") names it; it filters nothing.
        spelled = " ".join(layout().plain(name_of(t)) for t in things)
        asked.filters = [v for v in asked.filters if not re.search(rf"\b{re.escape(v)}\b", spelled)]
    elif named:
        return False  # things of that name in more than one guide: not sure which
    if asked.phases:
        return False  # two phases by number: two questions
    if things:
        pass
    elif asked.phase is not None:
        return False  # a phase the roadmap doesn't have
    elif asked.kind is not None and unnamed_modifier(
        question, [f for g in pool for f in facts.get(g, [])], terms, asked
    ):
        return False  # "the security phase": a phase named, but none of that name
    elif asked.kind is not None:
        having = [g for g in pool if any(isinstance(f, asked.kind) for f in facts.get(g, []))]
        if len(having) != 1:
            return None if not having else False
        guide = having[0]
        things = kind_set(facts[guide], asked.kind, question, terms)
        picked = _selects(question, terms, asked)
        # A category the guide writes for things of this kind, said in the question, selects them
        # ("the system design interview questions").
        plain = layout().plain(question)
        said = {
            c for t in things for c in _categories(t) if re.search(rf"(?<!\w){re.escape(c)}(?!\w)", plain)
        }
        asked.filters = list(dict.fromkeys([*asked.filters, *sorted(said)]))
    elif (
        follow and state and state.entities and (asked.back or asked.extreme or asked.filters or asked.opener)
    ):
        guide, things = state.guides[0], list(state.entities)
    else:
        return None
    if len(guides) > 1 and guide not in guides:
        return False
    attribute, operation = _asked_of(asked, things, state, bool(named))
    if attribute is None:
        return None  # nothing asked of them: a list by its heading, or the model path
    if operation == "value" and not named and asked.kind and picked and not (asked.filters or asked.excluded):
        return False  # "which phase covers Docker?": a search by what they say, not their values
    # A category said of things picked by kind selects them ("which skills are at an advanced
    # level?"), also when it is a value of what is asked; of things named, it is what is asked.
    if (asked.filters or asked.excluded) and (
        not named or not {"priority", "level"} & set(attribute.split("+"))
    ):
        things = [
            t
            for t in things
            if (not asked.filters or _categories(t) & set(asked.filters))
            and not _categories(t) & set(asked.excluded)
        ]
        if not things:
            return False
    lines = _thing_lines(things, attribute, operation, overview.get(guide, ""), asked)
    if not lines:
        return False
    shown, lines = lines
    frame = Frame((guide,), tuple(shown), attribute if operation != "list" else "", operation)
    return Exact(attribute or "list", (guide,), tuple(lines), "", frame)


def _asked_of(asked: Asked, things: list[Fact], state: Frame | None, named: bool) -> tuple[str | None, str]:
    """The attribute asked of the things, and how: (attribute, operation); (None, "") when the
    question asks nothing the things state."""
    kinds = {type(t) for t in things}
    applies = [a for a in asked.attributes if kinds <= set(FIELDS.get(a, {}))]
    if asked.extreme and kinds <= set(FIELDS.get(asked.extreme[0], {})):
        return asked.extreme[0], asked.extreme[1]
    if asked.extreme:
        return None, ""
    if asked.more:  # two things asked of the same things: both answered, or neither
        return ("+".join(applies), "value") if len(applies) >= 2 else (None, "")
    if len(applies) > 1 and "duration" in applies:  # "how many weeks does it take to cover"
        applies = [a for a in applies if a != "duration"] if asked.phase is None else ["duration"]
    if len(applies) == 1:
        return applies[0], "compare" if asked.compare else "value"
    if applies:
        return None, ""
    if asked.attributes and not asked.kind:
        return None, ""
    if named and asked.opener and state and state.attribute and kinds <= set(FIELDS.get(state.attribute, {})):
        return state.attribute, "value"  # "and for data engineering?": the same, of another thing
    if not named and (asked.kind is not None or asked.filters):
        return "", "list"
    return None, ""


def _source_timeline(facts: list[Fact], named: set[str]) -> list[Line] | None:
    """The timeline a guide gives for the starting role the text names ("I'm a backend developer")."""
    lines = [
        Line(
            f"For a {s.name.text}, the guide gives a timeline of {s.timeline.text}.",
            (s.timeline.chunk,),
            (s.name, s.timeline),
        )
        for s in facts
        if isinstance(s, SourceRole) and s.timeline and named & set(listed_roles(s.name.text))
    ]
    return lines or None


def _source_gap(facts: dict[str, list[Fact]], named: set[str], terms: GuideTerms, text: str) -> Exact | None:
    """The gap a guide's source-role entry names for the starting role the asker names (the role
    it leads to names the guide: "become an AI engineer")."""
    for guide in settled_guides(text, terms, loose=True):
        for s in facts.get(guide, []):
            parts = set(listed_roles(s.name.text)) if isinstance(s, SourceRole) else set()
            if named & parts:
                # An entry says what the role brings, then what it lacks ("The gap is ...", "The
                # transition requires ..."), then its timeline: the sentence that names the gap,
                # or else the one between the two.
                sentences = re.split(r"(?<=\.)\s+", s.detail.text)
                said = [x for x in sentences if re.search(r"\bgaps?\b", x, re.I)]
                said = said or [x for x in sentences[1:] if not x.startswith("Timeline")]
                if len(said) == 1:
                    line = Line(
                        f"For a {s.name.text}, the guide says: {said[0].rstrip('.')}.",
                        (s.detail.chunk,),
                        (s.name, s.detail.part(said[0])),
                    )
                    return Exact("gap", (guide,), (line,), frame=Frame((guide,), (s,)))
    return None


def _list(question: str, facts: dict[str, list[Fact]], terms: GuideTerms, text: str) -> Exact | None:
    """A list the guide gives, asked for by its heading's words ("what will I love", "interview
    tips", "this week"): every word of one heading is in the question, and one guide has it."""
    asked = set(tokenize(terms.plain(question)))
    guides = settled_guides(text or question, terms, loose=True)
    found: dict[tuple[str, str], list[Item]] = {}
    for guide in guides:
        for f in facts.get(guide, []):
            if isinstance(f, Item) and f.name is None:
                words = {t for t in tokenize(f.list.split(" > ")[-1]) if len(t) >= 3}
                if words and words <= asked:
                    found.setdefault((guide, f.list), []).append(f)
    if len({head.split(" > ")[-1] for _, head in found}) != 1 or len({g for g, _ in found}) != 1:
        return None
    (((guide, heading), items),) = found.items()
    where = heading.split(" > ")[-1]
    listed = tuple(i.text for i in items)
    lines = [Line(f"The guide lists these under {where}.", (items[0].text.chunk,), listed, computed=True)]
    lines += [Line(f"{i.text.text.rstrip('.')}.", (i.text.chunk,), (i.text,)) for i in items]
    return Exact("list", (guide,), tuple(lines), frame=Frame((guide,)))


def _names_an_item(question: str, facts: list[Fact], terms: GuideTerms) -> bool:
    """The question names something inside the guide (a skill, a phase, a story, a list), so it
    is about that item, not the move as a whole: "How many weeks for PyTorch?" is not asking
    for the move's timeline. Read off the guide's own item names; role names and the words
    for a move don't count."""
    asked = set(tokenize(without_names(question, terms))) - ASKING
    names: set[str] = set()
    for f in facts:
        if isinstance(f, Skill):
            names |= set(tokenize(f"{f.name.text} {f.list}"))
        elif isinstance(f, SourceRole | Certification):
            names |= set(tokenize(f.name.text))
        elif isinstance(f, Phase | Story):
            names |= set(tokenize(f.title.text))
        elif isinstance(f, Item):
            names |= set(tokenize(f.list.split(" > ")[-1] + " " + (f.name.text if f.name else "")))
    roles = {t for r in terms.roles for t in tokenize(r)}
    return bool(asked & (names - roles - lexicon().move_asking))


# What an extreme ranks, when the moves themselves are ranked: a time is the move's timeline, a
# pay its salary change.
MOVE_RANKED = {"duration": "timeline", "pay": "salary_change"}


def _moves_ranked(
    question: str, facts: dict[str, list[Fact]], terms: GuideTerms, asked: Asked, wanted: list[str]
) -> Exact | None:
    """The moves ranked by a figure each states ("which path is fastest?", "which move has the
    biggest salary increase?"): every move that states it, cited, then the one that wins (all that
    no other beats at both ends); the moves that state none, named. None unless the question asks
    an extreme of the moves themselves, naming no role and no kind of thing."""
    plain = terms.plain(question)
    if terms.roles_in(question) or asked.kind is not None or not re.search(rf"\b{PATH_WORD}\b", plain):
        return None
    words = lexicon()
    largest = next(
        (op for op, p in words.operations if op in ("largest", "smallest") and p.search(plain)), ""
    )
    direction = asked.extreme[1] if asked.extreme else {"largest": "max", "smallest": "min"}.get(largest, "")
    attribute = (
        MOVE_RANKED.get(asked.extreme[0], "") if asked.extreme else (wanted[0] if len(wanted) == 1 else "")
    )
    if not direction or attribute not in ("timeline", "salary_change"):
        return None
    stated: list[tuple[str, str, Value]] = []  # (guide, move, value)
    lines: list[Line] = []
    silent: list[str] = []
    what = attribute.replace("_", " ")
    for guide in sorted(facts):
        move = next((f for f in facts[guide] if isinstance(f, Transition)), None)
        if move is None:
            continue
        value = move.stated(attribute)
        titled = value is not None and getattr(move, attribute) is None  # by its title: "4-Month"
        if value is None or _magnitude(value) is None:
            silent.append(name_of(move))
            continue
        stated.append((guide, name_of(move), value))
        said = f'its title calls it a "{value.text}" transition' if titled else f"a {what} of {value.text}"
        lines.append(Line(f"{name_of(move)}: {said}.", (value.chunk,), (value,)))
    if len(stated) < 2:
        return None
    figures = {g: _magnitude(v) for g, _, v in stated}
    sign = 1 if direction == "max" else -1
    best = [
        m
        for g, m, _ in stated
        if not any(_beats(figures[o], figures[g], sign) for o, _, _ in stated if o != g)
    ]
    word = {"timeline": {"max": "longest", "min": "shortest"}}.get(
        attribute, {"max": "largest", "min": "smallest"}
    )
    verdict = (
        f"The {word[direction]} {what} of these is {best[0]}'s."
        if len(best) == 1
        else f"Of these, {' and '.join(best)} are the {word[direction]}, their figures overlapping."
    )
    inputs = tuple(v for _, _, v in stated)
    lines.append(Line(verdict, tuple(dict.fromkeys(v.chunk for v in inputs)), inputs, computed=True))
    missing = f"No {what} for the move is stated in the guide of {'; '.join(silent)}." if silent else ""
    guides = tuple(g for g, _, _ in stated)
    return Exact(attribute, guides, tuple(lines), missing, Frame(guides, (), attribute, "compare"))


def _targets(text: str, terms: GuideTerms) -> set[str]:
    """The roles the text names as where a move goes ("become an AI engineer", "move into ...")."""
    return {role for role, _ in terms.roles_in(aimed_at(text))}


def _label(facts: list[Fact]) -> str:
    return name_of(next(f for f in facts if isinstance(f, Transition)))


def _answer(attribute: str, facts: list[Fact], overview: str) -> list[Line] | None:
    transition = next((f for f in facts if isinstance(f, Transition)), None)
    if transition is None:
        return None
    if attribute == "timeline":
        return _timeline(transition, [f for f in facts if isinstance(f, Phase)], overview)
    value = getattr(transition, attribute)
    if value is None:
        return None
    said = {
        "difficulty": f"The guide rates the difficulty as {value.text}.",
        "demand": f"On demand, the guide says: {value.text.rstrip('.')}.",
    }.get(attribute, f"The guide gives a salary change of {value.text}.")
    lines = [Line(said, (value.chunk,), (value,))]
    if attribute == "salary_change":  # the same change stated again, differently, elsewhere
        lines += [
            Line(
                f"Elsewhere it gives a {p.amount.text} {p.label.text}.",
                (p.amount.chunk,),
                (p.amount, p.label),
            )
            for p in facts
            if isinstance(p, PayFigure) and p.amount.text.endswith("%") and p.amount.text != value.text
        ]
    return lines


def _timeline(t: Transition, phases: list[Phase], overview: str) -> list[Line] | None:
    lines = []
    if t.timeline:
        lines.append(
            Line(f"The guide gives a timeline of {t.timeline.text}.", (t.timeline.chunk,), (t.timeline,))
        )
    if t.headline_duration:
        lines.append(
            Line(
                f'Its title calls it a "{t.headline_duration.text}" transition.',
                (t.headline_duration.chunk,),
                (t.headline_duration,),
            )
        )
    durations = tuple(p.duration for p in phases if p.duration)
    if overview and durations and len(durations) == len(phases):
        weeks = [d.text for d in durations]
        listed = f"{', '.join(weeks[:-1])} and {weeks[-1]}" if len(weeks) > 1 else weeks[0]
        lines.append(Line(f"Its roadmap's {len(phases)} phases take {listed}.", (overview,), durations))
    return lines or None


def _thing_lines(
    things: list[Fact], attribute: str, operation: str, overview: str, asked: Asked
) -> tuple[list[Fact], list[Line]] | None:
    """The sentences that answer about the things: each one's value, a list of them, or the
    largest or smallest (computed from the figures as the guide writes them, ties all named).
    Returns the things the answer is about, and its sentences; None when the guide doesn't say."""
    if operation == "list":
        noun = _plural(NOUNS[type(things[0])]) if len(things) > 1 else NOUNS[type(things[0])]
        which = " ".join(sorted({c for t in things for c in _categories(t)} & set(asked.filters)))
        names = tuple(_name_value(t) for t in things)
        if isinstance(things[0], Phase):
            head = Line(
                f"The roadmap has {len(things)} {noun}.",
                (overview or things[0].title.chunk,),
                names,
                computed=True,
            )
        else:
            first = names[0].chunk
            head = Line(
                f"The guide lists these {which + ' ' if which else ''}{noun}.",  # no count: not a figure it states
                (first,),
                tuple(n for n in names if n.chunk == first),
                computed=True,
            )
        return things, [head, *(_fact_line(t, overview) for t in things)]
    if operation in ("max", "min"):
        return _ranked(things, attribute, operation, overview)
    said = {a: [line for t in things for line in _value_lines(t, a, overview)] for a in attribute.split("+")}
    if not all(said.values()):
        return None  # part of what is asked, the guide doesn't state: the model path looks further
    lines = list(dict.fromkeys(line for part in said.values() for line in part))
    if operation == "compare" and len(things) == 2 and attribute in ("duration", "cost", "pay"):
        stated = [(name_of(t), v) for t in things if isinstance(v := field_of(t, attribute), Value)]
        verdict = _verdict(stated, "max") if len(stated) == 2 else ""
        if verdict:
            inputs = tuple(v for _, v in stated)
            lines.append(Line(verdict, tuple(dict.fromkeys(v.chunk for v in inputs)), inputs, computed=True))
    return (things, lines) if lines else None


def _ranked(
    things: list[Fact], attribute: str, direction: str, overview: str
) -> tuple[list[Fact], list[Line]] | None:
    figures = {id(t): _magnitude(v) for t in things if isinstance(v := field_of(t, attribute), Value)}
    rated = [t for t in things if figures.get(id(t))]
    if len(rated) < 2:
        return None
    sign = 1 if direction == "max" else -1
    best = [
        t for t in rated if not any(_beats(figures[id(o)], figures[id(t)], sign) for o in rated if o is not t)
    ]
    word = RANKED[(attribute, direction)][0 if len(things) > 2 else 1]
    noun = NOUNS[type(things[0])]
    chunks = tuple(dict.fromkeys(_chunk(t, attribute, overview) for t in best))
    values = {field_of(t, attribute).text for t in best}

    def stated(t: Fact) -> tuple[Value, ...]:
        return (_named(t), field_of(t, attribute))

    def each(t: Fact) -> Line:
        return Line(
            f"{name_of(t)}: {field_of(t, attribute).text}.", (_chunk(t, attribute, overview),), stated(t)
        )

    if len(best) == 1:
        t = best[0]
        lines = [
            Line(f"The {word} {noun} is {name_of(t)}, at {field_of(t, attribute).text}.", chunks, stated(t))
        ]
    elif len({figures[id(t)] for t in best}) == 1:
        names = " and ".join(name_of(t) for t in best)
        shared = f"rated {values.pop()}" if attribute == "priority" else f"at {values.pop()} each"
        lines = [
            Line(
                f"The {word} {noun}s, {shared}, are {names}.",
                chunks,
                tuple(v for t in best for v in stated(t)),
            )
        ]
    else:  # ranges that overlap: no one of them is larger; each is given as the guide states it
        overlap = tuple(field_of(t, attribute) for t in best)
        lines = [
            Line(
                "The guide's figures overlap, so none is clearly the " + word + ".",
                chunks,
                overlap,
                computed=True,
            )
        ]
        lines += [each(t) for t in best]
    if len(things) == 2 and len(best) == 1:  # two named side by side: both values, then the verdict
        inputs = tuple(field_of(t, attribute) for t in rated)  # the verdict rests on both: it cites both
        both = tuple(dict.fromkeys(_chunk(t, attribute, overview) for t in rated))
        lines = [each(t) for t in rated] + [
            Line(f"{name_of(best[0])} is {word}.", both, inputs, computed=True)
        ]
    unrated = [t for t in things if not figures.get(id(t)) and field_of(t, attribute) is not None]
    lines += [
        Line(
            f"{name_of(t)} is given as {field_of(t, attribute).text}, with no figure.",
            (_chunk(t, attribute, overview),),
            stated(t),
        )
        for t in unrated
        if isinstance(field_of(t, attribute), Value)
    ]
    return best, lines


def _selects(question: str, terms: GuideTerms, asked: Asked) -> bool:
    """ "Which phase ...", "what skill ...": the question picks things of a kind by what they say."""
    if asked.kind is None:
        return False
    return bool(re.search(rf"\b(?:which|what)\s+(?:\w+\s+)?(?:{KINDS[asked.kind]})\b", terms.plain(question)))


def _beats(a: tuple[float, float], b: tuple[float, float], sign: int) -> bool:
    """a is larger than b (sign 1) or smaller (sign -1) at both ends of its range, strictly at one."""
    lo, hi = (a[0] - b[0]) * sign, (a[1] - b[1]) * sign
    return lo >= 0 and hi >= 0 and (lo > 0 or hi > 0)


def _verdict(stated: list[tuple[str, Value]], direction: str) -> str:
    """ "X is longer." for two figures where one is larger at both ends; "" when they overlap."""
    (a, va), (b, vb) = stated[:2]
    fa, fb = _magnitude(va), _magnitude(vb)
    if not fa or not fb or fa == fb:
        return ""
    unit = re.search(r"weeks?|months?|years?|\$", va.text + vb.text)
    word = {"$": "costs more"}.get(unit.group(0) if unit else "", "is longer")
    if _beats(fa, fb, 1):
        return f"{a} {word}."
    if _beats(fb, fa, 1):
        return f"{b} {word}."
    return ""


def _magnitude(value: Value) -> tuple[float, float] | None:
    """A figure as (low, high): "9-12 months" -> in weeks; "~$300" -> 300; "Ongoing" -> None; a
    priority by its place in the guides' scale ("Critical" above "Important")."""
    scale = [p.lower() for p in reversed(layout().sections.priorities)]
    if value.text.lower() in scale:
        rank = float(scale.index(value.text.lower()) + 1)
        return rank, rank
    numbers = [float(n.replace(",", "")) * (1000 if k else 1) for n, k in FIGURE.findall(value.text)]
    if not numbers:
        return None
    unit = re.search(r"(week|month|year)", value.text.lower())
    scale = UNIT_WEEKS[unit.group(1)] if unit else 1.0
    return min(numbers) * scale, max(numbers) * scale


def _chunk(t: Fact, attribute: str, overview: str) -> str:
    if isinstance(t, Phase) and attribute == "duration" and overview:
        return overview
    value = field_of(t, attribute)
    if isinstance(value, Value):
        return value.chunk
    return _name_value(t).chunk


def _plural(noun: str) -> str:
    """ "story" -> "stories", "phase" -> "phases"."""
    return f"{noun[:-1]}ies" if re.search(r"[^aeiou]y$", noun) else f"{noun}s"


def _name_value(t: Fact) -> Value:
    if isinstance(t, InterviewQuestion):
        return t.question
    return t.title if isinstance(t, Phase | Story) else t.name  # type: ignore[union-attr]


def _named(t: Fact) -> Value:
    """The value `name_of` shows for a thing: a story is named by its person where it has one."""
    if isinstance(t, Story) and t.person:
        return t.person
    return _name_value(t)


def _categories(t: Fact) -> set[str]:
    """The categories a thing is in: a skill's priority and level, an interview question's kind."""
    if isinstance(t, InterviewQuestion):
        return {t.category.lower()} if t.category else set()
    return {v.text.lower() for v in (getattr(t, "priority", None), getattr(t, "level", None)) if v}


def _fact_line(t: Fact, overview: str) -> Line:
    """One thing as a fact line: "Deep Learning Frameworks (PyTorch): Critical, 6 weeks."."""
    if isinstance(t, Phase):
        return _phase_line(t, overview)
    if isinstance(t, InterviewQuestion):  # the question, then what the guide says to cover
        head = t.question.text if t.question.text.endswith("?") else f"{t.question.text}:"
        said = f"{head} {t.hint.text}" if t.hint else head.rstrip(":")
        return Line(f"{said.rstrip('.')}.", (t.question.chunk,), tuple(v for v in (t.question, t.hint) if v))
    if isinstance(t, Skill):
        stated = [t.priority, t.level, t.duration]
    elif isinstance(t, Certification):
        stated = [t.cost, t.note, t.purpose]
    elif isinstance(t, SourceRole):
        stated = [t.timeline]
    elif isinstance(t, Story):
        stated = [t.title]
    else:
        stated = [getattr(t, "pay", None)]
    values = [v for v in stated if v]
    age = t.age if isinstance(t, Story) else None
    head = name_of(t) if not isinstance(t, Story) else f"{name_of(t)}{f', {age.text}' if age else ''}"
    said = ", ".join(v.text for v in values)
    return Line(
        f"{head}: {said}." if said else f"{head}.",
        (_name_value(t).chunk,),
        tuple(v for v in (_named(t), age, *values) if v),
    )


def _value_lines(t: Fact, attribute: str, overview: str) -> list[Line]:
    value = field_of(t, attribute)
    name = name_of(t)
    if value is None or value == ():
        return []
    if isinstance(value, tuple):  # a phase's tasks or resources
        # What a phase has one do comes with how long the guide gives it.
        weeks = getattr(t, "duration", None) if attribute != "resources" else None
        head = (
            f"{name} lists these resources."
            if attribute == "resources"
            else f"Phase {t.number} is {t.title.text}{f', {weeks.text}' if weeks else ''}; its tasks follow."  # type: ignore[union-attr]
        )
        stated = (_name_value(t), weeks) if weeks else (_name_value(t),)
        return [Line(head, (_name_value(t).chunk,), stated)] + [
            Line(f"{v.text.rstrip('.')}.", (v.chunk,), (v,)) for v in value
        ]
    if attribute in ("duration", "priority", "level") and not isinstance(t, SourceRole):
        return [_fact_line(t, overview)]
    stated = (_named(t), value)
    if attribute == "duration":
        return [Line(f"For a {name}, the guide gives a timeline of {value.text}.", (value.chunk,), stated)]
    if attribute == "resources":
        return [Line(f"For {name}, the guide says: {value.text.rstrip('.')}.", (value.chunk,), stated)]
    if attribute == "cost":
        return [Line(f"{name} costs {value.text}.", (value.chunk,), stated)]
    if attribute == "age":
        title = t.title  # type: ignore[union-attr]
        return [Line(f"{name} was {value.text} ({title.text}).", (value.chunk,), (*stated, title))]
    return [Line(f"{name}: {value.text.rstrip('.')}.", (value.chunk,), stated)]


def _phase_line(p: Phase, overview: str) -> Line:
    weeks = f", {p.duration.text}" if p.duration else ""
    stated = (p.title, p.duration) if p.duration else (p.title,)
    return Line(f"Phase {p.number}: {p.title.text}{weeks}.", (overview or p.title.chunk,), stated)
