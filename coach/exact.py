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
from dataclasses import dataclass

from coach.facts import Certification, Fact, Item, PayFigure, Phase, Skill, SourceRole, Story, Transition
from coach.lexical import tokenize
from coach.records import Chunk
from coach.terms import PATH_WORD, GuideTerms, listed_roles, meant_guides

# The attribute a question asks for, in the words people use for it. A general lexicon of
# attributes: the roles, phases and values themselves come from the facts.
ATTRIBUTES = {
    "timeline": r"how long|timeline|time ?frame|how many (?:months|weeks|years)|how much time|duration",
    "difficulty": r"how (?:hard|difficult|tough|challenging)|difficulty|difficult",
    "salary_change": r"salary (?:change|increase|jump|bump|rise|gain)|pay (?:change|increase|rise|bump)|raise",
    "phases": r"phases?|stages?|steps?",
    "gap": r"gaps?",
}
EXTREMES = {"longest": r"longest|most time", "shortest": r"shortest|least time|quickest"}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "last": -1, "final": -1}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6} | ORDINALS
PHASE_NUMBER = re.compile(
    r"\bphase\s+(\d{1,2}|one|two|three|four|five|six)\b"
    r"|\b(first|second|third|fourth|fifth|sixth|last|final|[1-6](?:st|nd|rd|th))\s+phase\b"
)
TASKS = re.compile(r"\b(?:tasks?|what (?:do|should|will) i do|involve|cover|consist)\b")
# A second request in the same question ("... and which skills?"): the reader is not sure.
MORE = re.compile(r"\b(?:and|also|plus|as well as)\s+(?:what|which|how|who|where|why|when|its|the|their)\b")
WEEKS = re.compile(r"^(\d+)\s*weeks?$")


@dataclass(frozen=True)
class Line:
    """One sentence of an exact answer and the chunks that hold what it states."""

    text: str
    chunks: tuple[str, ...]


@dataclass(frozen=True)
class Exact:
    """An exact answer: its sentences, per guide (labelled when it answers for more than one)."""

    attribute: str
    guides: tuple[str, ...]
    lines: tuple[Line, ...]
    missing: str = ""  # a note on a meant guide that doesn't state it, from a template; no figure


def read_exact(
    question: str, facts: dict[str, list[Fact]], terms: GuideTerms, chunks: list[Chunk], text: str = ""
) -> Exact | None:
    """The exact answer to a question about a stated fact, or None when the reader isn't sure.

    question: the sentences that ask; text: the user's whole text, whose self-description
    ("I'm a backend engineer") may settle which move is meant."""
    plain = terms.plain(question)
    if not facts or MORE.search(plain) or plain.count("?") > 1:
        return None
    number = PHASE_NUMBER.search(plain)
    asked = [a for a, pattern in ATTRIBUTES.items() if re.search(rf"\b(?:{pattern})\b", plain)]
    extreme = next((e for e, pattern in EXTREMES.items() if re.search(rf"\b(?:{pattern})\b", plain)), None)
    if number:
        attribute = "phase_tasks" if TASKS.search(plain) and "timeline" not in asked else "phase_timeline"
        if "timeline" not in asked and attribute == "phase_timeline":
            return None
    elif extreme and "phases" in asked:
        attribute = extreme
    elif len(asked) == 1 and not extreme:
        attribute = asked[0]
    elif not asked and not extreme:
        return _list(question, facts, terms, text)
    else:
        return None
    named = {role for role, _ in terms.roles_in(text or question)}
    if attribute == "gap":  # what a starting role the asker names lacks, or the guide's list of gaps
        return _source_gap(facts, named, terms, text or question) or _list(question, facts, terms, text)
    guides = _guides(text or question, terms)
    if attribute not in (
        "timeline",
        "difficulty",
        "salary_change",
    ):  # about the roadmap: guides that have one
        guides = [g for g in guides if any(isinstance(f, Phase) for f in facts.get(g, []))]
    if not guides or any(_names_an_item(question, facts.get(g, []), terms) for g in guides):
        return None
    overview = {c.source: c.id for c in chunks if c.kind == "overview" and c.section.endswith("Roadmap")}
    lines: list[Line] = []
    answered: list[str] = []
    silent: list[str] = []
    for guide in guides:
        found = _answer(attribute, number, facts.get(guide, []), overview.get(guide, ""))
        if found is None and attribute == "timeline":
            found = _source_timeline(facts.get(guide, []), named)
        if found is None and len(guides) > 1 and attribute == "timeline" and facts.get(guide):
            silent.append(_label(facts[guide]))
            continue
        if found is None:
            return None  # the guide doesn't state it: the model path looks further
        label = _label(facts[guide]) if len(guides) > 1 else ""
        lines += [Line(f"{label}: {ln.text}" if label else ln.text, ln.chunks) for ln in found]
        answered.append(guide)
    if not lines:
        return None
    missing = (
        f"The {' and '.join(silent)} guide{'s' if len(silent) > 1 else ''} state{'' if len(silent) > 1 else 's'} no timeline."
        if silent
        else ""
    )
    return Exact(attribute, tuple(answered), tuple(lines), missing)


def _source_timeline(facts: list[Fact], named: set[str]) -> list[Line] | None:
    """The timeline a guide gives for the starting role the text names ("I'm a backend developer")."""
    lines = [
        Line(f"For a {s.name.text}, the guide gives a timeline of {s.timeline.text}.", (s.timeline.chunk,))
        for s in facts
        if isinstance(s, SourceRole) and s.timeline and named & set(listed_roles(s.name.text))
    ]
    return lines or None


def _source_gap(facts: dict[str, list[Fact]], named: set[str], terms: GuideTerms, text: str) -> Exact | None:
    """The gap a guide's source-role entry names for the starting role the asker names."""
    for guide in _guides(text, terms):
        for s in facts.get(guide, []):
            parts = set(listed_roles(s.name.text)) if isinstance(s, SourceRole) else set()
            if named & parts:
                said = [x for x in re.split(r"(?<=\.)\s+", s.detail.text) if re.search(r"\bgaps?\b", x, re.I)]
                if len(said) == 1:
                    line = Line(
                        f"For a {s.name.text}, the guide says: {said[0].rstrip('.')}.", (s.detail.chunk,)
                    )
                    return Exact("gap", (guide,), (line,))
    return None


def _list(question: str, facts: dict[str, list[Fact]], terms: GuideTerms, text: str) -> Exact | None:
    """A list the guide gives, asked for by its heading's words ("what will I love", "interview
    tips", "this week"): every word of one heading is in the question, and one guide has it."""
    asked = set(tokenize(terms.plain(question)))
    guides = _guides(text or question, terms, loose=True)
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
    lines = [Line(f"The guide lists these under {where}.", (items[0].text.chunk,))]
    lines += [Line(f"{i.text.text.rstrip('.')}.", (i.text.chunk,)) for i in items]
    return Exact("list", (guide,), tuple(lines))


def _guides(question: str, terms: GuideTerms, loose: bool = False) -> list[str]:
    """The guides the question settles on: the ones it could mean, or the one whose move it names."""
    meant = meant_guides(question, terms)
    if meant:
        return meant
    named = {role for role, _ in terms.roles_in(question)}
    moves = [g for g, (start, end, _) in sorted(terms.guide_roles.items()) if start in named and end in named]
    if loose and not moves:  # a role alone names the guides that lead to it ("being an ML engineer")
        moves = [g for g, (_, end, _) in sorted(terms.guide_roles.items()) if end in named]
    return moves if len(moves) == 1 else []


def _names_an_item(question: str, facts: list[Fact], terms: GuideTerms) -> bool:
    """The question names something inside the guide (a skill, a phase, a story, a list), so it
    is about that item, not the move as a whole: "How many weeks for PyTorch?" is not asking
    for the move's timeline. Read off the guide's own item names; role names and the words
    for a move don't count."""
    plain = terms.plain(question)
    for _, (start, end) in sorted(terms.roles_in(question), key=lambda r: -r[1][0]):
        plain = plain[:start] + " " + plain[end:]
    plain = re.sub(rf"\b{PATH_WORD}\b", " ", plain)
    asked = set(tokenize(plain))
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
    return bool(asked & (names - roles - set(tokenize(" ".join(ATTRIBUTES.values()).replace("|", " ")))))


def _label(facts: list[Fact]) -> str:
    t = next(f for f in facts if isinstance(f, Transition))
    return f"{t.from_role} → {t.to_role}" if t.from_role else f"{t.to_role} path"


def _answer(attribute: str, number: re.Match | None, facts: list[Fact], overview: str) -> list[Line] | None:
    transition = next((f for f in facts if isinstance(f, Transition)), None)
    phases = [f for f in facts if isinstance(f, Phase)]
    if transition is None:
        return None
    if attribute == "timeline":
        return _timeline(transition, phases, overview)
    if attribute in ("difficulty", "salary_change"):
        value = getattr(transition, attribute)
        if value is None:
            return None
        what = "rates the difficulty as" if attribute == "difficulty" else "gives a salary change of"
        lines = [Line(f"The guide {what} {value.text}.", (value.chunk,))]
        if attribute == "salary_change":  # the same change stated again, differently, elsewhere
            lines += [
                Line(f"Elsewhere it gives a {p.amount.text} {p.label.text}.", (p.amount.chunk,))
                for p in facts
                if isinstance(p, PayFigure) and p.amount.text.endswith("%") and p.amount.text != value.text
            ]
        return lines
    if not phases or not overview:
        return None
    if attribute == "phases":
        head = Line(f"The roadmap has {len(phases)} phases.", (overview,))
        return [head, *(_phase_line(p, overview) for p in phases)]
    if attribute in ("longest", "shortest"):
        weeks = {p.number: _weeks(p) for p in phases}
        if None in weeks.values():
            return None
        best = (max if attribute == "longest" else min)(weeks.values())
        chosen = [p for p in phases if weeks[p.number] == best]
        names = " and ".join(f"Phase {p.number}: {p.title.text}" for p in chosen)
        if len(chosen) > 1:
            return [Line(f"The {attribute} phases, at {best} weeks each, are {names}.", (overview,))]
        return [Line(f"The {attribute} phase is {names}, at {best} weeks.", (overview,))]
    word = number.group(1) or number.group(2)
    n = int(word[0]) if word[0].isdigit() else NUMBER_WORDS[word]
    n = len(phases) if n == -1 else n
    phase = next((p for p in phases if p.number == n), None)
    if phase is None:
        return None
    if attribute == "phase_timeline":
        return [_phase_line(phase, overview)] if phase.duration else None
    if not phase.tasks:
        return None
    return [Line(f"Phase {n} is {phase.title.text}; its tasks follow.", (phase.title.chunk,))] + [
        Line(f"{t.text}.", (t.chunk,)) for t in phase.tasks
    ]


def _timeline(t: Transition, phases: list[Phase], overview: str) -> list[Line] | None:
    lines = []
    if t.timeline:
        lines.append(Line(f"The guide gives a timeline of {t.timeline.text}.", (t.timeline.chunk,)))
    if t.headline_duration:
        lines.append(
            Line(
                f'Its title calls it a "{t.headline_duration.text}" transition.', (t.headline_duration.chunk,)
            )
        )
    weeks = [p.duration.text for p in phases if p.duration]
    if overview and weeks and len(weeks) == len(phases):
        listed = f"{', '.join(weeks[:-1])} and {weeks[-1]}" if len(weeks) > 1 else weeks[0]
        lines.append(Line(f"Its roadmap's {len(phases)} phases take {listed}.", (overview,)))
    return lines or None


def _phase_line(p: Phase, overview: str) -> Line:
    weeks = f", {p.duration.text}" if p.duration else ""
    return Line(f"Phase {p.number}: {p.title.text}{weeks}.", (overview,))


def _weeks(p: Phase) -> int | None:
    m = WEEKS.match(p.duration.text) if p.duration else None
    return int(m.group(1)) if m else None
