"""Prompt files from `prompts/`, rendered strictly: a missing variable is an error, never "".

Templates use `$name` placeholders (string.Template). The fixed part of every answer request
(system rules, and the worked examples of `examples.toml` laid out as a question's passages are)
depends on nothing but those files and the layout, so it stays byte-identical between requests
and the local server can reuse its cached prefix.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Literal

from coach.errors import CoachError
from coach.guides import shown_heading
from coach.quote import Excerpt
from coach.records import Chunk, Passage
from coach.settings import PROJECT_ROOT

PROMPTS_DIR = PROJECT_ROOT / "prompts"
EXAMPLES_FILE = PROMPTS_DIR / "examples.toml"


class PromptError(CoachError):
    """A prompt file is missing or malformed, or needs a variable it was not given."""


@functools.cache
def _template(name: str, directory: Path = PROMPTS_DIR) -> Template:
    path = directory / f"{name}.txt"
    try:
        return Template(path.read_text(encoding="utf-8").strip())
    except FileNotFoundError:
        raise PromptError(f"Prompt file {path} is missing. Restore it from the repository.") from None


def render(name: str, **values: object) -> str:
    template = _template(name)
    try:
        return template.substitute({k: str(v) for k, v in values.items()})
    except KeyError as exc:
        raise PromptError(f"Prompt {name}.txt needs a value for ${exc.args[0]}.") from None
    except ValueError as exc:
        raise PromptError(f"Prompt {name}.txt has a malformed placeholder ({exc}).") from None


@dataclass(frozen=True)
class Labelled:
    """One passage as the model reads it: its number, its guide's title, its heading path, its text."""

    n: int
    title: str
    section: str
    text: str


PassageLayout = Literal["passages", "grouped"]


def passages_block(passages: Sequence[Labelled], layout: PassageLayout = "passages") -> str:
    """The numbered passages. `passages`: each labelled with its guide and section. `grouped`: the
    passages of one guide under one line naming it (in the order each guide first comes), each
    labelled with its section only; the numbers stay the passages' own."""
    if layout == "passages":
        return "\n\n".join(
            render("passage", n=p.n, title=p.title, section=p.section, text=p.text) for p in passages
        )
    if layout != "grouped":
        raise ValueError(f"unknown passage layout {layout!r}")
    guides: dict[str, list[Labelled]] = {}
    for p in passages:
        guides.setdefault(p.title, []).append(p)
    return "\n\n".join(
        render(
            "guide",
            title=title,
            passages="\n\n".join(render("section", n=p.n, section=p.section, text=p.text) for p in members),
        )
        for title, members in guides.items()
    )


@dataclass(frozen=True)
class Example:
    """A worked example: a question, its passages and the answer the model is shown."""

    question: str
    answer: str
    passages: tuple[Labelled, ...]


def _field(table: object, key: str, where: str) -> object:
    if not isinstance(table, dict) or key not in table:
        raise ValueError(f"{where} has no {key!r}")
    return table[key]


def _text(table: object, key: str, where: str) -> str:
    value = _field(table, key, where)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}'s {key!r} is not text")
    return value


def _parse_examples(data: dict) -> tuple[Example, ...]:
    tables = _field(data, "example", "the file")
    if not isinstance(tables, list) or not tables:
        raise ValueError("the file has no [[example]] table")
    examples = []
    for i, table in enumerate(tables, 1):
        where = f"example {i}"
        found = _field(table, "passage", where)
        if not isinstance(found, list) or not found:
            raise ValueError(f"{where} has no [[example.passage]] table")
        passages = tuple(
            Labelled(
                n, *(_text(passage, key, f"{where}, passage {n}") for key in ("title", "section", "text"))
            )
            for n, passage in enumerate(found, 1)
        )
        examples.append(Example(_text(table, "question", where), _text(table, "answer", where), passages))
    return tuple(examples)


@functools.cache
def _examples(path: Path = EXAMPLES_FILE) -> tuple[Example, ...]:
    try:
        return _parse_examples(tomllib.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise PromptError(f"Prompt file {path} is missing. Restore it from the repository.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError) as exc:
        raise PromptError(
            f"Prompt file {path} is malformed ({exc}). Restore it from the repository."
        ) from None


@functools.cache
def _fixed(layout: PassageLayout) -> tuple[tuple[str, str], ...]:
    messages = [("system", render("system"))]
    for example in _examples():
        question = render(
            "question", passages=passages_block(example.passages, layout), question=example.question
        )
        messages += [("user", question), ("assistant", example.answer)]
    return tuple(messages)


def fixed_messages(layout: PassageLayout = "passages") -> list[dict[str, str]]:
    """The system rules and worked examples (`examples.toml`, their passages in `layout`): identical
    for every question."""
    return [{"role": role, "content": content} for role, content in _fixed(layout)]


def answer_messages(
    question: str,
    passages: list[Passage],
    excerpts: list[Excerpt] | None = None,
    layout: PassageLayout = "passages",
) -> list[dict[str, str]]:
    """The fixed part, then the question with its numbered passages in `layout`, each labelled with
    its guide and section. With `excerpts` (`coach.quote.excerpts`), a passage gives only its lines
    that matter, and a passage with no excerpt is left out; its number stays the same."""
    if excerpts is None:
        labelled = [
            Labelled(n, p.chunk.title, p.chunk.section, p.chunk.text) for n, p in enumerate(passages, 1)
        ]
    else:
        # Excerpts are labelled short, with the move and the passage's own heading: the guide's
        # long title would cost more than the lines it labels.
        labelled = [
            Labelled(
                e.passage + 1,
                passages[e.passage].chunk.move,
                shown_heading(passages[e.passage].chunk.section),
                "\n".join(e.lines),
            )
            for e in sorted(excerpts, key=lambda e: e.passage)
        ]
    question_text = render("question", passages=passages_block(labelled, layout), question=question)
    return [*fixed_messages(layout), {"role": "user", "content": question_text}]


def guide_prefix(chunks: Sequence[Chunk]) -> list[dict[str, str]]:
    """The fixed part, then a user message holding one guide as the index's numbered passages (in
    the guide's order, [1] its first chunk), each labelled with its guide and section: the prefix
    the embedded server keeps the state of, which every question on that guide continues."""
    labelled = [Labelled(n, c.title, c.section, c.text) for n, c in enumerate(chunks, 1)]
    opening = render("question", passages=passages_block(labelled), question="")
    # question.txt's "Passages:" block, cut where its question begins.
    prefix = opening[: opening.index("\n\nQuestion:") + 2]
    return [*fixed_messages(), {"role": "user", "content": prefix}]


def guide_messages(
    question: str, chunks: Sequence[Chunk], hint: Sequence[int] = (), lead: bool = False
) -> list[dict[str, str]]:
    """`guide_prefix`, its user message continued with the question turn: the question (with what
    the conversation is about) and, with `hint`, the numbers of the passages retrieval ranked first
    (best first; listed in the guide's order); with `lead`, the best of them is given again, whole,
    before the question instead."""
    *fixed, user = guide_prefix(chunks)
    opening = ""
    if hint and lead:
        first = chunks[hint[0] - 1]
        again = passages_block([Labelled(hint[0], first.title, first.section, first.text)])
        opening = render("lead", passages=again) + "\n\n"
    numbers = ", ".join(f"[{n}]" for n in sorted(hint))
    hint_line = f"\n{render('hint', numbers=numbers)}\n" if hint and not lead else ""
    turn = render("guide_turn", question=question, hint=hint_line)
    return [*fixed, {"role": "user", "content": user["content"] + opening + turn}]


def condense_messages(history: list[tuple[str, str]], question: str) -> list[dict[str, str]]:
    """history: (user turn, coach answer) pairs, oldest first."""
    lines = []
    for user, coach in history:
        lines.append(f"User: {user}")
        if coach:
            lines.append(f"Coach: {coach}")
    # On its own: after the answer rules and examples, the small model rewrote worse (measured).
    return [{"role": "user", "content": render("condense", history="\n".join(lines), question=question)}]
