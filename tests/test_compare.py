"""`coach compare`: transitions named loosely, side by side, every cell a guide's value at its span."""

from __future__ import annotations

import json
import re

import pytest

from coach.chunking import load_corpus
from coach.cli import main
from coach.compare import ROWS, compare, every_subject, resolve
from coach.errors import BadInputError
from coach.facts import corpus_facts
from coach.terms import GuideTerms
from tests.conftest import BACKEND_TO_DL, CORPUS, DL_TO_ARCHITECT


@pytest.fixture(scope="module")
def guides():
    return corpus_facts(CORPUS, 900), GuideTerms.of(load_corpus(CORPUS, 900)[1])


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def test_two_transitions_with_their_timelines_difficulty_and_pay_each_cited(capsys):
    code = main(
        [
            "compare",
            "--json",
            "backend developer to deep learning engineer",
            "deep learning engineer to AI architect",
        ]
    )
    out = json.loads(capsys.readouterr().out)["transitions"]
    assert code == 0 and [t["transition"] for t in out] == [
        "Backend Developer → Deep Learning Engineer",
        "Deep Learning Engineer → AI Architect",
    ]
    assert [t["source"] for t in out] == [BACKEND_TO_DL, DL_TO_ARCHITECT]

    def values(t: dict, row: str) -> list[tuple[str, str]]:
        return [(c["value"], c["label"]) for c in t["rows"][row]]

    backend, architect = out
    # The guides state a length twice, differently; the phases add up to a third: all three shown.
    assert values(backend, "timeline") == [
        ("9-12 months", ""),
        ("9-Month", "title"),
        ("32 weeks", "its 5 roadmap phases added up"),
    ]
    assert values(architect, "timeline") == [
        ("6-9 months", ""),
        ("9-Month", "title"),
        ("28 weeks", "its 5 roadmap phases added up"),
    ]
    assert values(backend, "difficulty") == [("Challenging", "")]
    assert values(architect, "difficulty") == [("Moderate", "")]
    assert values(backend, "salary change") == [("+40%", ""), ("40-100%", "elsewhere in the guide")]
    assert values(architect, "salary change") == [("+20%", "")]
    raw = (CORPUS / BACKEND_TO_DL).read_text(encoding="utf-8")
    cell = backend["rows"]["timeline"][0]
    assert raw[cell["start"] : cell["end"]] == "9-12 months" and cell["source"] == BACKEND_TO_DL
    total = backend["rows"]["timeline"][2]
    assert total["start"] is None and [c["value"] for c in total["computed_from"]] == [
        "8 weeks",
        "6 weeks",
        "10 weeks",
        "4 weeks",
        "4 weeks",
    ]


def test_which_cells_each_guide_fills_is_pinned(guides):
    facts, _ = guides
    filled = {
        s.name: tuple(len(cells) for cells in column.rows.values())
        for s, column in zip(every_subject(facts)[:6], compare(every_subject(facts)[:6], facts), strict=True)
    }
    assert ROWS == (
        "timeline",
        "difficulty",
        "salary change",
        "demand",
        "critical skills",
        "certifications",
        "first phase",
        "what you might miss",
    )
    assert filled == {
        "Deep Learning Engineer → AI Architect": (3, 1, 1, 1, 2, 0, 1, 4),
        "Deep Learning Engineer → Machine Learning Engineer": (2, 0, 0, 0, 0, 0, 1, 4),
        "AI/ML Architect path": (0, 0, 0, 0, 0, 0, 0, 0),
        "Backend Developer → Deep Learning Engineer": (3, 1, 2, 1, 2, 0, 1, 4),
        "AI Engineer path": (0, 0, 0, 0, 0, 6, 0, 0),
        "Software Engineer / Backend Developer → AI Engineer": (1, 0, 0, 0, 0, 6, 0, 0),
    }


def test_every_cell_of_every_comparison_is_what_its_guide_holds_at_its_span(guides):
    facts, _ = guides
    subjects = every_subject(facts)
    checked = 0
    for column in compare(subjects, facts):
        raw = (CORPUS / column.subject.guide).read_text(encoding="utf-8")
        for cells in column.rows.values():
            for cell in cells:
                for v in (*cell.spans, *([cell.detail] if cell.detail else [])):
                    assert _squash(v.text) and _squash(v.text) in _squash(raw[v.start : v.end]), (column, v)
                    checked += 1
                if cell.computed:  # added up from the phases' weeks it cites
                    assert cell.computed == f"{sum(int(v.text.split()[0]) for v in cell.inputs)} weeks"
    assert (len(subjects), checked) == (10, 112)


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("backend → DL", "Backend Developer → Deep Learning Engineer"),
        ("DL engineer to architect", "Deep Learning Engineer → AI Architect"),
        ("DL to MLE", "Deep Learning Engineer → Machine Learning Engineer"),
        ("data scientist into AI engineering", "Data Scientist → AI Engineer"),
        ("the AI/ML architect path", "AI/ML Architect path"),
    ],
)
def test_a_transition_is_named_loosely(guides, name, meant):
    facts, terms = guides
    assert resolve(name, facts, terms).name == meant


def test_a_name_that_fits_two_guides_exits_2_listing_them(capsys):
    assert main(["compare", "architect", "backend to DL"]) == 2
    err = capsys.readouterr().err
    assert err == (
        'coach: "architect" could mean more than one transition: Deep Learning Engineer → AI Architect; '
        "AI/ML Architect path. Name one of them.\n"
    )


def test_names_that_fit_no_guide_or_too_few_exit_2(guides, capsys):
    facts, terms = guides
    with pytest.raises(BadInputError, match='No guide treats "plumber". The guides treat: '):
        resolve("plumber", facts, terms)
    assert main(["compare", "backend to DL"]) == 2
    assert capsys.readouterr().err == "coach: Name two or three transitions to compare, not 1.\n"
    assert main(["compare", "backend to DL", "backend developer to deep learning engineer"]) == 2
    assert "the same transition" in capsys.readouterr().err
