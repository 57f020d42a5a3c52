"""The tally of a question set answered once (`evals/answer_set.py`)."""

from __future__ import annotations

from evals.answer_set import tally


def test_the_tally_counts_right_refused_and_each_path_s_right_answers():
    rows = [
        {"expect": "answer", "correct": True, "refused": False, "path": "facts", "seconds": 0.1},
        {"expect": "answer", "correct": False, "refused": False, "path": "model", "seconds": 5.0},
        {"expect": "answer", "correct": True, "refused": False, "path": "model", "seconds": 6.0},
        {"expect": "answer", "correct": False, "refused": True, "path": "model", "seconds": 2.0},
        {"expect": "refuse", "correct": False, "refused": True, "path": "model", "seconds": 0.2},
        {"expect": "refuse", "correct": False, "refused": False, "path": "model", "seconds": 4.0},
    ]
    assert tally(rows) == (
        "right 2/4, answerable refused 1, off-topic refused 1/2, "
        "right from the facts 1/1, by the model 1/3, median 3.0 s"
    )
