"""Read a question into a typed request, by the model choosing among the guides' own names.

The catalog is what the guides contain, read from their facts: the moves, and in each the
things a question can ask for (a list by its own heading, the roadmap's phases, the skills, the
certifications, the starting roles ...) and the move's own facts (timeline, difficulty, salary
change, demand). The model reads the catalog once (the embedded server keeps its state, so a
question reads only its own turn) and answers under a JSON schema whose values are the catalog's
names and a fixed set of operations: it can only choose among what the guides hold, and writes a
short choice, not prose. A guide added in the same layout adds its names to the catalog with
no code change.

Not here: answering a request (`coach.operations`), or the refusals read before any model call
(`coach.reading`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal, get_args

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
from coach.llm import ChatModel
from coach.prompts import render

Operation = Literal[
    "value",
    "list",
    "largest",
    "smallest",
    "total",
    "count",
    "compare",
    "plan",
    "missing",
    "fit",
    "first",
    "other",
]
OPERATIONS: tuple[str, ...] = get_args(Operation)
# What only a computation over the facts answers (a sum, a count, a difference, an extreme, moves
# side by side, a plan): a reading that asks for a value or a list is left to the passages and the
# model's answer, which the checker guards (measured: the reader's own value and list choices were
# right less often than the passages path on the golden set's dev half).
COMPUTED = ("largest", "smallest", "total", "count", "compare", "plan", "missing", "fit", "first")
# What the move itself states, by the Transition field that holds it.
MOVE_FACTS = {
    "timeline": "timeline",
    "difficulty": "difficulty",
    "salary change": "salary_change",
    "demand": "demand",
}
# The kinds of thing a guide lists without a heading of its own, by the name the catalog gives them.
KINDS: dict[str, type] = {
    "roadmap phases": Phase,
    "certifications": Certification,
    "starting roles": SourceRole,
    "next roles": DestinationRole,
    "success stories": Story,
    "interview questions": InterviewQuestion,
    "pay figures": PayFigure,
}
NONE = "none"
READ_TOKENS = 80  # the longest choice the schema allows, with a few skills named


@dataclass(frozen=True)
class Topic:
    """One thing a guide holds that a question can ask for: a list by its heading, or a kind."""

    name: str  # as the catalog shows it: "Gaps to Fill", "roadmap phases", "timeline"
    guide: str
    heading: str = ""  # the list's full heading path, for an Item or Skill list
    kind: type | None = None  # the facts' type, for a kind or a heading's entries


@dataclass(frozen=True)
class Catalog:
    """What the guides hold, by move: the names the reader chooses among."""

    moves: tuple[tuple[str, str], ...]  # (guide file, its move: "Backend Developer → Deep Learning Engineer")
    topics: tuple[Topic, ...]
    roles: tuple[str, ...]  # the roles the guides name as where a move starts

    @classmethod
    def of(cls, facts: dict[str, list[Fact]]) -> Catalog:
        moves, topics, roles = [], [], []
        for guide in sorted(facts):
            found = facts[guide]
            transition = next((f for f in found if isinstance(f, Transition)), None)
            if transition is None:
                continue
            label = (
                f"{transition.from_role} → {transition.to_role}"
                if transition.from_role
                else f"{transition.to_role} path"
            )
            moves.append((guide, label))
            roles += [transition.from_role] if transition.from_role else []
            for name, attr in MOVE_FACTS.items():
                if getattr(transition, attr) is not None:
                    topics.append(Topic(name, guide))
            for name, kind in KINDS.items():
                if any(isinstance(f, kind) for f in found):
                    topics.append(Topic(name, guide, kind=kind))
            for heading in dict.fromkeys(f.list for f in found if isinstance(f, Item | Skill)):
                kind = next(type(f) for f in found if isinstance(f, Item | Skill) and f.list == heading)
                topics.append(Topic(heading.split(" > ")[-1], guide, heading, kind))
            roles += [f.name.text for f in found if isinstance(f, SourceRole)]
        return cls(tuple(moves), tuple(topics), tuple(dict.fromkeys(r for r in roles if r)))

    @property
    def topic_names(self) -> list[str]:
        return list(dict.fromkeys(t.name for t in self.topics))

    def text(self) -> str:
        """The catalog as the model reads it: each move, numbered, with what it holds."""
        lines = []
        for n, (guide, label) in enumerate(self.moves, 1):
            held = [t.name for t in self.topics if t.guide == guide]
            lines.append(f"Move {n}: {label}. Holds: {'; '.join(held)}.")
        lines.append(f"Starting roles the guides name: {'; '.join(self.roles)}.")
        return "\n".join(lines)

    def schema(self) -> dict:
        """The JSON schema of a choice: the catalog's own names and the operations, nothing else."""
        return {
            "type": "object",
            "properties": {
                "moves": {"type": "array", "items": {"type": "integer", "enum": list(range(1, len(self.moves) + 1))}, "maxItems": 3},
                "topic": {"type": "string", "enum": [*self.topic_names, NONE]},
                "operation": {"type": "string", "enum": list(OPERATIONS)},
                "hours_per_week": {"type": ["number", "null"]},
                "current_role": {"type": "string", "enum": [*self.roles, NONE]},
                "has_skills": {"type": "array", "items": {"type": "string"}, "maxItems": 6},
                "in_guides": {"type": "boolean"},
            },
            "required": ["moves", "topic", "operation", "hours_per_week", "current_role", "has_skills", "in_guides"],
        }  # fmt: skip


@dataclass(frozen=True)
class Request:
    """One turn, read once: what it is about in the guides, what it asks of it, and what the asker
    says about themselves. The user's text travels as data; the model still gets it whole."""

    text: str
    guides: tuple[str, ...] = ()  # guide file names, in the order the question names them
    topic: str = ""  # a catalog topic name; "" when none fits
    operation: Operation = "other"
    hours_per_week: float | None = None
    current_role: str = ""  # a starting role the guides name, as they write it
    has_skills: tuple[str, ...] = ()  # as the asker wrote them
    in_guides: bool = True
    previous: Request | None = field(default=None, repr=False)  # the turn before, for a follow-up
    span_weeks: float | None = None  # the time the asker names for a plan ("a 3 month plan"), in weeks
    span_text: str = ""  # ... in their words
    said_role: str = ""  # the role the asker says they are, in their words, when no guide names it
    entries: tuple[Fact, ...] = ()  # the entries the question names by their own names
    # A figure asked of a thing the guides name but give no such figure for (in_guides is False):
    # what is asked ("a cost") and the thing, as the guides spell it ("MBA").
    unstated: str = ""
    figure: str = ""  # ... its kind: "money", "duration" or "percent"
    subject: str = ""
    # What the guides say of a term they write in a few places only: those places, each a value
    # with its span (the term, as the question writes it, is `subject`).
    mentions: tuple[Value, ...] = ()
    # A phase asked for by a number the move's roadmap doesn't reach ("phase 7" of five), or of a
    # roadmap the guide gives without numbered phases.
    absent_phase: int | None = None

    def topics(self, catalog: Catalog) -> list[Topic]:
        """The catalog entries this request is about: its topic in each of its guides."""
        return [t for g in self.guides for t in catalog.topics if t.guide == g and t.name == self.topic]


def reader_messages(catalog: Catalog, text: str, previous: Request | None = None) -> list[dict[str, str]]:
    """The fixed part (instructions and catalog: kept as a state) and the question's turn."""
    system = render("reader", catalog=catalog.text())
    turn = text
    if previous is not None:
        before = {
            "moves": [i + 1 for i, (g, _) in enumerate(catalog.moves) if g in previous.guides],
            "topic": previous.topic or NONE,
            "operation": previous.operation,
        }
        turn = f"Previous question: {previous.text}\nIts reading: {json.dumps(before)}\nQuestion: {text}"
    return [{"role": "system", "content": system}, {"role": "user", "content": turn}]


def read_request(
    model: ChatModel, catalog: Catalog, text: str, previous: Request | None = None
) -> Request | None:
    """The model's reading of a question as a Request, or None when its reply isn't a valid
    choice (the caller answers as if there were no reading)."""
    choose = getattr(model, "choose", None)
    if choose is None:
        return None
    reply = choose(reader_messages(catalog, text, previous), catalog.schema(), READ_TOKENS)
    return parse_choice(reply, catalog, text, previous)


def parse_choice(reply: str, catalog: Catalog, text: str, previous: Request | None = None) -> Request | None:
    """A Request from the model's JSON choice; None when it is not one the schema allows."""
    try:
        data = json.loads(reply)
        moves = [int(m) for m in data["moves"]]
        topic, operation = str(data["topic"]), str(data["operation"])
        hours = data.get("hours_per_week")
        role = str(data.get("current_role") or NONE)
        skills = tuple(str(s) for s in data.get("has_skills") or [])
        in_guides = bool(data.get("in_guides", True))
    except (ValueError, KeyError, TypeError):
        return None
    if (
        any(not 1 <= m <= len(catalog.moves) for m in moves)
        or operation not in OPERATIONS
        or (topic != NONE and topic not in catalog.topic_names)
        or (role != NONE and role not in catalog.roles)
        or not (hours is None or (isinstance(hours, int | float) and 0 < hours <= 168))
    ):
        return None
    return Request(
        text,
        tuple(dict.fromkeys(catalog.moves[m - 1][0] for m in moves)),
        "" if topic == NONE else topic,
        operation,  # type: ignore[arg-type]
        float(hours) if hours is not None else None,
        "" if role == NONE else role,
        skills,
        in_guides,
        previous,
    )
