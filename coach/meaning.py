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
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.facts import Certification, DestinationRole, Fact, Phase, SourceRole, Transition
from coach.layout import layout
from coach.reader import MOVE_FACTS, Catalog, Request, Topic
from coach.terms import GuideTerms

LEXICON_FILE = Path(__file__).with_name("lexicon.toml")
# How near the question a list's heading must be, by meaning, for the question to be about it
# (cosine of the embedder's vectors; chosen on the golden set's dev half).
NEAR = 0.35
# What the asker lacks is read from the list of what to learn: of the move's lists whose heading
# is near TO_LEARN by meaning, the one nearer it than to HAVE (what the asker brings) by most.
TO_LEARN = "the skills and gaps you need to learn"
HAVE = "the skills you have that transfer"

# The entries a question can name by their own names and be answered with whole: the roles a path
# leads on to (their pay and what they require) and certifications (their cost and purpose). A
# starting role is named mostly as who the asker is, and asked of for something else ("a data
# scientist's salary"), so it is not one.
NAMED = (DestinationRole, Certification)

Embed = Callable[[list[str]], Sequence[np.ndarray]]


@dataclass(frozen=True)
class Lexicon:
    """The phrases of `lexicon.toml`, each compiled to whole-word patterns over the plain text."""

    operations: tuple[tuple[str, re.Pattern[str]], ...]
    units: dict[str, float]  # a time word and how many weeks it is (0 for hours)
    numbers: dict[str, int]
    role: re.Pattern[str]
    skills: re.Pattern[str]
    hours: re.Pattern[str]
    stop: frozenset[str]  # words that end what a "how many" counts
    role_ends: frozenset[str]  # words that end the asker's own role
    after: re.Pattern[str]  # a follow-up asking for the entry after the previous one
    compare_by: tuple[tuple[str, re.Pattern[str]], ...]  # a move's value, by the comparatives that ask it


def _words(phrases: list[str]) -> re.Pattern[str]:
    spelled = sorted((re.escape(p) for p in phrases), key=len, reverse=True)
    return re.compile(rf"(?<![\w'])(?:{'|'.join(spelled)})(?![\w'])")


@functools.cache
def lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    asker = data["asker"]
    return Lexicon(
        tuple((op, _words(phrases)) for op, phrases in data["operations"].items()),
        {k: float(v) for k, v in data["units"].items()},
        {k: int(v) for k, v in data["numbers"].items()},
        _words(asker["role"]),
        _words(asker["skills"]),
        _words(asker["hours"]),
        frozenset(data["count"]["stop"]),
        frozenset(asker["role_ends"]),
        _words(data["follow_up"]["after"]),
        tuple((value, _words(phrases)) for value, phrases in data["compare_by"].items()),
    )


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

    def __init__(self, catalog: Catalog, facts: dict[str, list[Fact]], terms: GuideTerms, embed: Embed):
        self.catalog, self.facts, self.terms, self.embed = catalog, facts, terms, embed
        self.words = lexicon()
        # The roles an asker can say they are: where a move starts, and where a path leads from.
        ends = [name_of_target(found) for found in facts.values()]
        self.roles = tuple(dict.fromkeys([*catalog.roles, *(e for e in ends if e)]))

    @functools.cached_property
    def _vectors(self) -> dict[str, np.ndarray]:
        names = [*self.catalog.topic_names, TO_LEARN, HAVE]
        return dict(zip(names, (_unit(v) for v in self.embed(names)), strict=True))

    def read(self, text: str) -> Request | None:
        """The request a question makes, when it asks for one of the computed operations."""
        plain = layout().plain(text)
        operation = next((op for op, pattern in self.words.operations if pattern.search(plain)), "")
        hours = hours_per_week(plain, self.words)
        role = current_role(plain, self.roles, self.terms, self.words)
        skills = has_skills(plain, self.words)
        counted = re.search(r"\bhow many (\w+)", plain)
        said_total = operation == "total"
        duration = re.search(r"\bhow long\b", plain) or (counted and counted.group(1) in self.words.units)
        if operation in ("", "total", "count") and duration:
            # A duration asked of the roadmap as a whole (no phase of it named) is its total.
            whole = "roadmap" in plain and not re.search(r"\bphases?\b", plain)
            operation = "total" if whole or said_total else ""
        if hours and operation in ("", "total"):
            operation = "plan"
        compared = next((v for v, pattern in self.words.compare_by if pattern.search(plain)), "")
        if compared and operation in ("", "compare") and " or " in f" {plain} ":
            operation = "compare"
        if operation == "fit" and not role:
            return self._unlisted(text, plain)
        if not operation:
            return self._named(text, layout().plain(self.terms.corrected(text)))
        guides = self._guides(text, operation, role)
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
        )

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

    def _named(self, text: str, plain: str) -> Request | None:
        """A question naming one of the guides' listed roles or certifications by its own name
        ("What does an AI research scientist earn?"): that entry, whole. A name that is a move's
        role (the layout's) names the move, not the entry."""
        from coach.frame import settled_guides

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
        settled = settled_guides(text, self.terms, loose=True)
        if settled and found[0].guide not in settled:
            return None
        return Request(text, (found[0].guide,), "", "value", entries=(found[0],))

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
            return "roadmap phases" if any(t.kind is Phase for t in held) else None
        if operation == "fit":
            return "starting roles"
        if operation == "missing":
            return self._to_learn([t for t in held if t.heading])
        question = self._question_vector(text)
        if operation == "compare":
            moves = [t for t in held if t.name in MOVE_FACTS]
            shared = [
                t for t in moves if all(any(u.guide == g and u.name == t.name for u in moves) for g in guides)
            ]
            return self._nearest(question, shared) if len(guides) > 1 else None
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
        plain = self.terms.plain(text)
        for _, (start, end) in sorted(self.terms.roles_in(text), key=lambda r: -r[1][0]):
            plain = plain[:start] + plain[end:]
        return _unit(self.embed([plain])[0])

    def _to_learn(self, lists: list[Topic]) -> str | None:
        learn, have = self._vectors[TO_LEARN], self._vectors[HAVE]
        near = [t.name for t in lists if float(self._vectors[t.name] @ learn) >= NEAR]
        scored = sorted((float(self._vectors[n] @ learn - self._vectors[n] @ have), n) for n in near)
        return scored[-1][1] if scored else None

    def _nearest(self, vector: np.ndarray, topics: list[Topic]) -> str | None:
        scored = sorted(((float(self._vectors[t.name] @ vector), t.name) for t in topics), reverse=True)
        return scored[0][1] if scored and scored[0][0] >= NEAR else None


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


def role_names(role: str) -> set[str]:
    """A role's names: "Software Engineer / Backend Developer" is both."""
    return {p.strip().lower() for p in role.split("/") if p.strip()}


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / (np.linalg.norm(v) or 1.0)
