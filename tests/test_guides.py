"""Known-answer tests for the guide parser, on tiny guides and on the real corpus."""

from __future__ import annotations

import re

import pytest

from coach.chunking import chunk_guide, load_corpus
from coach.errors import BadInputError
from coach.guides import ANSWER_NO_QUESTION, parse_guide, read_guide
from tests.conftest import CORPUS

TINY = """Career Pathway1 views
Backend Developer
Deep Learning Engineer

From Backend Developer to Deep Learning Engineer: Your 9-Month Transition

Difficulty
Challenging
Timeline
9-12 months

Skills You'll Need to Learn

Here's what you'll need to learn.

Deep Learning Frameworks (PyTorch)

Critical6 weeks

Complete the 'PyTorch for Deep Learning' course on Udemy.

Research Papers

Nice to haveOngoing

Read 'Attention Is All You Need'.

Your Learning Roadmap

1

Foundation: Mathematics

8 weeks
Tasks
  • Complete the math specialization
Resources
Coursera: Mathematics for Machine LearningBook: 'Python Data Science Handbook' by Jake VanderPlas

Frequently Asked Questions

Based on the salary ranges, you can expect a 40-100% increase.
Do I need a PhD?
No. Most roles value engineering experience.

Ready to Start Your Transition?

Take the next step.
"""


def sections_of(text: str) -> dict[str, str]:
    return {s.heading: s.text for s in parse_guide("t.txt", text).sections}


def test_title_and_roles_come_from_the_headline():
    guide = parse_guide("t.txt", TINY)
    assert guide.title == "From Backend Developer to Deep Learning Engineer: Your 9-Month Transition"
    assert (guide.from_role, guide.to_role) == ("Backend Developer", "Deep Learning Engineer")


def test_label_and_value_on_separate_lines_are_joined():
    glance = sections_of(TINY)["At a Glance"]
    assert glance.splitlines() == [
        "From Backend Developer to Deep Learning Engineer: Your 9-Month Transition",
        "Difficulty: Challenging",
        "Timeline: 9-12 months",
    ]


def test_glued_priority_and_weeks_become_readable():
    sections = sections_of(TINY)
    assert sections["Skills You'll Need to Learn > Deep Learning Frameworks (PyTorch)"] == (
        "Priority: Critical · 6 weeks\nComplete the 'PyTorch for Deep Learning' course on Udemy."
    )
    assert sections["Skills You'll Need to Learn > Research Papers"].startswith(
        "Priority: Nice to have · Ongoing"
    )


def test_skill_table_gets_an_overview_with_each_row():
    overview = sections_of(TINY)["Skills You'll Need to Learn"]
    assert overview.splitlines() == [
        "Here's what you'll need to learn.",
        "- Deep Learning Frameworks (PyTorch) — Priority: Critical · 6 weeks",
        "- Research Papers — Priority: Nice to have · Ongoing",
    ]


def test_roadmap_phase_keeps_duration_tasks_and_split_resources():
    phase = sections_of(TINY)["Your Learning Roadmap > Phase 1: Foundation: Mathematics"]
    assert phase.splitlines() == [
        "Duration: 8 weeks",
        "Tasks:",
        "- Complete the math specialization",
        "Resources:",
        "- Coursera: Mathematics for Machine Learning",
        "- Book: 'Python Data Science Handbook' by Jake VanderPlas",
    ]


def test_faq_answer_without_question_is_kept_and_labelled_without_inventing_one():
    sections = sections_of(TINY)
    assert sections[ANSWER_NO_QUESTION] == "Based on the salary ranges, you can expect a 40-100% increase."
    assert sections["Frequently Asked Questions > Do I need a PhD?"] == (
        "No. Most roles value engineering experience."
    )


def test_page_chrome_and_call_to_action_are_dropped():
    text = "\n".join(sections_of(TINY).values())
    assert "Career Pathway" not in text and "Take the next step" not in text


def test_reference_markers_become_named_sources():
    guide = parse_guide(
        "t.txt",
        "AI Engineer Career Transition Guide\nPay is high [2] and growing [1].\n"
        '*Sources: [1] Stanford HAI, "AI Index," 2025. [2] U.S. Bureau of Labor Statistics, OOH, 2024.*',
    )
    texts = {s.heading: s.text for s in guide.sections}
    assert texts["At a Glance"].endswith(
        "Pay is high (source: U.S. Bureau of Labor Statistics) and growing (source: Stanford HAI)."
    )
    assert texts["Sources"] == (
        '- Stanford HAI, "AI Index," 2025\n- U.S. Bureau of Labor Statistics, OOH, 2024'
    )
    assert guide.to_role == "AI Engineer"


def test_a_guide_without_known_headings_is_kept_whole():
    guide = parse_guide("notes.txt", "My notes\nSome advice about careers.\nMore advice.")
    assert [(s.heading, s.text) for s in guide.sections][-1] == (
        "Guide",
        "Some advice about careers.\nMore advice.",
    )


def test_empty_and_non_utf8_guides_are_bad_input(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    with pytest.raises(BadInputError, match="empty.txt is empty"):
        read_guide(empty)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 career".encode("latin-1"))
    with pytest.raises(BadInputError, match="latin.txt is not valid UTF-8"):
        read_guide(latin)


# --- the real corpus -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus():
    guides, chunks, skipped = load_corpus(CORPUS, chunk_chars=900)
    assert skipped == []
    return {g.source[:3]: g for g in guides}, chunks


def test_every_guide_has_its_roles(corpus):
    guides, _ = corpus
    roles = {key: (g.from_role, g.to_role) for key, g in guides.items()}
    assert roles == {
        "000": ("Deep Learning Engineer", "AI Architect"),
        "001": ("Deep Learning Engineer", "Machine Learning Engineer"),
        "002": ("", "AI/ML Architect"),
        "003": ("Backend Developer", "Deep Learning Engineer"),
        "004": ("", "AI Engineer"),
    }


def test_no_chunk_carries_a_guide_reference_marker_or_glued_cell(corpus):
    _, chunks = corpus
    for chunk in chunks:
        assert not re.search(r"\[\d+\]", chunk.text), chunk.section
        assert not re.search(r"(Critical|Important|have)(\d|Ongoing)", chunk.text), chunk.section
        assert "**" not in chunk.text


def test_figures_stated_twice_are_both_kept(corpus):
    guides, chunks = corpus
    text_003 = "\n".join(c.document for c in chunks if c.source.startswith("003"))
    assert "9-Month Transition" in text_003 and "Timeline: 9-12 months" in text_003
    roadmap_001 = next(s for s in guides["001"].sections if s.heading == "Your Learning Roadmap")
    weeks = [int(w) for w in re.findall(r"Duration: (\d+) weeks", roadmap_001.text)]
    assert weeks == [4, 6, 4, 3, 3] and "4-Month" in guides["001"].title


def test_three_guides_keep_their_question_less_faq_answer(corpus):
    _, chunks = corpus
    labelled = sorted(c.source[:3] for c in chunks if c.section == ANSWER_NO_QUESTION)
    assert labelled == ["000", "001", "003"]


def test_chunks_are_compact_and_carry_their_metadata(corpus):
    guides, chunks = corpus
    assert len(chunks) > 100
    assert max(len(c.text) for c in chunks) <= 900
    pytorch = next(c for c in chunks if c.section.endswith("> Deep Learning Frameworks (PyTorch)"))
    assert pytorch.source == "003_64d046e4da0a868d.txt"
    assert (pytorch.from_role, pytorch.to_role) == ("Backend Developer", "Deep Learning Engineer")
    assert pytorch.text.startswith("Priority: Critical · 6 weeks")
    assert [c.position for c in chunks if c.source == pytorch.source] == list(
        range(sum(c.source == pytorch.source for c in chunks))
    )


def test_chunk_ids_are_content_hashes(corpus):
    guides, chunks = corpus
    again = chunk_guide(guides["003"], chunk_chars=900)
    assert [c.id for c in again] == [c.id for c in chunks if c.source.startswith("003")]
    assert len({c.id for c in chunks}) == len(chunks)


def test_an_answer_whose_question_the_guide_omits_is_shown_under_the_heading_it_sits_in():
    from coach.guides import ANSWER_NO_QUESTION, shown_heading

    assert shown_heading(ANSWER_NO_QUESTION) == "Frequently Asked Questions"
    assert shown_heading("Skills You'll Need to Learn > Deep Learning Frameworks (PyTorch)") == (
        "Deep Learning Frameworks (PyTorch)"
    )
