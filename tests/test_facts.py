"""The guides as typed facts: known answers for all five guides, and every span holds its value."""

from __future__ import annotations

import json
import re

import pytest

from coach.chunking import chunk_guide
from coach.cli import main
from coach.facts import (
    Certification,
    DestinationRole,
    Faq,
    InterviewQuestion,
    PayFigure,
    Phase,
    Skill,
    SourceRole,
    Story,
    Transition,
    Value,
    corpus_facts,
    fact_json,
    guide_facts,
)
from coach.frame import name_of
from coach.guides import parse_guide
from tests.conftest import AI_ENGINEER, ARCHITECT_PATH, BACKEND_TO_DL, CORPUS, DL_TO_ARCHITECT, DL_TO_MLE


@pytest.fixture(scope="module")
def facts() -> dict[str, list]:
    return corpus_facts(CORPUS, 900)


def of(facts, guide: str, kind: type) -> list:
    return [f for f in facts[guide] if isinstance(f, kind)]


def text(v: Value | None) -> str | None:
    return None if v is None else v.text


def test_backend_to_deep_learning(facts):
    (t,) = of(facts, BACKEND_TO_DL, Transition)
    assert (t.from_role, t.to_role) == ("Backend Developer", "Deep Learning Engineer")
    assert [text(v) for v in (t.difficulty, t.timeline, t.salary_change, t.headline_duration)] == [
        "Challenging",
        "9-12 months",
        "+40%",
        "9-Month",
    ]
    to_learn = {
        s.name.text: (text(s.priority), text(s.duration))
        for s in of(facts, BACKEND_TO_DL, Skill)
        if s.priority
    }
    assert to_learn == {
        "Neural Network Architectures (CNNs, RNNs, Transformers)": ("Important", "10 weeks"),
        "CUDA/GPU Programming": ("Important", "4 weeks"),
        "Advanced Mathematics (Linear Algebra, Calculus, Probability)": ("Critical", "8 weeks"),
        "Deep Learning Frameworks (PyTorch)": ("Critical", "6 weeks"),
        "Research Paper Reading and Implementation": ("Nice to have", "Ongoing"),
        "Distributed Training and Model Optimization": ("Nice to have", "3 weeks"),
    }
    phases = of(facts, BACKEND_TO_DL, Phase)
    assert [(p.number, text(p.duration)) for p in phases] == [
        (1, "8 weeks"),
        (2, "6 weeks"),
        (3, "10 weeks"),
        (4, "4 weeks"),
        (5, "4 weeks"),
    ]
    assert phases[2].title.text == "Advanced Architectures and Specialization"
    assert len(phases[2].tasks) == 4
    assert [r.text for r in phases[2].resources] == [
        "Coursera: Deep Learning Specialization by Andrew Ng",
        "Book: 'Deep Learning' by Goodfellow, Bengio, Courville",
    ]
    pay = {p.label.text: p.amount.text for p in of(facts, BACKEND_TO_DL, PayFigure)}
    assert pay == {
        "Backend Developers": "$85k-$140k",
        "Deep Learning Engineers": "$140k-$280k",
        "increase": "40-100%",
    }
    (faq,) = of(facts, BACKEND_TO_DL, Faq)
    assert faq.question is None and faq.answer.text.startswith("Based on the salary ranges")


def test_deep_learning_to_ai_architect(facts):
    (t,) = of(facts, DL_TO_ARCHITECT, Transition)
    assert [text(v) for v in (t.difficulty, t.timeline, t.salary_change, t.headline_duration)] == [
        "Moderate",
        "6-9 months",
        "+20%",
        "9-Month",
    ]
    cloud = next(
        s for s in of(facts, DL_TO_ARCHITECT, Skill) if s.name.text.startswith("Cloud Platform Expertise")
    )
    assert (text(cloud.priority), text(cloud.duration)) == ("Critical", "10 weeks")
    leadership = next(
        s for s in of(facts, DL_TO_ARCHITECT, Skill) if s.name.text.startswith("Technical Leadership")
    )
    assert text(leadership.duration) == "Ongoing"
    assert [text(p.duration) for p in of(facts, DL_TO_ARCHITECT, Phase)] == [
        "8 weeks",
        "6 weeks",
        "6 weeks",
        "4 weeks",
        "4 weeks",
    ]
    transferable = [
        s.name.text for s in of(facts, DL_TO_ARCHITECT, Skill) if s.list == "Your Transferable Skills"
    ]
    assert transferable[0] == "Neural Network Architecture" and len(transferable) == 5


def test_deep_learning_to_ml_engineer_states_no_summary_or_skill_weeks(facts):
    (t,) = of(facts, DL_TO_MLE, Transition)
    assert text(t.headline_duration) == "4-Month"
    assert (t.difficulty, t.timeline, t.salary_change, t.demand) == (None, None, None, None)
    to_learn = [s for s in of(facts, DL_TO_MLE, Skill) if s.list == "Skills You'll Need to Learn"]
    assert len(to_learn) == 6 and all(s.priority is None and s.duration is None for s in to_learn)
    phases = of(facts, DL_TO_MLE, Phase)
    assert [text(p.duration) for p in phases] == ["4 weeks", "6 weeks", "4 weeks", "3 weeks", "3 weeks"]
    assert (
        phases[0].tasks[0].text == "Complete Andrew Ng's Machine Learning course to fill traditional ML gaps"
    )
    assert phases[0].resources == ()


def test_ai_ml_architect_path(facts):
    (t,) = of(facts, ARCHITECT_PATH, Transition)
    assert (t.to_role, t.from_role, t.timeline) == ("AI/ML Architect", "", None)
    levels = {s.name.text: text(s.level) for s in of(facts, ARCHITECT_PATH, Skill)}
    assert levels == {
        "ML Fundamentals": "Intermediate",
        "System Design": "Advanced",
        "Data Engineering": "Intermediate",
        "ML Infrastructure": "Advanced",
        "Cloud & DevOps": "Intermediate",
        "AI Agents & LLMs": "Intermediate",
    }
    assert of(facts, ARCHITECT_PATH, Phase) == []  # the guide names four phases but lists none
    questions = of(facts, ARCHITECT_PATH, InterviewQuestion)
    assert len(questions) == 8
    assert [q.category for q in questions[::2]] == [
        "System Design",
        "ML Architecture",
        "Data Engineering",
        "Leadership",
    ]
    assert text(questions[0].hint).startswith("Focus on model serving patterns")


def test_ai_engineer_guide(facts):
    sources = {s.name.text: text(s.timeline) for s in of(facts, AI_ENGINEER, SourceRole)}
    assert sources == {
        "Software Engineer / Backend Developer": "6-12 months",
        "Data Scientist": "3-6 months",
        "Machine Learning Researcher / PhD Graduate": "3-6 months",
        "Data Engineer": "6-9 months",
        "Quantitative Analyst": "4-8 months",
    }
    destinations = {d.name.text: text(d.pay) for d in of(facts, AI_ENGINEER, DestinationRole)}
    assert destinations["AI Product Manager"] == "Median $160,000-$250,000/year"
    assert destinations["AI Startup Founder"] == "Varies widely"
    certs = {c.name.text: (text(c.cost), text(c.note)) for c in of(facts, AI_ENGINEER, Certification)}
    assert certs["AWS Machine Learning Specialty"] == ("~$300", None)
    assert certs["TensorFlow Developer Certificate"] == ("~$100", None)
    assert certs["Stanford Machine Learning Specialization"] == (None, "Coursera")
    assert certs["MBA"] == (None, None)
    stories = [(s.title.text, text(s.person), text(s.age)) for s in of(facts, AI_ENGINEER, Story)]
    assert stories[0] == ("From Backend Engineer to AI Engineer", "Yuki", "29")
    assert len(stories) == 3
    pay = {p.label.text: p.amount.text for p in of(facts, AI_ENGINEER, PayFigure)}
    assert pay == {
        "median annual pay": "$108,020",
        "Entry-level AI engineers": "$120,000-$160,000",
        "Mid-level": "$160,000-$250,000",
        "Senior/Staff": "$250,000-$400,000+",
    }
    assert [f.question.text for f in of(facts, AI_ENGINEER, Faq)][
        0
    ] == "Do I need a PhD to become an AI engineer?"


def _values(fact) -> list[Value]:
    out = []
    for v in vars(fact).values():
        out.extend(v if isinstance(v, tuple) else [v])
    return [v for v in out if isinstance(v, Value)]


def _squash(s: str) -> str:
    """Text without what the parser normalises: whitespace, bullets, markdown, reference markers."""
    return re.sub(r"[\W_]+", "", re.sub(r"\(source: [^)]*\)|\[\d+\]", "", s)).lower()


def test_every_value_is_what_the_file_holds_at_its_span_and_in_its_chunk(facts):
    checked = 0
    for source, guide_facts_ in facts.items():
        raw = (CORPUS / source).read_text(encoding="utf-8")
        guide = parse_guide(source, raw)
        chunks = {c.id: c for c in chunk_guide(guide, 900)}
        for fact in guide_facts_:
            for v in _values(fact):
                assert 0 <= v.start < v.end <= len(raw)
                assert _squash(raw[v.start : v.end]) == _squash(v.text), (source, v)
                chunk = chunks[v.chunk]
                # A pay figure's source and its year stand in the guide's footnotes, not beside it.
                footnote = isinstance(fact, PayFigure) and v in (fact.reference, fact.as_of)
                section = "Sources" if footnote else fact.section
                assert chunk.section == section and _squash(v.text)[:40] in _squash(chunk.document), (
                    source,
                    v,
                )
                checked += 1
    assert checked == 454  # every value the five guides state; one lost to a failed span search lowers it


def test_a_pay_figure_keeps_the_guides_own_source_and_its_year(facts):
    [median] = [p for p in of(facts, AI_ENGINEER, PayFigure) if p.label.text == "median annual pay"]
    raw = (CORPUS / AI_ENGINEER).read_text(encoding="utf-8")
    assert median.amount.text == "$108,020"
    assert raw[median.reference.start : median.reference.end] == (
        "U.S. Bureau of Labor Statistics, Occupational Outlook Handbook, Data Scientists, 2024"
    )
    assert raw[median.as_of.start : median.as_of.end] == "2024"
    # The footnote marker stands after the senior figure's sentence only: the others cite nothing.
    cited = {p.label.text: p.as_of.text if p.as_of else None for p in of(facts, AI_ENGINEER, PayFigure)}
    assert cited == {
        "median annual pay": "2024",
        "Entry-level AI engineers": None,
        "Mid-level": None,
        "Senior/Staff": "2024",
    }


def test_a_repeated_value_gets_the_span_of_its_own_item(facts):
    """ "4 weeks" is stated by four items of one guide: each keeps its own span."""
    spans = [
        s.duration.start
        for s in of(facts, DL_TO_ARCHITECT, Skill)
        if s.duration and s.duration.text == "4 weeks"
    ]
    spans += [p.duration.start for p in of(facts, DL_TO_ARCHITECT, Phase) if p.duration.text == "4 weeks"]
    assert len(spans) == 4 and len(set(spans)) == 4


def test_a_new_guide_in_the_same_layout_needs_no_code():
    raw = (
        "From Data Analyst to Data Scientist: Your 6-Month Transition\n\nDifficulty\nModerate\nTimeline\n"
        "5-7 months\nSalary Change\n+25%\n\nSkills You'll Need to Learn\n\nStatistics\n\nCritical5 weeks\n\n"
        "Take a course.\n\nReality Check\n\nWhat You'll Love\n\n  • Answers from data\n"
    )
    guide = parse_guide("new.txt", raw)
    found = guide_facts(guide, raw, chunk_guide(guide, 900))
    (t,) = [f for f in found if isinstance(f, Transition)]
    assert (t.to_role, text(t.timeline), text(t.headline_duration)) == (
        "Data Scientist",
        "5-7 months",
        "6-Month",
    )
    assert raw[t.timeline.start : t.timeline.end] == "5-7 months"
    (s,) = [f for f in found if isinstance(f, Skill)]
    assert (s.name.text, text(s.priority), text(s.duration)) == ("Statistics", "Critical", "5 weeks")
    assert raw[s.duration.start : s.duration.end] == "5 weeks"
    assert [fact_json(f)["text"]["value"] for f in found if type(f).__name__ == "Item"] == [
        "Answers from data"
    ]


def test_cli_facts_json_lists_every_guide_with_spans(capsys):
    assert main(["facts", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [g["source"] for g in data["guides"]] == [
        DL_TO_ARCHITECT,
        DL_TO_MLE,
        ARCHITECT_PATH,
        BACKEND_TO_DL,
        AI_ENGINEER,
    ]
    summary = data["guides"][3]["facts"][0]
    assert summary["type"] == "Transition"
    assert summary["timeline"]["value"] == "9-12 months"
    raw = (CORPUS / BACKEND_TO_DL).read_text(encoding="utf-8")
    assert raw[summary["timeline"]["start"] : summary["timeline"]["end"]] == "9-12 months"


def test_cli_facts_one_guide_and_an_unknown_name(capsys):
    assert main(["facts", BACKEND_TO_DL]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"== {BACKEND_TO_DL}")
    assert "  timeline: 9-12 months  [187:198]" in out
    assert DL_TO_MLE not in out
    assert main(["facts", "missing.txt"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("coach: No guide named missing.txt") and err.count("\n") == 1


def test_every_fact_has_a_name_to_show_and_to_carry_into_a_follow_up(facts):
    names = {type(f).__name__: name_of(f) for guide in facts.values() for f in guide}
    assert set(names) >= {"Audience", "RoadmapNote", "Transition", "Phase", "Item"}
    assert all(isinstance(n, str) and n for n in names.values())
    audience = next(f for f in facts[ARCHITECT_PATH] if type(f).__name__ == "Audience")
    assert name_of(audience) == "Who This Path Is For"
