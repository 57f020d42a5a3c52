"""Gate: hybrid retrieval finds the supporting passage in its top 3 for at least 95% of questions."""

from __future__ import annotations

from evals.retrieval import evaluate, load_cases, markdown_table

HYBRID_HIT_AT_3_GATE = 0.95


def test_golden_set_is_large_and_covers_every_guide():
    cases = load_cases()
    assert len(cases) >= 40
    assert len({c.source for c in cases}) == 5
    assert len({c.id for c in cases}) == len(cases)


def test_hybrid_retrieval_hit_at_3_meets_its_gate(eval_retriever, results_dir, capsys):
    cases = load_cases()
    results = evaluate(eval_retriever, cases)
    table = markdown_table(results, len(cases))
    (results_dir / "retrieval.md").write_text(table + "\n", encoding="utf-8")
    with capsys.disabled():
        print("\n" + table)
        print("hybrid misses at 3:", results["hybrid"]["misses"] or "none")
    assert results["hybrid"]["hit@3"] >= HYBRID_HIT_AT_3_GATE, results["hybrid"]["misses"]
    # Fusion must not be worse than either list alone.
    for k in ("hit@1", "hit@3", "hit@5"):
        assert results["hybrid"][k] >= max(results["dense"][k], results["lexical"][k])
