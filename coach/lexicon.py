"""The few English phrases the coach reads questions and answers by, from `lexicon.toml`: which
operation a question asks for, what it asks of a thing or of a move, which kind of thing it names,
what the asker says of themselves, and how an answer's sentence says what its things are. Each
stage that needs a phrase list reads it from here; none keeps a list of its own.

A phrase is matched as whole words in the text's plain form. In the file, "(a|b)" stands for
either ("how (do|should) i learn"; "(the |)" for an optional word) and a word ending in "*" for
any word it starts ("recommend*": "recommended", "recommendations").

Not here: what the guides contain (read from them: `coach.terms`, `coach.facts`); the guides'
layout (`layout.toml`).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from coach.lexical import tokenize

LEXICON_FILE = Path(__file__).with_name("lexicon.toml")
GROUP = re.compile(r"\(([^()]*\|[^()]*)\)")


def expanded(phrase: str) -> list[str]:
    """The phrases one written with "(a|b)" groups stands for, spaces tidied."""
    group = GROUP.search(phrase)
    if group is None:
        return [" ".join(phrase.split())]
    return [
        p
        for alternative in group.group(1).split("|")
        for p in expanded(phrase[: group.start()] + alternative + phrase[group.end() :])
    ]


def alternation(phrases: list[str]) -> str:
    """A regular expression source matching any of the phrases (longest first), "*" as any word
    ending; for use between word boundaries."""
    spelled = sorted(
        {
            re.escape(p[:-1]) + r"\w*" if p.endswith("*") else re.escape(p)
            for q in phrases
            for p in expanded(q)
        },
        key=len,
        reverse=True,
    )
    return "|".join(spelled)


def stems_of(phrases: list[str]) -> set[str]:
    """The word stems the phrases are made of."""
    return {s for q in phrases for p in expanded(q) for s in tokenize(p.rstrip("*"))}


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
    figures: tuple[
        tuple[str, re.Pattern[str], dict[str, str]], ...
    ]  # kind, its asking phrases, what each asks
    figure_words: dict[str, re.Pattern[str]]  # kind: the words that state one without digits
    clause: re.Pattern[str]  # where a question goes on to ask a second thing ("..., and how long ...")
    holds: dict[str, re.Pattern[str]]  # "learn" / "have": how a sentence says what its things are
    one_unit: re.Pattern[str]  # a unit of time named without a number ("this week")
    # The sources of regular expressions (each used between word boundaries, in plain text):
    asks: dict[str, str]  # what is asked of a thing, by the attribute that states it
    move_asks: dict[str, str]  # what is asked of a move, by its field
    extremes: tuple[tuple[str, str, str], ...]  # (attribute, "max" or "min", its words), in order
    kinds: dict[str, str]  # a kind of thing, by its name ("starting role")
    kind_words: dict[str, frozenset[str]]  # the stems of each kind's words
    asking: frozenset[str]  # the stems of the first, third and fourth: words that say what is asked
    move_asking: frozenset[str]  # the stems of `move_asks`


def _words(phrases: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w'])(?:{alternation(phrases)})(?![\w'])")


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
        tuple((kind, _words(list(asks)), asks) for kind, asks in data["figures"].items()),
        {kind: _words(phrases) for kind, phrases in data["figure_words"].items()},
        re.compile(rf",?\s+and\s+(?={_words(data['clause']['asks']).pattern})"),
        {kind: _words(phrases) for kind, phrases in data["holds"].items()},
        re.compile(rf"{_words(data['one_unit']['words']).pattern}\s+(\w+)"),
        {a: alternation(phrases) for a, phrases in data["asks"].items()},
        {a: alternation(phrases) for a, phrases in data["move_asks"].items()},
        tuple((*key.split(), alternation(phrases)) for key, phrases in data["extremes"].items()),  # type: ignore[misc]
        {k: alternation(phrases) for k, phrases in data["kinds"].items()},
        {k: frozenset(stems_of(phrases)) for k, phrases in data["kinds"].items()},
        frozenset(
            stems_of(
                [p for section in ("asks", "kinds", "extremes") for ps in data[section].values() for p in ps]
            )
        ),
        frozenset(stems_of([p for ps in data["move_asks"].values() for p in ps])),
    )
