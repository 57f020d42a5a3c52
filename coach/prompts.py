"""Prompt files from `prompts/`, rendered strictly: a missing variable is an error, never "".

Templates use `$name` placeholders (string.Template). The fixed part of every answer request
(system rules and worked examples) is rendered without variables, so it stays byte-identical
between requests and the local server can reuse its cached prefix.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Literal

from coach.errors import CoachError
from coach.quote import Excerpt
from coach.records import Passage
from coach.settings import PROJECT_ROOT

PROMPTS_DIR = PROJECT_ROOT / "prompts"
EXAMPLES_FILE = PROMPTS_DIR / "examples.toml"


class PromptError(CoachError):
    """A prompt file is missing or needs a variable it was not given."""


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


Layout = Literal["passages", "grouped"]


def passages_block(passages: list[Labelled], layout: Layout = "passages") -> str:
    """The numbered passages. `passages`: each labelled with its guide and section. `grouped`: the
    passages of one guide under one line naming it (in the order each guide first comes), each
    labelled with its section only; the numbers stay the passages' own."""
    if layout == "passages":
        return "\n\n".join(
            render("passage", n=p.n, title=p.title, section=p.section, text=p.text) for p in passages
        )
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


@functools.cache
def _examples(path: Path = EXAMPLES_FILE) -> tuple[dict, ...]:
    try:
        return tuple(tomllib.loads(path.read_text(encoding="utf-8"))["example"])
    except FileNotFoundError:
        raise PromptError(f"Prompt file {path} is missing. Restore it from the repository.") from None
    except (tomllib.TOMLDecodeError, KeyError) as exc:
        raise PromptError(
            f"Prompt file {path} is malformed ({exc}). Restore it from the repository."
        ) from None


@functools.cache
def _fixed(layout: Layout) -> tuple[dict[str, str], ...]:
    messages = [{"role": "system", "content": render("system")}]
    for example in _examples():
        labelled = [
            Labelled(n, p["title"], p["section"], p["text"]) for n, p in enumerate(example["passage"], 1)
        ]
        question = render("question", passages=passages_block(labelled, layout), question=example["question"])
        messages += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": example["answer"]},
        ]
    return tuple(messages)


def fixed_messages(layout: Layout = "passages") -> list[dict[str, str]]:
    """The system rules and worked examples (`examples.toml`, their passages in `layout`): identical
    for every question."""
    return [dict(m) for m in _fixed(layout)]


def answer_messages(
    question: str, passages: list[Passage], excerpts: list[Excerpt] | None = None, layout: Layout = "passages"
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
                passages[e.passage].chunk.section.split(" > ")[-1],
                "\n".join(e.lines),
            )
            for e in sorted(excerpts, key=lambda e: e.passage)
        ]
    question_text = render("question", passages=passages_block(labelled, layout), question=question)
    return [*fixed_messages(layout), {"role": "user", "content": question_text}]


def condense_messages(history: list[tuple[str, str]], question: str) -> list[dict[str, str]]:
    """history: (user turn, coach answer) pairs, oldest first."""
    lines = []
    for user, coach in history:
        lines.append(f"User: {user}")
        if coach:
            lines.append(f"Coach: {coach}")
    # On its own: after the answer rules and examples, the small model rewrote worse (measured).
    return [{"role": "user", "content": render("condense", history="\n".join(lines), question=question)}]
