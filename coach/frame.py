"""What a question is about, read against the guides' facts: its frame.

A frame names the guides a question is about, the things inside them it names (a skill, a
phase, a certification, a starting role, a story), what it asks of them (weeks, priority,
cost, tasks ...) and how (the value, a list, the largest or smallest, two side by side). The
vocabulary of things is the facts' own names; what is asked comes from a small general
lexicon of attributes below. A follow-up fills what it lacks from the frame of the turn before
it: "which one is the longest?" ranks the phases just listed, "what resources does it list?"
asks about the phase just named, "and for the architect move?" asks the same of another guide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from coach.facts import (
    Audience,
    Certification,
    DestinationRole,
    Fact,
    Faq,
    InterviewQuestion,
    Item,
    PayFigure,
    Phase,
    RoadmapNote,
    Skill,
    SourceRole,
    Story,
    Tally,
    Transition,
)
from coach.layout import layout
from coach.lexical import tokenize
from coach.lexicon import lexicon
from coach.terms import NAME_RUN, GuideTerms, listed_roles, meant_guides, without_names

# What a question can ask of a thing inside a guide, in the words people use (`lexicon.toml`'s
# [asks]), and the field of each kind of fact that states it.
ATTRIBUTE_WORDS = lexicon().asks
FIELDS: dict[str, dict[type, str]] = {
    "duration": {Skill: "duration", Phase: "duration", SourceRole: "timeline"},
    "priority": {Skill: "priority"},
    "level": {Skill: "level"},
    "resources": {Phase: "resources", Skill: "detail"},
    "tasks": {Phase: "tasks"},
    "cost": {Certification: "cost"},
    "purpose": {Certification: "purpose"},
    "pay": {DestinationRole: "pay"},
    "age": {Story: "age"},
}
LABELS = {"duration": "weeks", "resources": "resources", "tasks": "tasks", "pay": "pay", "age": "age"}
# The largest or smallest of something: (attribute, direction, words).
EXTREMES = lexicon().extremes
COMPARE = re.compile(r"\b(?:compare\w*|comparison|versus|vs|difference|side by side)\b")
# The kinds of thing a question can ask for as a whole ("which certifications ..."), by the name
# `lexicon.toml`'s [kinds] gives their words under.
KIND_NAMES: dict[type, str] = {
    Skill: "skill",
    Phase: "phase",
    Certification: "certification",
    SourceRole: "starting role",
    DestinationRole: "next role",
    Story: "story",
    InterviewQuestion: "interview question",
}
KINDS: dict[type, str] = {kind: lexicon().kinds[name] for kind, name in KIND_NAMES.items()}
TIE_ORDER = (Skill, Certification, SourceRole, DestinationRole, Phase, Story, InterviewQuestion)
NAMED_KINDS = (Skill, Phase, Certification, DestinationRole)  # things named by their own names' words
# Words that point back to the thing(s) the previous turn was about.
ONE = re.compile(r"\b(?:it|its|that one|this one|that|this|the (?:phase|stage|skill|certification|role))\b")
MANY = re.compile(r"\b(?:those|these|they|them|their|which one|which of|of the)\b")
OPENER = re.compile(r"^(?:and|but|so|also|then|ok(?:ay)?|what about|how about)\b[\s,]*")
NUMBERED_PHASE = re.compile(
    r"\b(?:phase|stage|step)\s+(\d{1,2}|one|two|three|four|five|six)\b"
    r"|\b(first|second|third|fourth|fifth|sixth|last|final|[1-6](?:st|nd|rd|th))\s+(?:phase|stage|step|one)\b"
)
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "first": 1, "second": 2}
NUMBER_WORDS |= {"third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "last": -1, "final": -1}
# Words that say what is asked, not which thing: never read as part of a thing's name.
ASKING = set(lexicon().asking) | set(
    tokenize("learn learning need needs guide list lists give gives expect expects one")
)


@dataclass(frozen=True)
class Frame:
    """What one turn was about; the next turn's follow-up is read against it."""

    guides: tuple[str, ...] = ()
    entities: tuple[Fact, ...] = ()  # the things inside the guides it was about (none: the move)
    attribute: str = ""  # what was asked of them ("" : the things themselves)
    operation: str = "value"  # value | list | max | min | compare
    # A plan the turn made: the hours a week and the first day it was made for ("what's in week 5?").
    plan_hours: float | None = None
    plan_start: date | None = None

    def about(self, labels: dict[str, str]) -> str:
        """ "Backend Developer → Deep Learning Engineer · Deep Learning Frameworks (PyTorch) · weeks"."""
        return " · ".join(p for p in [" / ".join(labels.get(g, g) for g in self.guides), *self.named()] if p)

    def named(self) -> list[str]:
        """The things it was about and what was asked of them, as shown: ["Deep Learning
        Frameworks (PyTorch)", "weeks"] (empty parts left out)."""
        names = [name_of(e) for e in self.entities]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        what = " and ".join(LABELS.get(a, a.replace("_", " ")) for a in self.attribute.split("+") if a)
        return [p for p in (shown, what) if p]


@dataclass
class Asked:
    """What the question's own words say, before the previous turn fills the gaps."""

    attributes: list[str] = field(default_factory=list)
    extreme: tuple[str, str] | None = None  # (attribute, "max" | "min")
    compare: bool = False
    kind: type | None = None
    filters: list[str] = field(default_factory=list)  # categorical values named: "critical"
    phase: int | None = None  # a phase asked for by its number; -1: the last
    back: str = ""  # "one" | "many": it points back to the previous turn's things
    more: bool = False  # it asks a second thing ("... and how important is it?")
    excluded: list[str] = field(default_factory=list)  # categories ruled out: "not critical"
    phases: int = 0  # how many different phases it names by number, when more than one
    opener: bool = False  # it opens like a follow-up ("and ...", "what about ...")


def name_of(f: Fact) -> str:
    if isinstance(f, Phase):
        return f"Phase {f.number}: {f.title.text}"
    if isinstance(f, Story):
        return f.person.text if f.person else f.title.text
    if isinstance(f, Transition):
        return f"{f.from_role} → {f.to_role}" if f.from_role else f"{f.to_role} path"
    if isinstance(f, Item):
        return (f.name or f.text).text
    if isinstance(f, InterviewQuestion):
        return f.question.text
    if isinstance(f, PayFigure):
        return f.label.text
    if isinstance(f, Faq):
        return (f.question or f.answer).text
    if isinstance(f, Audience | RoadmapNote):
        return f.section
    if isinstance(f, Tally):
        return f.text.text
    return f.name.text  # type: ignore[union-attr]


def field_of(f: Fact, attribute: str):
    """The value(s) a fact states for an attribute: a Value, a tuple of them, or None."""
    name = FIELDS.get(attribute, {}).get(type(f))
    return getattr(f, name) if name else None


def read_asked(question: str, terms: GuideTerms) -> Asked:
    plain = terms.plain(question).strip()
    asked = Asked(opener=bool(OPENER.match(plain)))
    unrole = without_names(question, terms)
    asked.extreme = next(((a, d) for a, d, words in EXTREMES if re.search(rf"\b(?:{words})\b", unrole)), None)
    asked.compare = bool(COMPARE.search(unrole))
    asked.attributes = [a for a, words in ATTRIBUTE_WORDS.items() if re.search(rf"\b(?:{words})\b", unrole)]
    found = sorted(
        (m.start(), m.end(), k)
        for k, words in KINDS.items()
        for m in re.finditer(rf"\b(?:{words})\b", unrole)
    )
    # The head of "the cloud and production skills phase" is "phase": of two kind words side by
    # side, the second.
    heads = [
        k
        for i, (_, end, k) in enumerate(found)
        if not (i + 1 < len(found) and not unrole[end : found[i + 1][0]].strip())
    ]
    asked.kind = heads[0] if heads else None
    data = layout()
    values = [v.lower() for v in (*data.sections.priorities, *sorted(data.sections.levels))]
    # A category named is a filter ("the critical skills"), not when it is what is asked ("how
    # important", "the most important"); "not critical" keeps the others.
    said = [
        (v, m)
        for v in values
        for m in re.finditer(rf"(?<!how )(?<!most )(?<!least )\b{re.escape(v)}\b", unrole)
    ]
    asked.excluded = [
        v for v, m in said if re.search(r"\b(?:not|non|except|but not)\W*$", unrole[: m.start()])
    ]
    asked.filters = [v for v, _ in said if v not in asked.excluded]
    numbers = NUMBERED_PHASE.findall(unrole)
    if len({a or b for a, b in numbers}) > 1:
        asked.phases = len(numbers)  # "phase 2 ... and phase 3": more than one phase
    number = NUMBERED_PHASE.search(unrole)
    if number:
        word = number.group(1) or number.group(2)
        asked.phase = int(word[0]) if word[0].isdigit() else NUMBER_WORDS[word]
    asked.back = "many" if MANY.search(unrole) else "one" if ONE.search(unrole) else ""
    return asked


def named_things(
    question: str, facts: list[Fact], terms: GuideTerms, asked: Asked, text: str = ""
) -> list[Fact]:
    """The things inside one guide that the question names: by their own names' words (a
    skill, a certification, a destination role), by the role names it or the asker's
    self-description (`text`) uses (a starting role), by a person's name (a story) or by number
    (a phase). The best-matched kind only; for a comparison or an extreme, every one of it."""
    plain = terms.plain(question)
    words = (set(tokenize(without_names(question, terms))) | _long_names(question, terms)) - ASKING
    named_roles = {role for role, _ in terms.roles_in(text or question)}
    # The words of the guide's own move ("deep learning" in a backend-to-deep-learning guide) say
    # which guide, not which thing in it.
    move = next((f for f in facts if isinstance(f, Transition)), None)
    role_words = set(tokenize(f"{move.from_role} {move.to_role}")) if move else set()
    names = {id(f): _name_words(f) for f in facts if isinstance(f, NAMED_KINDS)}
    words = _unclipped(words, set().union(*names.values()), set(tokenize(" ".join(terms.job_heads))))
    scored: list[tuple[int, Fact]] = []
    whole: set[int] = set()  # things most of whose own name words the question uses
    for f in facts:
        if isinstance(f, SourceRole):
            score = 3 * len(named_roles & set(listed_roles(f.name.text)))
        elif isinstance(f, Phase) and asked.phase is not None:
            last = max(p.number for p in facts if isinstance(p, Phase))
            score = 3 if f.number == (last if asked.phase == -1 else asked.phase) else 0
        elif isinstance(f, Story):
            score = 3 * bool(f.person and f.person.text.lower() in words | set(plain.split()))
        elif isinstance(f, NAMED_KINDS):
            own = names[id(f)] - role_words - ASKING
            score = len(own & words)
            if own and 4 * score >= 3 * len(own):
                whole.add(id(f))
        else:
            continue
        if score:
            scored.append((score, f))
    if not scored:
        return []
    # Words of the question that are in neither the matched names nor the guide's headings say
    # it is about something else ("Google's interview process, round by round" is not the
    # roadmap's interview phase): more than one, and nothing counts as named.
    matched = set().union(*(_name_words(f) for _, f in scored))
    headings = {t for f in facts for t in tokenize(getattr(f, "section", ""))}
    stray = {w for w in words - matched - headings if not w.isdigit() and w not in NUMBER_WORDS}
    if len(stray) > 1:
        return []
    if asked.kind is not None:  # "the cloud phase": only a phase counts as named
        scored = [(s, f) for s, f in scored if isinstance(f, asked.kind)]
        if not scored:
            return []
    best = max(s for s, _ in scored)
    # A comparison or an extreme names each thing it compares ("the TensorFlow certificate or the
    # Google one"): every thing named nearly whole counts, not only the best matched.
    top = [f for s, f in scored if s == best or ((asked.extreme or asked.compare) and id(f) in whole)]
    kinds = [k for k in TIE_ORDER if any(isinstance(f, k) for f in top)]
    return [f for f in top if isinstance(f, kinds[0])]


def _unclipped(words: set[str], names: set[str], roles: set[str]) -> set[str]:
    """The question's words with each clipped form read as the things' name words it stands for
    ("math" for "mathematics"): a word of 4+ letters that no name uses whole, and no word a role
    ends in (`roles`: "architect" is no clipped "architecture"), stands for the name words it
    starts that are longer by half at least ("line" is no clipped "linear")."""
    out = set(words)
    for word in words - names - roles:
        longer = {n for n in names if 5 * len(word) <= 3 * len(n) and n.startswith(word)}
        if len(word) >= 4 and word.isalpha() and longer:
            out = (out - {word}) | longer
    return out


def _name_words(f: Fact) -> set[str]:
    """A thing's name as words, read as the question is ("ML" as "machine learning")."""
    if isinstance(f, Story):
        name = f"{f.title.text} {f.person.text if f.person else ''}"
    else:
        name = f.title.text if isinstance(f, Phase) else name_of(f)
    return set(tokenize(layout().plain(name)))


def kind_set(facts: list[Fact], kind: type, question: str, terms: GuideTerms) -> list[Fact]:
    """All things of one kind in a guide; for skills, the list whose heading the question's
    words pick ("transferable"), else the lists that state priorities, weeks or levels."""
    found = [f for f in facts if isinstance(f, kind)]
    if kind is not Skill:
        return found
    words = set(tokenize(terms.plain(question))) - set(tokenize("skills you your"))
    heads = {f.list for f in found}
    picked = {h for h in heads if words & (set(tokenize(h)) - set(tokenize("skills you your need")))}
    if not picked:
        picked = {f.list for f in found if f.priority or f.duration or f.level}
    return [f for f in found if f.list in picked]


def settled_guides(text: str, terms: GuideTerms, loose: bool = False) -> list[str]:
    """The guides the text settles on: the ones it could mean, or the one whose move it names."""
    meant = meant_guides(text, terms)
    if meant:
        return meant
    named = {role for role, _ in terms.roles_in(text)}
    moves = [g for g, (start, end, _) in sorted(terms.guide_roles.items()) if start in named and end in named]
    if loose and not moves:  # a role alone names the guides that lead to it ("being an ML engineer")
        moves = [g for g, (_, end, _) in sorted(terms.guide_roles.items()) if end in named]
    if not named:  # no role: a heading only one guide has names it ("the skills checklist")
        moves = terms.headed_by(text)
    return moves if len(moves) == 1 else []


def two_moves(text: str, terms: GuideTerms) -> list[str]:
    """The guides of two moves a comparison names ("backend to deep learning, or deep learning to
    AI architect"): each named by its start and end roles, in the order the text names them."""
    found = sorted(terms.roles_in(text), key=lambda r: r[1][0])
    moves: list[str] = []
    for (a, _), (b, _) in zip(found, found[1:], strict=False):
        for g, (start, end, _) in sorted(terms.guide_roles.items()):
            if (start, end) == (a, b) and g not in moves:
                moves.append(g)
    return moves if len(moves) >= 2 else []


def _long_names(text: str, terms: GuideTerms) -> set[str]:
    """The words of the longer names the guides use that have a role's name inside ("the Google
    Professional Machine Learning Engineer certification"), which `GuideTerms.plain` blanks."""
    plain = terms.plain(text)
    return {
        t
        for m in NAME_RUN.finditer(text)
        if plain[m.start() : m.end()].strip("_") == ""
        for t in tokenize(layout().plain(m.group(0)))
    }


def loose_frame(
    question: str,
    facts: dict[str, list[Fact]],
    terms: GuideTerms,
    text: str,
    state: Frame | None,
    cited: set[str],
) -> Frame | None:
    """The frame a turn the model answered leaves for the next: the guide it settled on (or the
    one guide its answer cites, or the previous turn's) and the things it named there."""
    guides = settled_guides(text or question, terms, loose=True)
    if not guides and len(cited) == 1:
        guides = sorted(cited)
    if not guides and state is not None:
        guides = list(state.guides)
    if len(guides) != 1:
        return Frame(tuple(guides)) if guides else None
    asked = read_asked(question, terms)
    things = named_things(question, facts.get(guides[0], []), terms, asked)
    kinds = {type(t) for t in things}
    attribute = next((a for a in asked.attributes if things and kinds <= set(FIELDS.get(a, {}))), "")
    return Frame((guides[0],), tuple(things), attribute)


def unnamed_modifier(question: str, facts: list[Fact], terms: GuideTerms, asked: Asked) -> bool:
    """The question names a thing of the kind it asks about by a word ("the security phase")
    that is in no such thing's name or heading, nor says what is asked ("the longest phase",
    "the critical skills", "the bridge certifications")."""
    if asked.kind is None:
        return False
    unrole = without_names(question, terms)
    before = re.findall(rf"\b([a-z][\w'-]*)\s+(?:{KINDS[asked.kind]})\b", unrole)
    known = set(ASKING) | set(tokenize(" ".join(asked.filters)))
    known |= set(tokenize(" ".join(terms.job_heads)))  # "the architect skills": whose, not which
    for f in facts:
        if isinstance(f, asked.kind):
            known |= _name_words(f) | set(tokenize(layout().plain(f.section)))
            known |= set(tokenize(getattr(f, "category", "") or ""))  # "the leadership interview questions"
    return any(set(tokenize(word)) - known for word in before)
