"""How much of the passages the model reads, measured: the golden cases that reach the model, each
answered with one context variant after another, on the real model, with new prompt tokens,
time to the first token and correctness per split (dev and test side by side).

The variants (what the model gets after the fixed prompt part; labels unchanged):
- passages: the four passages whole, each labelled with its guide and section (the default);
- grouped: the four passages whole, one line naming each guide over its passages
  (COACH_MODEL_CONTEXT=grouped; the worked examples laid out the same way);
- excerpts: the lines of each passage that hold the question's words (COACH_MODEL_CONTEXT=excerpts);
- top2: the first two passages whole;
- lead1: the first passage whole, then the excerpts of the other three;
- guide: the whole guide the question is about, as the index's numbered passages, from the
  embedded server's kept state of it (COACH_MODEL_CONTEXT=guide);
- guide_hint: the same, with the numbers of the passages retrieval ranked first after the question
  (COACH_MODEL_CONTEXT=guide_hint);
- guide_lead: the whole guide, and the passage retrieval ranked first given again, whole, before
  the question (COACH_MODEL_CONTEXT=guide_lead);
- part, part_hint: the same of the part of the guide (~1.2K tokens) where the passages found rank
  best (COACH_MODEL_CONTEXT=part, part_hint);
- reader: four passages, with the model reading each question into a typed request first, one it
  can answer exactly from the facts being answered so (COACH_READER=model).

For each it also counts the answers whose guide (the one the model read whole) is not the case's,
and with `--judge` judges every model-written claim's citations as `pytest evals/` does (judge
faithfulness, citation precision).

`python -m bench.context [--variants passages,guide,guide_hint] [--cases evals/blind_1.jsonl ...]
[--judge]` prints a table and writes `bench/results/context.json`. It measures; it changes nothing
in the coach.
"""

from __future__ import annotations

import argparse
import json
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.run import RESULTS, _median
from coach.answer import Coach
from coach.kept import GUIDE_LAYOUTS
from coach.llm import ChatModel
from coach.prompts import Labelled, answer_messages, fixed_messages, passages_block, render
from coach.quote import excerpts
from coach.records import Passage
from coach.session import build_coach
from coach.settings import apply_process_switches, load_settings
from evals.faithfulness import Case, answer_case, judge_case, load_cases
from evals.prompt_size import NewTokens, Recording

Messages = list[dict[str, str]]


def lead(query: str, passages: list[Passage], coach: Coach) -> Messages:
    """The first passage whole, the others reduced to their excerpts (dropped when they have none)."""
    chosen = {e.passage: e for e in excerpts(query, passages, coach.rarity)}
    labelled = [
        Labelled(n + 1, p.chunk.title, p.chunk.section, text)
        for n, p in enumerate(passages)
        if (text := p.chunk.text if n == 0 else "\n".join(chosen[n].lines) if n in chosen else "")
    ]
    question = render("question", passages=passages_block(labelled), question=query)
    return [*fixed_messages(), {"role": "user", "content": question}]


VARIANTS: dict[str, Callable[[str, list[Passage], Coach], Messages]] = {
    "passages": lambda q, ps, c: answer_messages(q, ps),
    "grouped": lambda q, ps, c: answer_messages(q, ps, layout="grouped"),
    "excerpts": lambda q, ps, c: answer_messages(q, ps, excerpts(q, ps, c.rarity)),
    "top2": lambda q, ps, c: answer_messages(q, ps[:2]),
    "lead1": lead,
    "guide": None,  # the coach's own layouts, from kept states
    "guide_hint": None,
    "guide_lead": None,
    "part": None,
    "part_hint": None,
    "reader": None,  # four passages, the coach's own path, reading by model first
}


class Silent:
    """A model that answers nothing: finds which cases reach the model, without it."""

    def stream(self, messages: Messages, max_tokens: int) -> Iterator[str]:
        yield from ()


def use(coach: Coach, variant: str) -> None:
    """This coach (only this one) sends the model the variant's context, after the fixed part its
    layout goes with (warm-up included)."""
    build = VARIANTS[variant]
    context = variant if variant in ("grouped", *GUIDE_LAYOUTS) else "passages"
    reader = "model" if variant == "reader" else "patterns"
    coach.settings = coach.settings.model_copy(update={"model_context": context, "reader": reader})
    coach.__dict__.pop("_generate", None)
    if build is None:
        return

    def generate(self: Coach, query: str, passages: list[Passage], whole=False, hint=None) -> Iterator[str]:
        yield from self.model.stream(build(query, passages, self), self.settings.max_answer_tokens)

    coach._generate = types.MethodType(generate, coach)  # type: ignore[method-assign]


def model_cases(coach: Coach, cases: list[Case]) -> list[Case]:
    """The cases that ask the model anything (an answer, or a follow-up rewritten)."""
    real: ChatModel = coach.model
    coach.model = recording = Recording(Silent())
    try:
        reached = []
        for case in cases:
            sent = len(recording.requests)
            answer_case(coach, case)
            if len(recording.requests) > sent:
                reached.append(case)
        return reached
    finally:
        coach.model = real


def measure(coach: Coach, variant: str, cases: list[Case], tokens: NewTokens, judged: bool) -> list[dict]:
    use(coach, variant)
    real = coach.model
    coach.model = recording = Recording(real)
    coach.warm_up()
    coach.keep_states()  # guide layouts: each guide read once, or found kept on disk
    rows = []
    try:
        for n, case in enumerate(cases, 1):
            result, answer = answer_case(coach, case, recording, tokens)
            if judged and result.claims and answer.path == "model":
                coach.model = real
                judge_case(coach, result, answer)
                coach.model = recording
            verdicts = [v for c in result.claims for v in c.judged]
            rows.append({
                "id": case.id, "split": case.split, "correct": result.correct, "refused": result.refused,
                "expect": case.expect, "first_token": result.first_token, "total": result.seconds,
                "new_tokens": result.new_tokens, "path": result.answered_by,
                "guide_read": answer.guide_read, "source": case.source,
                "claims_ok": [c.judge_ok for c in result.claims] if judged else None,
                "verdicts": verdicts if judged else None,
            })  # fmt: skip
            print(f"\r{variant}: {n}/{len(cases)}", end="", file=sys.stderr, flush=True)
    finally:
        coach.model = real
    print(file=sys.stderr)
    return rows


def table(results: dict[str, list[dict]]) -> str:
    lines = [
        "| variant | split | cases | new tokens, median | first token, median | correct | answerable refused "
        "| unanswerable refused | faithful claims | citation precision | guide not the case's |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    splits = list(dict.fromkeys(r["split"] for rows in results.values() for r in rows))
    for variant, rows in results.items():
        for split in splits:
            part = [r for r in rows if r["split"] == split]
            graded = [r for r in part if r["correct"] is not None]
            answerable = [r for r in part if r["expect"] == "answer"]
            unanswerable = [r for r in part if r["expect"] != "answer"]
            tokens = _median([r["new_tokens"] for r in part if r["new_tokens"] is not None])
            first = _median([r["first_token"] for r in part if r["first_token"] is not None])
            lines.append(
                f"| {variant} | {split} | {len(part)} | {tokens if tokens is not None else '—'} | "
                f"{f'{first:.2f} s' if first is not None else '—'} | "
                f"{sum(bool(r['correct']) for r in graded)}/{len(graded)} | "
                f"{sum(bool(r['refused']) for r in answerable)}/{len(answerable)} | "
                f"{sum(bool(r['refused']) for r in unanswerable)}/{len(unanswerable)} | "
                f"{_share([ok for r in part for ok in r.get('claims_ok') or []])} | "
                f"{_share([v is True for r in part for v in r.get('verdicts') or []])} | "
                f"{_wrong_guide(part)} |"
            )
    return "\n".join(lines)


def _share(hits: list[bool]) -> str:
    return f"{sum(hits)}/{len(hits)}" if hits else "—"


def _wrong_guide(rows: list[dict]) -> str:
    """Of the answers the model wrote from a whole guide, for a case about one guide: how many
    read another guide than the case's."""
    read = [r for r in rows if r.get("guide_read") and r.get("source")]
    return f"{sum(r['guide_read'] != r['source'] for r in read)}/{len(read)}" if read else "—"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.context", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--variants", default=",".join(VARIANTS), help="comma-separated, of: " + ", ".join(VARIANTS)
    )
    parser.add_argument(
        "--cases", nargs="+", type=Path, default=[Path("evals/golden.jsonl")], help="case files (JSON Lines)"
    )
    parser.add_argument("--judge", action="store_true", help="judge each model-written claim's citations")
    args = parser.parse_args(argv)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant {unknown[0]!r}: pick from {', '.join(VARIANTS)}")
    apply_process_switches()
    settings = load_settings()
    coach = build_coach(settings)
    tokens = NewTokens.for_settings(settings, coach.readable())
    cases = model_cases(coach, [case for path in args.cases for case in load_cases(path)])
    results = {v: measure(coach, v, cases, tokens, args.judge) for v in variants}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "context.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
