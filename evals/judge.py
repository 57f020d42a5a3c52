"""The judge: the configured model, asked whether a claim of an answer is supported by the
passage it cites (prompts `judge_*.txt`).

One request per citation: a claim that cites two passages is asked about twice, once per
passage, so each citation gets its own verdict. Citation precision is the share of citations
judged SUPPORTED, and a claim is faithful when at least one of its citations is. The model
copies the passage's line about the claim's subject, then gives its verdict: a 1.5B model judges
one claim beside one short passage far better than several claims in one reply (measured on the
calibration pairs, `evals.calibration`). It does not compare numbers reliably (it passed "8
weeks" beside a passage giving 6), so a citation is SUPPORTED only when, besides the model's
verdict, every number of the claim stands in the passage (`numbers_cited`, the suite's
deterministic number check). Shown answers already pass that part (the checker guarantees it):
on them, the model's verdict is what decides. The fixed part of the prompt (rules and worked
examples) is byte-identical for every request, so a local server reuses it while judge requests
follow each other.

An answer composed from the guides' facts is judged without the model (`trace`): its sentences
carry the values they state, each with its span in a guide file, so whether the cited passage
holds them is a lookup, not a judgement.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from coach.facts import Value
from coach.lexical import tokenize
from coach.llm import ChatModel, complete
from coach.prompts import render
from coach.records import Chunk, Passage
from coach.verify import numbers_in

# The verdict is the last SUPPORTED or UNSUPPORTED the reply writes ("Verdict: UNSUPPORTED").
VERDICT = re.compile(r"\b(unsupported|not supported|supported)\b", re.IGNORECASE)
REPLY_TOKENS = 200  # the copied line (a long FAQ line runs past 100 tokens) and the verdict

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


@functools.cache
def fixed_messages() -> tuple[dict[str, str], ...]:
    """The rules and the worked examples (each a question and its reply, parted by "=>")."""
    messages = [{"role": "system", "content": render("judge_system")}]
    for example in render("judge_examples").split("\n===\n"):
        question, reply = example.split("\n=> ")
        messages += [
            {"role": "user", "content": question.strip()},
            {"role": "assistant", "content": reply.strip()},
        ]
    return tuple(messages)


def judge_messages(citation: Citation) -> list[dict[str, str]]:
    text = relevant_part(citation.claim, citation.passage.chunk.text)
    question = render("judge_claim", claim=citation.claim, text=text)
    return [*fixed_messages(), {"role": "user", "content": question}]


def parse_verdict(reply: str) -> bool | None:
    """True (supported), False, or None when the reply gives no verdict."""
    found = VERDICT.findall(reply)
    return None if not found else found[-1].lower() == "supported"


def numbers_cited(claim: str, cited: list[Passage], figures: tuple[str, ...] = ()) -> bool:
    """The deterministic check: every number, amount, percentage and duration in the claim
    appears in a passage it cites, or among the `figures` a sentence composed from the facts
    declares it worked out (a sum, a plan's weeks and dates) or took from the question (the hours
    a week), as `trace` counts them. A claim that cites nothing passes only if it states no number."""
    stated = set().union(*(numbers_in(p.chunk.document) for p in cited)) if cited else set()
    return numbers_in(claim) <= stated | numbers_in(" ".join(figures))


def judge(model: ChatModel, citations: list[Citation]) -> tuple[list[bool | None], str]:
    """Verdicts for each citation, and the judge's raw replies (one paragraph each). The embedded
    server keeps the state of the judge's fixed part, as it does the coach's."""
    keep = getattr(model, "keep_prefix", None)
    if keep is not None and citations:
        keep(list(fixed_messages()), build=True)
    replies = [complete(model, judge_messages(c), max_tokens=REPLY_TOKENS) for c in citations]
    verdicts = [
        None if v is None else v and numbers_cited(c.claim, [c.passage])
        for c, v in zip(citations, (parse_verdict(r) for r in replies), strict=True)
    ]
    return verdicts, "\n\n".join(replies)


def _squash(text: str) -> str:
    """Text compared without what the parser evens out: case, whitespace, punctuation, markdown."""
    return re.sub(r"[\W_]+", "", text).lower()


@functools.cache
def _file(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def trace(
    text: str,
    values: tuple[Value, ...],
    computed: bool,
    cited: list[Chunk],
    chunks: Mapping[str, Chunk],
    corpus: Path,
    figures: tuple[str, ...] = (),
) -> list[bool]:
    """The deterministic judge of a sentence composed from the guides' facts: one verdict per
    chunk it cites. Each value it rests on must be what its guide file holds at the value's span,
    stand in a chunk the sentence cites, and (unless the sentence states something computed from
    the values: a verdict, a count) be stated in the sentence. A citation supports the sentence when
    all of that holds, the chunk holds at least one of the values, and every number of the sentence
    stands in it or among the `figures` it declares (what a computed sentence worked out, such as
    a plan's total weeks and dates, or took from the question, such as the hours a week). A
    sentence that rests on no value is supported by none."""
    held = [_squash(c.document) for c in cited]
    said = _squash(text)
    declared = numbers_in(" ".join(figures))

    def traced(v: Value) -> bool:
        chunk = chunks.get(v.chunk)
        if chunk is None or not _squash(v.text):
            return False
        span = _file(corpus / chunk.source)[v.start : v.end]
        return (
            _squash(v.text) in _squash(span)
            and any(_squash(v.text) in h for h in held)
            and (computed or _squash(v.text) in said)
        )

    if not values or not all(traced(v) for v in values):
        return [False] * len(cited)
    return [
        any(_squash(v.text) in h for v in values) and numbers_in(text) <= numbers_in(c.document) | declared
        for c, h in zip(cited, held, strict=True)
    ]
