"""Retrieval quality on the golden set: hit@1/3/5 for dense-only, BM25-only and hybrid search.

A case is a hit at k when one of the top k passages comes from the case's guide and contains
all of its phrases (in the passage's section heading or text). Cases name passages by guide and
phrase, not by chunk id, so the set survives changes to chunking.

Run `python -m evals.retrieval` for the table; `pytest evals/` gates the hybrid hit@3.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from coach.records import Passage
from coach.retrieve import Retriever

GOLDEN = Path(__file__).with_name("retrieval_golden.jsonl")
MODES = ("dense", "lexical", "hybrid")
KS = (1, 3, 5)


@dataclass(frozen=True)
class Case:
    id: str
    question: str
    source: str
    phrases: tuple[str, ...]

    def supported_by(self, passage: Passage) -> bool:
        where = f"{passage.chunk.section}\n{passage.chunk.text}"
        return passage.chunk.source == self.source and all(p in where for p in self.phrases)


def load_cases(path: Path = GOLDEN) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            cases.append(Case(row["id"], row["question"], row["source"], tuple(row["phrases"])))
    return cases


def first_hit(case: Case, passages: list[Passage]) -> int | None:
    """1-based rank of the first supporting passage, or None."""
    return next((n for n, p in enumerate(passages, start=1) if case.supported_by(p)), None)


def evaluate(retriever: Retriever, cases: list[Case]) -> dict[str, dict]:
    """{mode: {"hit@k": share, ..., "misses": {case id: rank or None}}}."""
    results: dict[str, dict] = {}
    for mode in MODES:
        ranks = {c.id: first_hit(c, retriever.search(c.question, k=max(KS), mode=mode)) for c in cases}
        row: dict = {f"hit@{k}": sum(1 for r in ranks.values() if r and r <= k) / len(cases) for k in KS}
        row["misses"] = {i: r for i, r in ranks.items() if not r or r > 3}
        results[mode] = row
    return results


def markdown_table(results: dict[str, dict], n_cases: int) -> str:
    names = {
        "dense": "dense only (MiniLM)",
        "lexical": "BM25 only",
        "hybrid": "hybrid (RRF + guide preference)",
    }
    lines = [
        f"| retrieval ({n_cases} questions) | hit@1 | hit@3 | hit@5 |",
        "|---|---|---|---|",
    ]
    for mode in MODES:
        r = results[mode]
        lines.append(f"| {names[mode]} | " + " | ".join(f"{r[f'hit@{k}']:.0%}" for k in KS) + " |")
    return "\n".join(lines)


def main() -> None:
    from coach.settings import apply_process_switches, load_settings

    apply_process_switches()
    cases = load_cases()
    results = evaluate(Retriever.open(load_settings()), cases)
    print(markdown_table(results, len(cases)))
    for mode in MODES:
        if results[mode]["misses"]:
            print(f"{mode} misses at 3 (case: rank of first hit within 5):", results[mode]["misses"])


if __name__ == "__main__":
    main()
