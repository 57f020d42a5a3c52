"""Read a question into a typed request without the model: the moves from the roles it names
(the layout's names for them), the asker's own role from the roles the guides list as where a
move starts, the list it is about by meaning (the embedder, against the guides' own headings),
and the operation from the few English phrases in `lexicon.toml`.

It reads only what it can compute an answer to: what the asker lacks, which move their role
fits, a plan in their hours or their months, a roadmap's total, a list's count or its largest
or smallest entry, and moves side by side. Anything else reads as None, and the question goes on
to the other readers. A guide added in the same layout is read with no code change: its roles,
headings and entries come from its facts.

Not here: answering the request (`coach.operations`), reading by the model (`coach.reader`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields
from typing import TYPE_CHECKING

import numpy as np

from coach.facts import (
    Audience,
    Certification,
    DestinationRole,
    Fact,
    Faq,
    InterviewQuestion,
    Phase,
    RoadmapNote,
    SourceRole,
    Story,
    Tally,
    Transition,
    Value,
)
from coach.layout import layout
from coach.lexical import tokenize
from coach.lexicon import Lexicon, lexicon
from coach.reader import MOVE_FACTS, Catalog, Request, Topic
from coach.records import Chunk
from coach.terms import GuideTerms, without_names
from coach.verify import SENTENCE_END, quantities_in

if TYPE_CHECKING:
    from coach.frame import Asked

# How near the question a list's heading must be, by meaning, for the question to be about it
# (cosine of the embedder's vectors; chosen on the golden set's dev half).
NEAR = 0.35
# What the asker lacks is read from the list of what to learn: of the move's lists whose heading
# is near TO_LEARN by meaning, the one nearer it than to HAVE (what the asker brings) by most.
TO_LEARN = "the skills and gaps you need to learn"
HAVE = "the skills you have that transfer"
# How much nearer one of the two a heading must be to hold that kind (measured on the five guides'
# headings: the lists of what to learn and of what transfers are 0.24 to 0.35 nearer their own;
# every other heading 0.11 or less, or near neither).
HOLDS = 0.2
# How near two spans of time must be to be the same span: three months (13.0 weeks) and 90 days
# (12.9) are; four weeks and a month (4.3) are not.
SAME_SPAN = 0.05
# The frame's attributes that are figures ("how long", "how much", "salary"); the others ("where
# does Seldon show up", "what's it for") ask what the guides say of a thing.
FIGURES = {"duration", "cost", "pay", "age"}
# The operations that work a figure out ("how many tracks ...?"): not what is said of a term.
COUNTED = ("count", "total", "largest", "smallest", "compare")
# A run of words the guides write in at most this many places names one thing ("feature stores",
# "Seldon"); a run found in more is a common word of theirs, which names nothing in particular.
MENTIONS = 4

# The entries a question can name by their own names and be answered with whole: the roles a path
# leads on to (their pay and what they require) and certifications (their cost and purpose). A
# starting role is named mostly as who the asker is, and asked of for something else ("a data
# scientist's salary"), so it is not one.
NAMED = (DestinationRole, Certification)

# The fields of a fact that hold a figure of each kind a question can ask for: a certification's
# cost and a role's pay are stated figures even where the guide writes them in words ("Varies
# widely").
FIGURE_FIELDS = {
    "money": ("cost", "pay", "amount", "salary_change"),
    "duration": ("duration", "timeline", "headline_duration"),
    "percent": (),
}
# The kinds of entry a question can put side by side, by the value their figure is: a starting
# role's timeline, a next role's pay, a certification's cost.
COMPARED: dict[type, tuple[str, ...]] = {
    SourceRole: ("timeline",),
    DestinationRole: ("salary change", "pay"),
    Certification: ("cost",),
}
# What the guides write as a name in running text: a quoted title ('MLOps Zoomcamp') and a word
# with two capitals or more (MBA, PyTorch, SageMaker).
QUOTED = re.compile(r"(?<!\w)['\"‘“]([^'\"’”\n]{3,60}?)['\"’”](?!\w)")
CAPITALS = re.compile(r"\b[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*\b")

Embed = Callable[[list[str]], Sequence[np.ndarray]]


def _number(word: str, words: Lexicon) -> float | None:
    try:
        return float(word)
    except ValueError:
        return float(words.numbers[word]) if word in words.numbers else None


def hours_per_week(plain: str, words: Lexicon) -> float | None:
    """The hours a week the asker gives ("10 hours a week", "about five hours per week")."""
    for m in words.hours.finditer(plain):
        before = plain[: m.start()].split()
        if before and (n := _number(before[-1].rstrip("~"), words)) is not None:
            return n
    return None


def span_weeks(plain: str, words: Lexicon) -> tuple[float, str] | None:
    """The span of time the asker names ("a 3 month plan", "in six weeks") in weeks, with their words."""
    for m in re.finditer(r"(?=(?<![\w.])([\w.]+)[\s-]+(\w+))", plain):
        n, unit = _number(m.group(1), words), m.group(2)
        if n is not None and words.units.get(unit):
            unit = unit if unit.endswith("s") or n == 1 else f"{unit}s"
            return n * words.units[unit], f"{m.group(1)} {unit}"
    return None


def named_span(plain: str, words: Lexicon) -> float | None:
    """A span of time a text names, in weeks: with a number ("the next three months", "Next 90
    Days") or as one unit ("this week", "my first month")."""
    span = span_weeks(plain, words)
    if span is not None:
        return span[0]
    one = next((m for m in words.one_unit.finditer(plain) if words.units.get(m.group(1))), None)
    return words.units[one.group(1)] if one else None


def _after(pattern: re.Pattern[str], plain: str) -> list[str]:
    """The clause after each phrase of `pattern`, up to the sentence's end."""
    return [
        re.split(r"[.?!;]| (?:what|which|how|and i|but|so|to become|to get)\b", plain[m.end() :])[0]
        for m in pattern.finditer(plain)
    ]


def said_role(plain: str, words: Lexicon) -> str:
    """The role the asker says they are, in their words ("ux designer" in "I'm a UX designer with ...")."""
    for said in _after(words.role, plain):
        kept: list[str] = []
        for word in re.split(r"[\s,]+", said.strip()):
            if not word or word in words.role_ends or len(kept) == 4:
                break
            kept.append(word)
        if kept:
            return " ".join(kept)
    return ""


def current_role(plain: str, roles: Sequence[str], terms: GuideTerms, words: Lexicon) -> str:
    """The role the guides name that the asker says they are ("I'm a backend dev"): a role a move
    starts from, or one a guide's path leads to (for where it goes next)."""
    for said in _after(words.role, plain):
        said = " ".join(said.split()[:6])
        for role in roles:
            names = [layout().plain(part.strip()) for part in role.split("/")]
            if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", said) for n in names if n):
                return role
        named = [r for r, _ in terms.roles_in(said)]
        match = [r for r in roles if r in named]
        if match:
            return match[0]
    return ""


def has_skills(plain: str, words: Lexicon) -> tuple[str, ...]:
    """What the asker says they already know or have ("Python, SQL and Docker")."""
    found: list[str] = []
    for said in _after(words.skills, plain):
        parts = re.split(r",|\band\b|\bplus\b|&", said.replace(" already ", " "))
        found += [p.strip(" '\"") for p in parts if p.strip(" '\"")]
    return tuple(dict.fromkeys(found))


class MeaningReader:
    """Reads questions against one catalog; the headings' vectors are computed once."""

    def __init__(
        self,
        catalog: Catalog,
        facts: dict[str, list[Fact]],
        terms: GuideTerms,
        embed: Embed,
        passages: Sequence[Chunk] = (),
    ):
        """passages: the guides' chunks, whose prose states figures the facts don't hold."""
        self.catalog, self.facts, self.terms, self.embed = catalog, facts, terms, embed
        self.passages = passages
        self.words = lexicon()
        # The roles an asker can say they are: where a move starts, where a path leads from, and
        # those a path's prose says it is for.
        ends = [name_of_target(found) for found in facts.values()]
        heard = [r for roles in self._audience.values() for r in roles]
        self.roles = tuple(dict.fromkeys([*catalog.roles, *(e for e in ends if e), *heard]))

    @functools.cached_property
    def _audience(self) -> dict[str, dict[str, Audience]]:
        """By guide, the roles its prose says the path is for (the layout's role names), each with
        the passage that says so."""
        out: dict[str, dict[str, Audience]] = {}
        for guide, found in self.facts.items():
            for f in found:
                if isinstance(f, Audience):
                    for role, _ in self.terms.roles_in(f.text.text):
                        out.setdefault(guide, {}).setdefault(role, f)
        return out

    @functools.cached_property
    def _vectors(self) -> dict[str, np.ndarray]:
        names = [*self.catalog.topic_names, TO_LEARN, HAVE]
        return dict(zip(names, (_unit(v) for v in self.embed(names)), strict=True))

    def read(self, text: str) -> Request | None:
        """The request a question makes, when it asks for one of the computed operations."""
        unstated = self._unstated(text)
        if unstated is not None:
            return unstated
        corrected = layout().plain(self.terms.corrected(text))
        absent = self._absent_phase(text)
        if absent is not None:
            return absent
        after = self._after_named(text, corrected)
        if after is not None:
            return after
        plain = layout().plain(text)
        operation = next((op for op, pattern in self.words.operations if pattern.search(plain)), "")
        hours = hours_per_week(plain, self.words)
        role = self._asker_role(plain)
        skills = has_skills(plain, self.words)
        counted = re.search(r"\bhow many (\w+)", plain)
        said_total = operation == "total"
        duration = re.search(r"\bhow long\b", plain) or (counted and counted.group(1) in self.words.units)
        if operation in ("", "total", "count") and duration:
            # A duration asked of the roadmap as a whole (no phase of it named) is its total.
            whole = "roadmap" in plain and not re.search(r"\bphases?\b", plain)
            operation = "total" if whole or said_total else ""
        if hours and operation in ("", "total", "first"):
            operation = "plan"  # in the asker's hours, the plan (which starts where they start)
        compared = next((v for v, pattern in self.words.compare_by if pattern.search(plain)), "")
        if compared and operation in ("", "compare") and " or " in f" {plain} ":
            operation = "compare"
        if operation == "fit" and not role:
            return self._unlisted(text, plain)
        if not operation:
            return (
                self._by_kind(text, corrected)
                or self._by_span(text, corrected)
                or self._named(text, corrected)
                or self._phase_whole(text)
                or self._phase_holding(text, corrected)
            )
        guides = self._guides(text, operation, role)
        tallied = self._tallied(corrected, guides) if operation == "count" else ()
        if tallied:
            return Request(text, tuple(dict.fromkeys(t.guide for t in tallied)), "", "count", entries=tallied)
        if operation == "total" and not said_total and self._names_a_thing(text, guides):
            return None  # "how many weeks of math does the roadmap need?": that thing's weeks
        if operation == "compare" and len(guides) < 2:
            return self._side_by_side(text, compared)
        if not guides:
            return None
        topic = self._topic(text, operation, guides, compared, "roadmap" in plain)
        if topic is None:
            return None
        span = span_weeks(plain, self.words) if operation == "plan" and not hours else None
        if operation == "plan" and not hours and not span:
            return None
        return Request(
            text,
            guides,
            topic,
            operation,  # type: ignore[arg-type]
            hours,
            role,
            skills,
            span_weeks=span[0] if span else None,
            span_text=span[1] if span else "",
            # For a fit: the passages saying a path is for the asker's role.
            entries=tuple(self._audience[g][role] for g in guides if role in self._audience.get(g, {}))
            if operation == "fit"
            else (),
        )

    def _tallied(self, plain: str, guides: tuple[str, ...]) -> tuple[Tally, ...]:
        """The counts the guides state of themselves that a "how many" asks for, by the last word
        of what they count ("how many tracks and tutorials": "6 Tracks", "~32 Curated Tutorials")."""
        words = set(tokenize(plain))
        return tuple(
            f
            for g in guides
            for f in self.facts.get(g, [])
            if isinstance(f, Tally) and set(tokenize(f.noun)[-1:]) & words
        )

    def _names_a_thing(self, text: str, guides: tuple[str, ...]) -> bool:
        """The question names a thing inside the one guide it settles (a skill, a phase)."""
        from coach.frame import named_things, read_asked

        if len(guides) != 1:
            return False
        return bool(
            named_things(text, self.facts.get(guides[0], []), self.terms, read_asked(text, self.terms))
        )

    def own_move(self, text: str) -> Request | None:
        """A question from an asker who says where they start, about a move whose guide lists that
        start with what it takes ("I'm a data engineer. How do I become an AI engineer?", "data
        engineer here, what would I need to add to become an AI engineer and how long does it
        take?"): that guide's entry for their role. None when they say no role the guide lists, or
        the question asks a figure other than a time, a kind of thing, a ranking or a phase."""
        from coach.frame import read_asked

        role = self._asker_role(layout().plain(text))
        if not role:
            return None
        asked = read_asked(text, self.terms)
        if (
            set(asked.attributes) - {"duration", "tasks"}
            or asked.extreme
            or asked.compare
            or asked.kind
            or asked.phase is not None
        ):
            return None
        mine, named = role_names(role), {r for r, _ in self.terms.roles_in(text)}
        guides = tuple(
            g
            for g, (_, end, _) in sorted(self.terms.guide_roles.items())
            if end in named and not role_names(end) & mine and listed_starts(self.facts.get(g, []), mine)
        )
        return Request(text, guides, "starting roles", "fit", current_role=role) if len(guides) == 1 else None

    def _asker_role(self, plain: str) -> str:
        """The role the asker says they are: after "I'm a", or said beside the question."""
        return current_role(plain, self.roles, self.terms, self.words) or self.said_beside(plain)

    def said_beside(self, plain: str) -> str:
        """The asker's role, said in a sentence that asks nothing beside the question ("data
        engineer here, 5 years of Spark. what would I need to become an AI engineer?"): a role that
        a move whose end the text names starts from (as the role the asker can say they are);
        "" when there is none."""
        from coach.reading import asks

        sentences = [s for s in re.split(r"(?<=[.!;])\s+|\n+", plain) if s.strip()]
        if len(sentences) < 2:
            return ""
        named = {r for r, _ in self.terms.roles_in(plain)}
        targets = [g for g, (_, end, _) in sorted(self.terms.guide_roles.items()) if end in named]
        for sentence in sentences:
            if "?" in sentence or asks(sentence):
                continue
            for said, _ in self.terms.roles_in(sentence):
                mine = role_names(said)
                if any(
                    self._starts(g, mine) and not role_names(self.terms.guide_roles[g][1]) & mine
                    for g in targets
                ):
                    return next((r for r in self.roles if role_names(r) & mine), "")
        return ""

    def _starts(self, guide: str, mine: set[str]) -> bool:
        """The guide's move starts from one of these role names: its own start, or one it lists."""
        start = self.terms.guide_roles[guide][0]
        return bool(role_names(start) & mine) or bool(listed_starts(self.facts.get(guide, []), mine))

    def read_after(self, text: str, before: tuple[Fact, ...]) -> Request | None:
        """A follow-up asking for the phase after the one the previous turn was about (`before`:
        what that turn was about, from its frame)."""
        if len(before) != 1 or not isinstance(before[0], Phase):
            return None
        if not self.words.after.search(layout().plain(text)):
            return None
        phase = before[0]
        after = [
            f
            for f in self.facts.get(phase.guide, [])
            if isinstance(f, Phase) and f.number == phase.number + 1
        ]
        return (
            Request(text, (phase.guide,), "roadmap phases", "value", entries=tuple(after)) if after else None
        )

    def _absent_phase(self, text: str) -> Request | None:
        """A phase asked for by a number the one move the question settles doesn't have ("phase 7"
        of a five-phase roadmap, "phase 2" of a roadmap given in prose): said so, never filled in
        from the phases nearby."""
        numbered = self._numbered_phase(text)
        if numbered is None or numbered[2] < 1:
            return None
        _, guide, number = numbered
        facts = self.facts.get(guide, [])
        numbers = [f.number for f in facts if isinstance(f, Phase)]
        if numbers and number > max(numbers):
            return Request(text, (guide,), "roadmap phases", "count", absent_phase=number)
        if not numbers and any(isinstance(f, RoadmapNote) for f in facts):
            return Request(text, (guide,), "roadmap", "value", absent_phase=number)
        return None

    def _numbered_phase(self, text: str) -> tuple[Asked, str, int] | None:
        """What the question asks, the one move it settles and the phase's number (-1: the last),
        when it names one phase by its number ("phase 2", "the last phase")."""
        from coach.frame import read_asked, settled_guides

        asked = read_asked(text, self.terms)
        if asked.phase is None or asked.phases:
            return None
        guides = settled_guides(text, self.terms, loose=True)
        return (asked, guides[0], asked.phase) if len(guides) == 1 else None

    def _after_named(self, text: str, plain: str) -> Request | None:
        """The phase after one the question names, of the one move it settles ("what comes after
        phase 2 of the architect roadmap?", "what's after the production deployment and scaling
        phase?"): that phase. None when it names no one phase."""
        from coach.frame import named_things, read_asked, settled_guides

        said = self.words.after.search(plain)
        guides = settled_guides(text, self.terms, loose=True)
        if said is None or len(guides) != 1:
            return None
        rest = f"{plain[: said.start()]} {plain[said.end() :]}"  # the words for "after" name no phase
        asked, facts = read_asked(rest, self.terms), self.facts.get(guides[0], [])
        phases = [f for f in facts if isinstance(f, Phase)]
        if asked.phase is not None and phases:  # by its number ("phase 2", "the last phase")
            number = max(p.number for p in phases) if asked.phase == -1 else asked.phase
            phases = [p for p in phases if p.number == number]
        else:  # by its title's words ("the production deployment and scaling phase")
            phases = [f for f in named_things(rest, facts, self.terms, asked) if isinstance(f, Phase)]
        return self.read_after(text, (phases[0],)) if len(phases) == 1 else None

    def _phase_whole(self, text: str) -> Request | None:
        """A phase named by its number, of the one move the question settles, with nothing asked
        of it ("tell me about phase 2 of the AI architect roadmap"): that phase, whole."""
        numbered = self._numbered_phase(text)
        if numbered is None or numbered[0].attributes or numbered[0].filters:
            return None
        if self.words.after.search(layout().plain(text)):
            return None  # the one after it is asked ("what's after the last phase?")
        _, guide, number = numbered
        phases = [f for f in self.facts.get(guide, []) if isinstance(f, Phase)]
        number = max((p.number for p in phases), default=0) if number == -1 else number
        found = [p for p in phases if p.number == number]
        return Request(text, (guide,), "roadmap phases", "value", entries=tuple(found)) if found else None

    def _phase_holding(self, text: str, plain: str) -> Request | None:
        """Which phase of the one roadmap the question settles holds what it names ("which phase
        is the cloud certification in?", asked in so many words): the phase whose title and tasks hold the most of the
        question's words, each counting less the more phases hold it. None when a phase is named
        by number, a figure is asked, no word is in fewer than half the phases, or phases tie."""
        from coach.frame import ASKING, read_asked, settled_guides

        asked = read_asked(text, self.terms)
        if (
            asked.kind is not Phase
            or asked.phase is not None
            or set(asked.attributes) - {"tasks"}
            or asked.extreme
        ):
            return None
        if not re.search(rf"\b(?:which|what)\s+(?:{self.words.kinds['phase']})\b", plain):
            return None  # "which phase ...", not "what resources does the ... phase list"
        guides = settled_guides(text, self.terms, loose=True)
        phases = [f for g in guides[:1] for f in self.facts.get(g, []) if isinstance(f, Phase)]
        if len(guides) != 1 or len(phases) < 2:
            return None
        # The words for kinds of thing other than a phase name what the phase holds ("the cloud
        # certification"); the other words of asking do not.
        kinds = self.words.kind_words
        things = set().union(*(v for k, v in kinds.items() if k != "phase"))
        words = set(tokenize(without_names(plain, self.terms))) - (ASKING - things) - kinds["phase"]
        held = [set(tokenize(" ".join([p.title.text, *(t.text for t in p.tasks)]))) for p in phases]
        weight = {w: sum(w in h for h in held) for w in words}
        scores = [sum(1 / weight[w] for w in words & h if 2 * weight[w] < len(phases)) for h in held]
        best = max(scores)
        if best <= 0 or scores.count(best) > 1:
            return None
        return Request(text, guides, "roadmap phases", "value", entries=(phases[scores.index(best)],))

    def _named(self, text: str, plain: str) -> Request | None:
        """A question naming one of the guides' listed roles or certifications by its own name
        ("What does an AI research scientist earn?"): that entry, whole. A name that is a move's
        role (the layout's) names the move, not the entry."""
        from coach.frame import settled_guides
        from coach.reading import nouns_in

        moves = {r for start, end, _ in self.terms.guide_roles.values() for r in (start, end) if r}
        found = []
        for facts in self.facts.values():
            for f in facts:
                if not isinstance(f, NAMED):
                    continue
                parts = [layout().plain(p.strip()) for p in f.name.text.split("/") if p.strip()]
                if any(p in {layout().plain(m) for m in moves} for p in parts):
                    continue
                if any(re.search(rf"(?<!\w){re.escape(p)}s?(?!\w)", plain) for p in parts if len(p) > 3):
                    found.append(f)
        if len(found) != 1:
            return None
        # The roles named outside the entry's own name say which move is meant ("machine learning
        # engineer" in "Google Professional Machine Learning Engineer" names no move).
        (entry,) = found
        spelled = "|".join(re.escape(p.strip()) for p in entry.name.text.split("/") if p.strip())  # type: ignore[union-attr]
        rest = re.sub(rf"(?i)(?<!\w)(?:{spelled})s?(?!\w)", " ", self.terms.corrected(text))
        settled = settled_guides(rest, self.terms, loose=True)
        if settled and entry.guide not in settled:  # type: ignore[union-attr]
            return None
        # A question asking of the entry what no guide speaks of ("does it sponsor visas?") is not
        # answered with the entry whole.
        if any(not self.terms.known(w) for w in nouns_in(rest)):
            return None
        return Request(text, (entry.guide,), "", "value", entries=(entry,))  # type: ignore[union-attr]

    def mentioned(self, text: str, only: str | None = None) -> Request | None:
        """A question about a term the guides write in a few places only ("what does the architect
        path say about feature stores?", "seldon - where does that show up?"): those places.

        The terms are the longest runs of the question's own words (its roles left out, compared
        stem by stem) that hold a word found in at most MENTIONS of the guides' passages and that
        their values hold in one to MENTIONS places; in the guide the question settles, or `only`,
        where it settles one. None when no run is such a term, when
        the terms hold more places than that together, when the question asks a figure, a kind of
        thing or a ranking (the frame's words for them), or when it also names a thing no guide
        speaks of ("does Anthropic sponsor visas?")."""
        from coach.frame import ATTRIBUTE_WORDS, read_asked, settled_guides
        from coach.reading import nouns_in

        asked = read_asked(text, self.terms)
        plain = layout().plain(text)
        counted = any(p.search(plain) for op, p in self.words.operations if op in COUNTED)
        if set(asked.attributes) & FIGURES or counted or asked.extreme or asked.compare or asked.kind:
            return None  # it asks a figure, a kind of thing or a ranking: not what is said of a term
        if any(not self.terms.known(w) for w in nouns_in(text)):
            return None
        guides = (only,) if only else tuple(settled_guides(text, self.terms, loose=True))
        words = tokenize(self._without_roles(self.terms.corrected(text)))
        # The words that say what is asked of a term ("where does Seldon show up") are none alone.
        asking = {
            stem
            for said in ATTRIBUTE_WORDS.values()
            for m in re.finditer(rf"\b(?:{said})\b", text, re.IGNORECASE)
            for stem in tokenize(m.group(0))
        }
        # A term names a thing: one of its words is used as a noun ("can I move to" names nothing).
        things = {stem for word in nouns_in(self.terms.corrected(text)) for stem in tokenize(word)}
        runs: list[tuple[int, int]] = []  # (start, end) of each term found, longest first
        places: dict[Value, None] = {}
        for n in range(min(4, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                if any(a <= i and i + n <= b for a, b in runs):
                    continue  # inside a longer term
                run = words[i : i + n]
                if set(run) <= asking or min(self._spread.get(w, 0) for w in run) > MENTIONS:
                    continue  # none of its words is one of few passages': it names nothing in particular
                if not set(run) & things:
                    continue
                found = self._places(" ".join(run), guides)
                if 0 < len(found) <= MENTIONS:
                    runs.append((i, i + n))
                    places.update(dict.fromkeys(found))
        if not places or len(places) > MENTIONS:
            return None
        held = tuple(dict.fromkeys(self._holder[v][1] for v in places))
        subject = ", ".join(" ".join(words[a:b]) for a, b in runs)
        return Request(text, held, "", "value", subject=subject, mentions=tuple(places))

    @functools.cached_property
    def _spread(self) -> dict[str, int]:
        """In how many of the guides' passages each stem is (their guide and heading counted)."""
        spread: dict[str, int] = {}
        for chunk in self.passages:
            for stem in set(tokenize(chunk.document)):
                spread[stem] = spread.get(stem, 0) + 1
        return spread

    @functools.cached_property
    def _holder(self) -> dict[Value, tuple[Fact, str]]:
        return holders(self.facts)

    @functools.cached_property
    def _stems(self) -> list[tuple[str, Value]]:
        """Each distinct value the guides state, as its words' stems (" design featur store ")."""
        seen: dict[str, Value] = {}
        for v in self._holder:
            seen.setdefault(v.text, v)
        return [(f" {' '.join(tokenize(t))} ", v) for t, v in seen.items()]

    def _places(self, run: str, guides: tuple[str, ...]) -> list[Value]:
        """The values holding a run of stems, in the given guides (any, when none are given)."""
        return [
            v
            for stems, v in self._stems
            if f" {run} " in stems and (not guides or self._holder[v][1] in guides)
        ]

    def _side_by_side(self, text: str, compared: str) -> Request | None:
        """Two or more entries of one kind compared by the figure each states ("data scientist or
        data engineer: who gets there faster?", "pay of AI product manager and AI research
        scientist"): the entries the question names by their own names, in its order. None when
        fewer than two are named, they are of different kinds, or the value compared is not the
        figure their kind states."""
        plain = layout().plain(self.terms.corrected(text))
        said = [layout().plain(r) for r, _ in sorted(self.terms.roles_in(text), key=lambda r: r[1][0])]
        said += self._named_in(plain)
        found: list[Fact] = []
        for name in dict.fromkeys(said):
            for facts in self.facts.values():
                found += [f for f in facts if isinstance(f, tuple(COMPARED)) and name in _plain_names(f)]
        found = list(dict.fromkeys(found))
        kinds = {type(f) for f in found}
        if len(found) < 2 or len(kinds) != 1:
            return None
        if compared and kinds != {k for k in COMPARED if compared in COMPARED[k]}:
            return None
        guides = tuple(dict.fromkeys(f.guide for f in found))  # type: ignore[union-attr]
        return Request(text, guides, "", "compare", entries=tuple(found))

    @functools.cached_property
    def _names(self) -> dict[str, str]:
        """The names the guides give things, in plain form, each with its spelling: every fact's
        own name and its parts ("AWS" of "Cloud Platform Expertise (AWS, GCP, Azure)"), and the
        titles and names their text quotes or writes in capitals ("MLOps Zoomcamp", "MBA"). A name
        that is part of a role's name ("AI", "machine learning") names no one thing."""
        names: dict[str, str] = {}
        for facts in self.facts.values():
            for f in facts:
                for name in _own_names(f):
                    for part in _parts(name):
                        names.setdefault(layout().plain(part), part)
                for v in values_of(f):
                    for found in [*QUOTED.findall(v.text), *CAPITALS.findall(v.text)]:
                        names.setdefault(layout().plain(found.strip()), found.strip())
        roles = [layout().plain(r) for r in self.roles]
        return {
            n: written
            for n, written in names.items()
            if len(n) > 1 and not any(n != r and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", r) for r in roles)
        }

    @functools.cached_property
    def _name_pattern(self) -> re.Pattern[str]:
        spelled = sorted((re.escape(n) for n in self._names), key=len, reverse=True)
        return re.compile(rf"(?<!\w)(?:{'|'.join(spelled)})(?:e?s)?(?!\w)")

    def _named_in(self, plain: str) -> list[str]:
        """The guides' names a text holds (in plain form), those inside a longer one left out."""
        spans = []
        for start in range(len(plain)):
            m = self._name_pattern.match(plain, start)
            if m and (start == 0 or not plain[start - 1].isalnum()):
                spans.append((m.start(), m.end()))
        kept = [(a, b) for a, b in spans if not any(c <= a and b <= d and (c, d) != (a, b) for c, d in spans)]
        found = []
        for a, b in kept:
            said = plain[a:b]
            found.append(said if said in self._names else re.sub(r"e?s$", "", said))
        return [n for n in dict.fromkeys(found) if n in self._names]

    def _unstated(self, text: str) -> Request | None:
        """A figure asked of something the guides name and give no such figure for ("How much does
        an MBA cost?", "What's the pass rate of ...?"): the request says it is unstated, so it is
        never filled in from a figure nearby. None when anything else is asked too (a part the
        guides cover is answered), when a thing asked about has a figure of that kind in the
        guides, or when no figure is asked."""
        corrected = self.terms.corrected(text)
        asking = [s for s in SENTENCE_END.split(corrected) if s.strip().endswith("?")] or [corrected]
        unstated: list[tuple[str, str, list[str], list[Fact]]] = []
        for sentence in asking:
            plain = layout().plain(sentence)
            in_sentence = self._named_in(plain)
            for clause in self.words.clause.split(plain):
                # The kind's last asking phrase in the clause: "cost" in "how much does it cost".
                asked = next(
                    (
                        (kind, found[-1], says)
                        for kind, pattern, says in self.words.figures
                        if (found := list(pattern.finditer(clause)))
                    ),
                    None,
                )
                if asked is None:
                    return None
                kind, match, says = asked
                names = [n for n in self._named_in(clause) if n not in match.group(0)] or in_sentence
                where: list[Fact] = []
                for name in names:
                    stated, found = self._states(name, kind)
                    if stated:
                        return None
                    where += found
                if not where:
                    return None
                unstated.append((kind, says[match.group(0)], names, where))
        if not unstated:
            return None
        kind, says, names, where = unstated[0]
        return Request(
            text,
            (where[0].guide,),  # type: ignore[union-attr]
            "",
            "value",
            in_guides=False,
            entries=(where[0],),
            unstated=says,
            figure=kind,
            subject=" and ".join(self._names[n] for n in names),
        )

    def _states(self, name: str, kind: str) -> tuple[bool, list[Fact]]:
        """Whether the guides give a figure of `kind` for the thing `name` names, and the facts that
        name or mention it. A figure is given where the fact of that name holds one (a role a
        move leads to: anywhere in its guide) or where a sentence of the guides that names it
        states one."""
        where: list[Fact] = []
        pattern = re.compile(rf"(?<!\w)(?:{re.escape(name)})(?:e?s)?(?!\w)")
        for guide, facts in self.facts.items():
            for f in facts:
                if name not in _plain_names(f):
                    if any(pattern.search(layout().plain(v.text)) for v in values_of(f)):
                        where.append(f)
                    continue
                where.insert(0, f)
                of = facts if isinstance(f, Transition) else [f]  # a move's role: its whole guide
                held = [getattr(e, field, None) for e in of for field in FIGURE_FIELDS[kind]]
                said = [v.text for e in of for v in values_of(e)]
                if isinstance(f, Transition):
                    said += self._sentences.get(guide, [])
                if any(held) or any(self._figure_in(t, kind) for t in said):
                    return True, where
        for sentences in self._sentences.values():
            if any(pattern.search(layout().plain(s)) and self._figure_in(s, kind) for s in sentences):
                return True, where
        return False, list(dict.fromkeys(where))

    @functools.cached_property
    def _sentences(self) -> dict[str, list[str]]:
        """Each guide's passages, sentence by sentence (its prose as well as the facts it lists)."""
        out: dict[str, list[str]] = {}
        for chunk in self.passages:
            out.setdefault(chunk.source, []).extend(s for s in SENTENCE_END.split(chunk.text) if s.strip())
        return out

    def _figure_in(self, text: str, kind: str) -> bool:
        """Whether the text states a figure of the kind: "$300" or "free" for money, "4 weeks" for a
        duration, "40%" for a percentage."""
        words = self.words.figure_words.get(kind)
        if words is not None and words.search(layout().plain(text)):
            return True
        if kind == "money":
            return bool(re.search(r"[$€£]\s?\d", text))
        units = {q.split()[-1] for q in quantities_in(text)}
        return "%" in units if kind == "percent" else bool(units - {"%"})

    def _unlisted(self, text: str, plain: str) -> Request | None:
        """A fit asked for a role no guide names at all (a word of it the guides never use): the
        roles they do name, every move that starts from one."""
        said = said_role(plain, self.words)
        if not said or all(self.terms.known(w) for w in re.findall(r"[a-z]+", said)):
            return None
        guides = tuple(g for g, _ in self.catalog.moves if _starts(self.facts.get(g, [])))
        written = re.search(re.escape(said).replace(r"\ ", r"\s+"), text, re.I)
        said = written.group(0) if written else said
        return Request(text, guides, "starting roles", "fit", said_role=said) if guides else None

    def _guides(self, text: str, operation: str, role: str) -> tuple[str, ...]:
        """The moves asked about: those the asker's role starts, for a fit; each role named, for a
        comparison; else the move the roles named settle on."""
        from coach.frame import settled_guides

        if operation == "fit":
            mine = role_names(role)
            return tuple(
                g
                for g, _ in self.catalog.moves
                if any(role_names(r) & mine for r in _starts(self.facts.get(g, [])))
                or role_names(name_of_target(self.facts.get(g, []))) & mine
                or role in self._audience.get(g, {})
            )
        named = [r for r, _ in sorted(self.terms.roles_in(text), key=lambda r: r[1][0])]
        if operation == "compare":
            named = [r for r in named if r != role]  # the asker's own role says where they start
            ends = [
                [g for g, (_, end, _) in sorted(self.terms.guide_roles.items()) if end == r]
                for r in dict.fromkeys(named)
            ]
            return tuple(dict.fromkeys(e[0] for e in ends if len(e) == 1))
        return tuple(settled_guides(text, self.terms, loose=True))

    def _topic(
        self, text: str, operation: str, guides: tuple[str, ...], compared: str = "", roadmap: bool = False
    ) -> str | None:
        """The catalog topic the question is about, in its guides: the operation's own list where
        it has one, the value a comparative asks for, else the nearest by meaning."""
        held = [t for t in self.catalog.topics if t.guide in guides]
        if operation == "compare" and compared and len(guides) > 1:
            with_roadmap = all(any(t.guide == g and t.kind is Phase for t in held) for g in guides)
            return "roadmap phases" if compared == "timeline" and roadmap and with_roadmap else compared
        if operation in ("plan", "total"):
            if any(t.kind is Phase for t in held):
                return "roadmap phases"
            # A roadmap the guide gives in prose only: said so, in its words.
            noted = any(isinstance(f, RoadmapNote) for g in guides for f in self.facts.get(g, []))
            return "roadmap" if noted and len(guides) == 1 else None
        if operation == "fit":
            return "starting roles"
        if operation in ("missing", "first"):
            return self._to_learn([t for t in held if t.heading])
        question = self._question_vector(text)
        if operation == "compare":
            moves = [t for t in held if t.name in MOVE_FACTS]
            shared = [
                t for t in moves if all(any(u.guide == g and u.name == t.name for u in moves) for g in guides)
            ]
            return self._nearest(question, shared) if len(guides) > 1 else None
        if operation in ("largest", "smallest"):
            # Ranked by the figure the question asks of them, where it asks one ("the highest
            # pay": the kinds that state a pay).
            from coach.frame import FIELDS, read_asked

            kinds = {k for a in read_asked(text, self.terms).attributes for k in FIELDS.get(a, {})}
            held = [t for t in held if t.kind in kinds] if kinds else held
        if operation in ("count", "largest", "smallest"):
            topic = self._nearest(question, held) if len(guides) == 1 else None
            counted = self._counted(layout().plain(text))
            if operation == "count" and topic and counted:
                # What is counted must be what the list holds ("phases" of the roadmap phases),
                # not something its entries mention ("interviews" in a to-do list).
                noun = _unit(self.embed([counted])[0])
                return topic if float(self._vectors[topic] @ noun) >= NEAR else None
            return topic
        return None

    def _counted(self, plain: str) -> str:
        """What a "how many" counts: the words after it, up to the verb ("bridge certifications")."""
        after = re.search(r"\bhow many ([\w' ]+)", plain)
        words: list[str] = []
        for word in after.group(1).split() if after else []:
            if word in self.words.stop or len(words) == 3:
                break
            words.append(word)
        return " ".join(words)

    def _question_vector(self, text: str) -> np.ndarray:
        """The question's vector, the roles it names left out (they say which move, not what of it)."""
        return _unit(self.embed([self._without_roles(text)])[0])

    def _without_roles(self, text: str) -> str:
        """The text in plain form with the roles it names blanked out."""
        plain = self.terms.plain(text)
        for _, (start, end) in sorted(self.terms.roles_in(text), key=lambda r: -r[1][0]):
            plain = plain[:start] + " " + plain[end:]
        return plain

    def _by_kind(self, text: str, plain: str) -> Request | None:
        """A list asked for by the kind of thing it holds, in the lexicon's words for it ("which of
        my skills carry over", "what do I need to learn"), of the one move the question settles:
        its one list of that kind, whole. None when the question asks a figure ("how long do I
        need to learn PyTorch?") or names an entry of the list (that entry is asked about), or the
        move has no list of that kind, or more than one (of a path's two, the one of the way the
        asker goes)."""
        kinds = {kind for kind, words in self.words.holds.items() if words.search(plain)}
        if len(kinds) != 1:
            return None
        guide, lists = self._move_lists(text, plain, lambda t: self.holds.get(t.name) in kinds)
        if len(lists) > 1:
            lists = self._one_way(lists, plain)
        if len(lists) != 1:
            return None
        # An entry is named when two words of its name are in the question, or its one word (the
        # roles it names left out: "deep learning" names the move, not "Deep Learning Frameworks").
        words = set(tokenize(self._without_roles(text)))
        for f in self.facts.get(guide, []):
            if getattr(f, "list", None) == lists[0].heading:
                name = set(tokenize(" ".join(_own_names(f))))
                if name and len(name & words) >= min(2, len(name)):
                    return None
        return Request(text, (guide,), lists[0].name, "list")

    def _by_span(self, text: str, plain: str) -> Request | None:
        """A list asked for by the span of time its heading names ("the next three months" for
        "Next 90 Days", "my first week" for "This Week"), of the one move the question settles:
        that list, whole. None when a figure is asked, or no heading of the move names a span
        within SAME_SPAN of the question's, or more than one does."""
        span = named_span(plain, self.words)
        if not span:
            return None

        def same(t: Topic) -> bool:
            own = named_span(layout().plain(t.name), self.words)
            return own is not None and abs(own - span) <= SAME_SPAN * span

        guide, lists = self._move_lists(text, plain, same)
        return Request(text, (guide,), lists[0].name, "list") if len(lists) == 1 else None

    def _move_lists(self, text: str, plain: str, keep: Callable[[Topic], bool]) -> tuple[str, list[Topic]]:
        """The one move a question about a list settles, and those of its lists `keep` holds; none
        when the question asks a figure (then it asks about an entry, not the list)."""
        from coach.frame import settled_guides

        if any(words.search(plain) for _, words, _ in self.words.figures):
            return "", []
        guides = settled_guides(text, self.terms, loose=True)
        if len(guides) != 1:
            return "", []
        return guides[0], [t for t in self.catalog.topics if t.guide == guides[0] and t.heading and keep(t)]

    def _one_way(self, lists: list[Topic], plain: str) -> list[Topic]:
        """Of a path's lists, those of the way the asker goes: a path guide groups them by the
        layout's group headings into its role ("Transitioning INTO AI Engineer") and out of it;
        an asker already in the path's role goes out of it, anyone else into it."""
        role = current_role(plain, self.roles, self.terms, self.words)
        out = []
        for t in lists:
            group = next(
                (m for part in t.heading.split(" > ") if (m := layout().sections.group_heading.match(part))),
                None,
            )
            if group is None:
                continue
            leaving = group.group(1).upper().startswith("OUT")
            target = name_of_target(self.facts.get(t.guide, []))
            if leaving == bool(role and target and role_names(role) & role_names(target)):
                out.append(t)
        return out

    @functools.cached_property
    def holds(self) -> dict[str, str]:
        """What each list heading holds, by meaning: "learn" for a list nearer "the skills and gaps
        you need to learn" than "the skills you have that transfer" by HOLDS or more ("Gaps to
        Fill"), "have" for the other way round ("Skills That Transfer"); lists of neither kind
        ("This Week") are left out."""
        learn, have = self._vectors[TO_LEARN], self._vectors[HAVE]
        out = {}
        for name in self.catalog.topic_names:
            by = float(self._vectors[name] @ learn), float(self._vectors[name] @ have)
            if max(by) >= NEAR and abs(by[0] - by[1]) >= HOLDS:
                out[name] = "learn" if by[0] > by[1] else "have"
        return out

    def _to_learn(self, lists: list[Topic]) -> str | None:
        learn, have = self._vectors[TO_LEARN], self._vectors[HAVE]
        near = [t.name for t in lists if float(self._vectors[t.name] @ learn) >= NEAR]
        scored = sorted((float(self._vectors[n] @ learn - self._vectors[n] @ have), n) for n in near)
        return scored[-1][1] if scored else None

    def _nearest(self, vector: np.ndarray, topics: list[Topic]) -> str | None:
        scored = sorted(((float(self._vectors[t.name] @ vector), t.name) for t in topics), reverse=True)
        return scored[0][1] if scored and scored[0][0] >= NEAR else None


def _own_names(f: Fact) -> list[str]:
    """The names a fact gives what it is about: a role, skill, phase, certification, a list entry's
    heading, whose pay a figure is; the role a guide's move leads to. Stories, questions and
    answers are about many things, so they name none."""
    if isinstance(f, Transition):
        return [f.to_role] if f.to_role else []
    if isinstance(f, Story | Faq | InterviewQuestion):
        return []
    v = getattr(f, "name", None) or getattr(f, "title", None) or getattr(f, "label", None)
    return [v.text] if isinstance(v, Value) else []


def _plain_names(f: Fact) -> set[str]:
    """The names a fact goes by, in plain form: its own names and the names inside them."""
    return {layout().plain(p) for n in _own_names(f) for p in _parts(n)}


def _parts(name: str) -> list[str]:
    """A name and the names inside it: "Cloud Platform Expertise (AWS, GCP, Azure)" is also
    "Cloud Platform Expertise", "AWS", "GCP" and "Azure"; "ML Engineering Manager / Head of AI"
    is also each side."""
    outer = re.sub(r"\s*\([^)]*\)", "", name)
    inner = [p for group in re.findall(r"\(([^)]*)\)", name) for p in re.split(r"[,/]", group)]
    parts = [name, outer, *outer.split("/"), *inner]
    return list(dict.fromkeys(p.strip(" *") for p in parts if len(p.strip(" *")) > 1))


def holders(facts: dict[str, list[Fact]]) -> dict[Value, tuple[Fact, str]]:
    """Each value the guides state, with the fact that states it and its guide."""
    return {v: (f, guide) for guide, found in facts.items() for f in found for v in values_of(f)}


def values_of(f: Fact) -> Iterator[Value]:
    """Every value a fact states, in field order."""
    for field in fields(f):  # type: ignore[arg-type]
        v = getattr(f, field.name)
        if isinstance(v, Value):
            yield v
        elif isinstance(v, tuple):
            yield from (x for x in v if isinstance(x, Value))


def _starts(facts: list[Fact]) -> set[str]:
    """The roles a guide's move starts from: its own starting role and the ones it lists."""
    roles = {f.name.text for f in facts if isinstance(f, SourceRole)}
    roles |= {f.from_role for f in facts if isinstance(f, Transition) and f.from_role}
    return roles


def name_of_target(facts: list[Fact]) -> str:
    """The role a guide's path leads to, when the guide also lists where it leads on to."""
    if not any(isinstance(f, DestinationRole) for f in facts):
        return ""
    return next((f.to_role for f in facts if isinstance(f, Transition)), "")


def listed_starts(facts: list[Fact], mine: set[str]) -> list[SourceRole]:
    """The starting roles a guide lists (with what each start takes) that have one of these names."""
    return [f for f in facts if isinstance(f, SourceRole) and mine and role_names(f.name.text) & mine]


def role_names(role: str) -> set[str]:
    """A role's names: "Software Engineer / Backend Developer" is both."""
    return {p.strip().lower() for p in role.split("/") if p.strip()}


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / (np.linalg.norm(v) or 1.0)
