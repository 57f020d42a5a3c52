"""A question set answered once through the coach as it is configured (the embedded model by
default), each case as `pytest evals/` answers it: per half and per topic, the answerable questions
right and refused, the off-topic ones refused, how many of the right answers each path wrote, and
the median seconds per question. No gates: for measuring a set that is not in the suite.

`python -m evals.answer_set evals/dev_2.jsonl [--out results/answer_set.json]`
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from evals.faithfulness import answer_case, load_cases

if TYPE_CHECKING:
    from coach.answer import Coach


def main(argv: list[str] | None = None) -> int:
    args, coach = opened("python -m evals.answer_set", Path("results/answer_set.json"), argv)
    rows = []
    for case in load_cases(args.cases):
        started = time.perf_counter()
        result, answer = answer_case(coach, case)
        row = {"id": case.id, "split": case.split, "topic": case.topic, "expect": case.expect}
        row |= {"correct": bool(result.correct), "refused": result.refused, "path": answer.path}
        row |= {"seconds": round(time.perf_counter() - started, 2), "answer": answer.answer}
        rows.append(row)
        print(json.dumps({k: v for k, v in row.items() if k != "answer"}), flush=True)
    report(rows, args.out, tally)
    return 0


def opened(prog: str, out: Path, argv: list[str] | None) -> tuple[argparse.Namespace, Coach]:
    """The command line of a set runner (a cases file, `--out`) and the coach as configured."""
    from coach.session import build_coach
    from coach.settings import apply_process_switches, load_settings

    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("cases", type=Path)
    parser.add_argument("--out", type=Path, default=out)
    args = parser.parse_args(argv)
    apply_process_switches()
    return args, build_coach(load_settings())


def report(rows: list[dict], out: Path, tally: Callable[[list[dict]], str]) -> None:
    """The rows written to `out`, and their tally per half and per topic printed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    for split in sorted({r["split"] for r in rows}):
        print(split, tally([r for r in rows if r["split"] == split]))
    for topic in sorted({r["topic"] for r in rows}):
        print(f"  {topic}:", tally([r for r in rows if r["topic"] == topic]))


def tally(rows: list[dict]) -> str:
    answerable = [r for r in rows if r["expect"] == "answer"]
    refuse = [r for r in rows if r["expect"] == "refuse"]
    right = [r for r in answerable if r["correct"]]
    paths = {p: sum(r["path"] == p for r in right) for p in ("facts", "model")}
    written = {p: sum(r["path"] == p for r in answerable) for p in ("facts", "model")}
    median = statistics.median(r["seconds"] for r in rows) if rows else 0.0
    return (
        f"right {len(right)}/{len(answerable)}, answerable refused {sum(r['refused'] for r in answerable)}, "
        f"off-topic refused {sum(r['refused'] for r in refuse)}/{len(refuse)}, "
        f"right from the facts {paths['facts']}/{written['facts']}, by the model {paths['model']}/{written['model']}, "
        f"median {median:.1f} s"
    )


if __name__ == "__main__":
    raise SystemExit(main())
