"""Gates of the class set: the same operation asked of every roadmap, move, starting role, list
and named entry the guides hold (evals/classes.jsonl, written from the guides alone, in phrasings
of its own), through the real configured model. Writes results/classes.md and .json, and fails
when a metric misses its gate in evals/class_gates.toml (about 12 minutes on a 2-core CPU with the
embedded model)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from evals.faithfulness import failures, load_cases, load_gates, markdown, run, summarize, write_report

pytestmark = pytest.mark.real_model

CLASSES = Path(__file__).with_name("classes.jsonl")
CLASS_GATES = Path(__file__).with_name("class_gates.toml")
EVERY = ("total", "missing", "fit", "span_plan", "hours_plan", "compare", "extreme", "count", "list", "entry")


def test_class_set_asks_every_class_on_both_halves():
    cases = load_cases(CLASSES)
    assert len(cases) >= 100 and len({c.id for c in cases}) == len(cases)
    halves = Counter((c.topic, c.split) for c in cases)
    assert all(halves[(topic, split)] >= 3 for topic in EVERY for split in ("dev", "test"))
    refuse = [c for c in cases if c.expect == "refuse"]
    assert len(refuse) >= 8 and all(c.topic == "offtopic" and not c.facts for c in refuse)
    assert all(c.facts for c in cases if c.expect == "answer")


def test_every_class_metric_meets_its_gate(eval_coach, results_dir, say):
    started = time.perf_counter()
    results = run(eval_coach, load_cases(CLASSES), say)
    summary = summarize(results)
    gates = load_gates(CLASS_GATES)
    write_report(results, summary, gates, results_dir, "classes")
    say("\n" + markdown(results, summary, gates).split("\n\n")[0])
    say(f"{len(results)} class cases in {time.perf_counter() - started:.0f} s; report in {results_dir}")
    assert failures(summary, gates) == []
