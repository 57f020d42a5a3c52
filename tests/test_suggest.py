"""Suggested follow-ups: drawn from the answer's guide, standing on their own, and answerable."""

from __future__ import annotations

import pytest

from coach.condense import needs_rewrite
from coach.suggest import _sections, follow_ups, question_for, starters

PYTORCH_SKILL = "Skills You'll Need to Learn > Deep Learning Frameworks (PyTorch)"


def chunk(retriever, section: str, source: str = "003_64d046e4da0a868d.txt"):
    return next(c for c in retriever.chunks if c.source == source and c.section == section)


def test_follow_ups_after_a_skill_are_the_next_skill_then_another_part_of_the_same_guide(retriever):
    cited = [chunk(retriever, PYTORCH_SKILL)]
    assert follow_ups(retriever.chunks, cited, asked=[]) == [
        "How should I learn Research Paper Reading and Implementation to become a Deep Learning Engineer?",
        "What do I do in Phase 1 (Foundation: Mathematics and Python for ML) on the way to a Deep Learning Engineer?",
        "How should I learn Distributed Training and Model Optimization to become a Deep Learning Engineer?",
    ]


def test_follow_ups_skip_what_was_asked_and_offer_the_guides_own_faq(retriever):
    source = "004_119f0da49d63d80d.txt"
    cited = [chunk(retriever, "Frequently Asked Questions > What salary can AI engineers expect?", source)]
    asked = ["Will AI eventually automate AI engineering?"]
    suggestions = follow_ups(retriever.chunks, cited, asked)
    assert suggestions[0] == "Do I need a PhD to become an AI engineer?"
    assert asked[0] not in suggestions and len(suggestions) == 3


def test_a_refusal_offers_one_opening_question_per_guide(retriever):
    assert starters(retriever.chunks, ["001_4c8e3eb882205519.txt", "004_119f0da49d63d80d.txt"]) == [
        "What is the timeline of the move from Deep Learning Engineer to Machine Learning Engineer?",
        "What is the timeline of the move to AI Engineer?",
    ]


def test_a_section_without_a_template_is_never_suggested(retriever):
    assert question_for(chunk(retriever, "Overview")) is None


@pytest.mark.parametrize(
    "source",
    ["000_9e3a73c7d27677eb.txt", "001_4c8e3eb882205519.txt", "002_f509431828cc4a69.txt",
     "003_64d046e4da0a868d.txt", "004_119f0da49d63d80d.txt"],
)  # fmt: skip
def test_every_suggestion_stands_alone_and_retrieves_its_own_section(retriever, source):
    """Asked in a conversation, no suggestion needs a rewrite, and the passages the model gets
    (top 4) include its section, or the overview of its heading, which lists every item."""
    misses = []
    for section_chunk, question in _sections(retriever.chunks, source):
        assert not needs_rewrite(question, [("an earlier question", "an earlier answer")]), question
        found = {p.chunk.section for p in retriever.search(question, k=4) if p.chunk.source == source}
        heading = section_chunk.section.split(" > ")[0]
        timeline = section_chunk.section == "At a Glance" and any("Timeline" in s for s in found)
        if not (found & {section_chunk.section, heading} or timeline):
            misses.append(question)
    assert misses == []
