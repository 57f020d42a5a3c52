"""Hybrid retrieval on the real corpus with the real MiniLM model."""

from __future__ import annotations

import pytest

from coach.errors import BadInputError

FOUNDATION = (
    "How many weeks does the roadmap give the foundation phase when a backend developer "
    "moves into deep learning?"
)


def test_foundation_phase_question_finds_the_backend_roadmap_with_8_weeks_first(retriever):
    top = retriever.search(FOUNDATION, k=4)[0]
    assert top.chunk.source == "003_64d046e4da0a868d.txt"
    assert top.chunk.section.startswith("Your Learning Roadmap")
    assert "Foundation: Mathematics and Python for ML" in top.chunk.section + top.chunk.text
    assert "8 weeks" in top.chunk.text


def test_scores_are_fused_and_descending(retriever):
    passages = retriever.search(FOUNDATION, k=5)
    scores = [p.score for p in passages]
    assert len(passages) == 5 and scores == sorted(scores, reverse=True)
    assert all(set(p.ranks) <= {"dense", "lexical"} and p.ranks for p in passages)


def test_an_exact_figure_is_found_lexically(retriever):
    top = retriever.search("$108,020", k=1, mode="lexical")[0]
    assert top.chunk.source.startswith("004") and "$108,020" in top.chunk.text


def test_a_certification_name_is_found(retriever):
    top = retriever.search("Google Professional Machine Learning Engineer cost", k=1)[0]
    assert top.chunk.section.endswith("Bridge Certifications")
    assert "(~$200)" in top.chunk.text


def test_named_transition_prefers_its_guide(retriever):
    # Every transition guide has a "Salary Change" line; the named one must win.
    for question, source, figure in [
        ("What salary change comes with going from deep learning engineer to AI architect?", "000", "+20%"),
        (
            "What salary change comes with going from backend developer to deep learning engineer?",
            "003",
            "40",
        ),
    ]:
        top = retriever.search(question, k=3)[0]
        assert top.chunk.source.startswith(source), question
        assert figure in top.chunk.text


def test_empty_query_is_bad_input(retriever):
    with pytest.raises(BadInputError, match="empty"):
        retriever.search("   ")


def test_question_naming_its_own_role_is_not_pulled_to_the_guide_of_earlier_turns(retriever):
    earlier = ("003_64d046e4da0a868d.txt",)  # the backend developer to deep learning engineer guide
    passages = retriever.search("What salary can AI engineers expect?", k=4, prefer=earlier)
    assert passages[0].chunk.section == "Frequently Asked Questions > What salary can AI engineers expect?"
    assert passages[0].chunk.source == "004_119f0da49d63d80d.txt"


def test_a_question_naming_no_role_stays_with_the_guide_the_conversation_was_about(retriever):
    for guide in ("003_64d046e4da0a868d.txt", "001_4c8e3eb882205519.txt"):
        passages = retriever.search("How long does the transition take?", k=4, prefer=(guide,))
        assert passages[0].chunk.source == guide
