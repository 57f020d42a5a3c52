"""Prompt files from `prompts/`, rendered strictly: a missing variable is an error, never "".

Templates use `$name` placeholders (string.Template). The fixed part of every answer request
(system rules and worked examples) is rendered without variables, so it stays byte-identical
between requests and the local server can reuse its cached prefix.
"""

from __future__ import annotations

import functools
from pathlib import Path
from string import Template

from coach.errors import CoachError
from coach.quote import Excerpt
from coach.records import Passage
from coach.settings import PROJECT_ROOT

PROMPTS_DIR = PROJECT_ROOT / "prompts"


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


def fixed_messages() -> list[dict[str, str]]:
    """The system rules and worked examples: identical for every question."""
    return [
        {"role": "system", "content": render("system")},
        {"role": "user", "content": render("example_question")},
        {"role": "assistant", "content": render("example_answer")},
        {"role": "user", "content": render("example_question_2")},
        {"role": "assistant", "content": render("example_answer_2")},
        {"role": "user", "content": render("example_question_3")},
        {"role": "assistant", "content": render("example_answer_3")},
    ]


def answer_messages(
    question: str, passages: list[Passage], excerpts: list[Excerpt] | None = None
) -> list[dict[str, str]]:
    """The fixed part, then the question with its numbered passages, each labelled with its guide
    and section. With `excerpts` (`coach.quote.excerpts`), a passage gives only its lines that
    matter, and a passage with no excerpt is left out; its number stays the same."""
    texts = (
        {n: p.chunk.text for n, p in enumerate(passages)}
        if excerpts is None
        else {e.passage: "\n".join(e.lines) for e in excerpts}
    )
    # Excerpts are labelled short, with the move and the passage's own heading: the guide's
    # long title would cost more than the lines it labels.
    short = excerpts is not None
    blocks = [
        render(
            "passage",
            n=n + 1,
            title=p.chunk.move if short else p.chunk.title,
            section=p.chunk.section.split(" > ")[-1] if short else p.chunk.section,
            text=texts[n],
        )
        for n, p in enumerate(passages)
        if n in texts
    ]
    question_text = render("question", passages="\n\n".join(blocks), question=question)
    return [*fixed_messages(), {"role": "user", "content": question_text}]


def condense_messages(history: list[tuple[str, str]], question: str) -> list[dict[str, str]]:
    """history: (user turn, coach answer) pairs, oldest first."""
    lines = []
    for user, coach in history:
        lines.append(f"User: {user}")
        if coach:
            lines.append(f"Coach: {coach}")
    # On its own: after the answer rules and examples, the small model rewrote worse (measured).
    return [{"role": "user", "content": render("condense", history="\n".join(lines), question=question)}]
