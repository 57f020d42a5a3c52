"""The judge: the configured model, asked whether each claim of an answer is supported by the
passage it cites (prompts `judge_*.txt`).

One request per answer, all its claims at once. A claim that cites two passages is asked about
twice, once per passage, so each citation gets its own verdict: citation precision is the share
of citations judged SUPPORTED, and a claim is faithful when at least one of its citations is.
The fixed part of the prompt (rules and a worked example) is byte-identical for every request,
so a local server reuses it while judge requests follow each other.

Not here: the deterministic number check (`evals.faithfulness`), which needs no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.lexical import tokenize
from coach.llm import ChatModel, complete
from coach.prompts import render
from coach.records import Passage

# "Claim 2: claim "..."; passage "..."; same: no -> UNSUPPORTED": the verdict ends its line (a
# reply cut off inside its last verdict word still counts: "-> SUPPORT").
VERDICT = re.compile(
    r"^\W*claim\s*(\d+)\b.*?\b(supported|unsupported|not supported|support|unsupport)\w*\W*$",
    re.IGNORECASE | re.MULTILINE,
)

# Lines, and sentences within them.
PART_END = re.compile(r"\n+|(?<=[.!?])\s+(?=[A-Z0-9'\"])")


@dataclass(frozen=True)
class Citation:
    """One claim and one passage it cites (numbered as the answer numbers it)."""

    claim: str
    number: int
    passage: Passage


def relevant_part(claim: str, text: str, budget: int = 360) -> str:
    """A long passage cut to its lines and sentences that share the most words with the claim,
    nearest first, as many as fit in `budget` characters (at least one): a small model compares a
    claim with a few sentences far better than with a page, copies less of it, and mostly quotes
    the first line it is shown."""
    if len(text) <= budget:
        return text
    parts = [p.strip() for p in PART_END.split(text) if p.strip()]
    words = set(tokenize(claim))
    ranked = sorted(range(len(parts)), key=lambda i: (-len(words.intersection(tokenize(parts[i]))), i))
    # A short opening ("No.", "Not necessarily.", "Priority: Critical · 8 weeks") frames the rest.
    if len(parts[0]) <= 40:
        ranked = [0] + [i for i in ranked if i != 0]
    kept, size = [ranked[0]], len(parts[ranked[0]])
    for i in ranked[1:]:
        if size + len(parts[i]) <= budget:
            kept.append(i)
            size += len(parts[i])
    return "\n".join(parts[i] for i in kept)


def judge_messages(citations: list[Citation]) -> list[dict[str, str]]:
    items = [
        render(
            "judge_claim",
            n=i,
            claim=c.claim,
            passage=c.number,
            section=c.passage.chunk.section,
            text=relevant_part(c.claim, c.passage.chunk.text),
        )
        for i, c in enumerate(citations, start=1)
    ]
    return [
        {"role": "system", "content": render("judge_system")},
        {"role": "user", "content": render("judge_example")},
        {"role": "assistant", "content": render("judge_example_answer")},
        {"role": "user", "content": "\n\n".join(items)},
    ]


def parse_verdicts(reply: str, count: int) -> list[bool | None]:
    """One verdict per claim: True (supported), False, or None when the reply gave none."""
    verdicts: list[bool | None] = [None] * count
    for match in VERDICT.finditer(reply):
        n = int(match.group(1))
        if 1 <= n <= count and verdicts[n - 1] is None:
            verdicts[n - 1] = match.group(2).lower() in ("supported", "support")
    return verdicts


def judge(model: ChatModel, citations: list[Citation]) -> tuple[list[bool | None], str]:
    """Verdicts for each citation, and the judge's raw reply."""
    if not citations:
        return [], ""
    reply = complete(model, judge_messages(citations), max_tokens=160 * len(citations) + 4)
    return parse_verdicts(reply, len(citations)), reply
