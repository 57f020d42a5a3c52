"""What the meaning reader changes, measured: each case of a set answered by the coach as it is,
and each case the meaning reader reads (and every follow-up, whose reading depends on the turn
before) answered again with it turned off, through the real configured model. Prints, per half
and per topic, the answers right, the answerable questions refused and the off-topic questions
refused, with and without it; dev cases are shown one by one, other halves as totals only.

`python -m evals.reader_delta evals/classes.jsonl [--out results/reader_delta.json]`
"""

from __future__ import annotations

import json
from pathlib import Path

from coach.reading import read_question
from evals.answer_set import opened, report
from evals.faithfulness import answer_case, load_cases


def main(argv: list[str] | None = None) -> int:
    args, coach = opened("python -m evals.reader_delta", Path("results/reader_delta.json"), argv)
    meant = type(coach)._meant
    rows = []
    for case in load_cases(args.cases):
        read = len(case.turns) > 1 or any(
            meant(coach, read_question(t, coach.retriever.terms), 0.0) is not None for t in case.turns
        )
        result, answer = answer_case(coach, case)
        row = {"id": case.id, "split": case.split, "topic": case.topic, "expect": case.expect, "read": read}
        row |= {"correct": bool(result.correct), "refused": result.refused, "path": answer.path}
        if read:
            coach._meant = lambda *a, **k: None  # type: ignore[method-assign]
            try:
                before, _ = answer_case(coach, case)
            finally:
                del coach._meant
            row |= {"before_correct": bool(before.correct), "before_refused": before.refused}
        else:
            row |= {"before_correct": row["correct"], "before_refused": row["refused"]}
        rows.append(row)
        if case.split == "dev":
            print(json.dumps(row), "|", " / ".join(case.turns)[:120], flush=True)
    report(rows, args.out, tally)
    return 0


def tally(rows: list[dict]) -> str:
    answerable = [r for r in rows if r["expect"] == "answer"]
    refuse = [r for r in rows if r["expect"] == "refuse"]

    def count(key: str, of: list[dict]) -> int:
        return sum(bool(r[key]) for r in of)

    return (
        f"correct {count('correct', answerable)}/{len(answerable)} "
        f"(without it {count('before_correct', answerable)}), "
        f"answerable refused {count('refused', answerable)} (without it {count('before_refused', answerable)}), "
        f"off-topic refused {count('refused', refuse)}/{len(refuse)} (without it {count('before_refused', refuse)}), "
        f"read by it {sum(r['read'] for r in rows)}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
