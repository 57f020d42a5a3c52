"""The model reader's catalog and schema (the guides' own names), the choice it parses, and the
exact operations that answer a request from the facts. The model is faked at its interface: what
it would choose is given as JSON; the real model's reading is measured by `python -m bench.context`.
"""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from coach.answer import Coach
from coach.facts import corpus_facts
from coach.operations import answer_request
from coach.reader import Catalog, Request, parse_choice, read_request, reader_messages
from coach.settings import Settings
from tests.conftest import AI_ENGINEER, BACKEND_TO_DL, CORPUS, DL_TO_ARCHITECT, DL_TO_MLE
from tests.fake_llm import FakeLLM


@pytest.fixture(scope="module")
def facts():
    return corpus_facts(CORPUS, 900)


@pytest.fixture(scope="module")
def catalog(facts):
    return Catalog.of(facts)


def choice(**fields) -> str:
    base = {"moves": [], "topic": "none", "operation": "other", "hours_per_week": None}
    base |= {"current_role": "none", "has_skills": [], "in_guides": True}
    return json.dumps(base | fields)


def move(catalog: Catalog, guide: str) -> int:
    return [g for g, _ in catalog.moves].index(guide) + 1


def test_the_catalog_is_read_from_the_guides_own_headings_and_kinds(catalog):
    labels = dict(catalog.moves)
    assert labels[BACKEND_TO_DL] == "Backend Developer → Deep Learning Engineer"
    assert labels[AI_ENGINEER] == "AI Engineer path"
    held = {t.name for t in catalog.topics if t.guide == AI_ENGINEER}
    assert {"Gaps to Fill", "Skills That Transfer", "starting roles", "certifications"} <= held
    assert "roadmap phases" not in held  # the AI engineer guide has no roadmap
    assert {"This Month", "roadmap phases", "demand"} <= {
        t.name for t in catalog.topics if t.guide == DL_TO_ARCHITECT
    }
    assert "Data Scientist" in catalog.roles
    schema = catalog.schema()
    assert schema["properties"]["topic"]["enum"][-1] == "none"
    assert "Gaps to Fill" in schema["properties"]["topic"]["enum"]
    assert schema["properties"]["moves"]["items"]["enum"] == [1, 2, 3, 4, 5]
    system = reader_messages(catalog, "How long?")[0]["content"]
    assert "Move 5: AI Engineer path. Holds:" in system and "Gaps to Fill" in system


def test_a_choice_outside_the_catalog_is_no_reading(catalog):
    assert parse_choice(choice(moves=[9]), catalog, "q") is None
    assert parse_choice(choice(topic="Salary Negotiation"), catalog, "q") is None
    assert parse_choice(choice(operation="guess"), catalog, "q") is None
    assert parse_choice(choice(hours_per_week=400), catalog, "q") is None
    assert parse_choice("not json", catalog, "q") is None
    read = parse_choice(choice(moves=[move(catalog, AI_ENGINEER)], topic="Gaps to Fill", operation="missing",
                               current_role="Data Scientist", has_skills=["Python"]), catalog, "q")  # fmt: skip
    assert read == Request(
        "q", (AI_ENGINEER,), "Gaps to Fill", "missing", None, "Data Scientist", ("Python",)
    )


def test_a_roadmap_total_is_the_sum_of_its_phases_weeks_beside_the_stated_timeline(catalog, facts):
    exact = answer_request(Request("q", (DL_TO_ARCHITECT,), "roadmap phases", "total"), catalog, facts, {})
    assert [ln.text for ln in exact.lines] == [
        "The roadmap's 5 phases add up to 28 weeks.",
        "The guide gives the move a timeline of 6-9 months.",
    ]
    assert exact.lines[0].computed and exact.lines[0].figures == ("5", "28")
    assert [v.text for v in exact.lines[0].values] == ["8 weeks", "6 weeks", "6 weeks", "4 weeks", "4 weeks"]
    backend = answer_request(Request("q", (BACKEND_TO_DL,), "roadmap phases", "total"), catalog, facts, {})
    assert backend.lines[0].text == "The roadmap's 5 phases add up to 32 weeks."


def test_what_is_missing_is_the_gaps_less_what_the_asker_has(catalog, facts):
    request = Request(
        "q", (AI_ENGINEER,), "Gaps to Fill", "missing", has_skills=("PyTorch", "vector databases")
    )
    exact = answer_request(request, catalog, facts, {})
    lines = [ln.text for ln in exact.lines]
    assert lines[0] == "Under Gaps to Fill, the guide lists these you don't say you have."
    assert len(lines) == 1 + 5 + 2
    assert "You say you already have: Vector databases and embedding systems." in lines
    assert any(ln.startswith("You say you already have: Deep learning frameworks (PyTorch") for ln in lines)


def test_a_list_by_its_heading_a_count_an_extreme_and_a_plan(catalog, facts):
    listed = answer_request(Request("q", (DL_TO_ARCHITECT,), "This Month", "list"), catalog, facts, {})
    assert listed.lines[0].text == "The guide lists these under This Month." and len(listed.lines) == 4
    # Its entries are sentences, not names: what the turn was about is the move.
    assert listed.frame.about({DL_TO_ARCHITECT: "DL → AI Architect"}) == "DL → AI Architect"
    count = answer_request(Request("q", (AI_ENGINEER,), "certifications", "count"), catalog, facts, {})
    assert count.lines[0].text == "The guide lists 6 under certifications." and count.lines[0].figures == (
        "6",
    )
    longest = answer_request(Request("q", (BACKEND_TO_DL,), "roadmap phases", "largest"), catalog, facts, {})
    assert "10 weeks" in longest.lines[0].text
    plan = answer_request(
        Request("q", (DL_TO_MLE,), "roadmap phases", "plan", hours_per_week=10), catalog, facts, {},
        today=date(2027, 1, 4),
    )  # fmt: skip
    assert plan.lines[0].text.startswith(
        "At 10 hours a week, taking a guide week as 40 hours of work, the roadmap's 5 phases take 80 weeks"
    )


def test_moves_side_by_side_give_each_guides_own_words(catalog, facts):
    both = answer_request(
        Request("q", (BACKEND_TO_DL, DL_TO_ARCHITECT), "demand", "compare"), catalog, facts, {}
    )
    assert [ln.text.split(":")[0] for ln in both.lines] == [
        "Backend Developer → Deep Learning Engineer",
        "Deep Learning Engineer → AI Architect",
    ]
    assert "Extremely high demand" in both.lines[0].text and "High demand" in both.lines[1].text


def test_a_move_without_the_topic_or_a_question_outside_the_guides_goes_to_the_model(catalog, facts):
    assert answer_request(Request("q", (AI_ENGINEER,), "roadmap phases", "total"), catalog, facts, {}) is None
    assert (
        answer_request(
            Request("q", (AI_ENGINEER,), "Gaps to Fill", "list", in_guides=False), catalog, facts, {}
        )
        is None
    )
    assert answer_request(Request("q", (), "timeline", "value"), catalog, facts, {}) is None


def test_the_coach_answers_a_request_the_patterns_left_from_the_facts(retriever, catalog):
    """With COACH_READER=model, a question the phrasing patterns don't settle is read by the model
    (here faked) into a request; its exact answer is composed and cited, with no answer drafted."""
    chosen = choice(moves=[move(catalog, DL_TO_ARCHITECT)], topic="roadmap phases", operation="total")
    llm = FakeLLM(lambda messages: chosen if "Reply with JSON only" in messages[0]["content"] else "drafted")
    with llm:
        from coach.llm import OpenAIChatModel

        model = OpenAIChatModel(llm.base_url, llm.model, None, 10)
        coach = Coach(Settings(reader="model"), retriever, model)
        answer = coach.ask("Add up every phase of the architect roadmap for me, please.")
        assert len(llm.requests) == 1 and llm.requests[0]["response_format"]["type"] == "json_schema"
        assert read_request(model, catalog, "x") == Request(
            "x", (DL_TO_ARCHITECT,), "roadmap phases", "total"
        )
    assert answer.path == "facts" and not answer.refused
    assert answer.answer.startswith("The roadmap's 5 phases add up to 28 weeks [1].")


def test_a_choice_the_facts_cant_answer_takes_the_model_path(retriever):
    """The reader chose a topic the move doesn't hold: the question is answered as before, by the
    model from the passages found."""
    chosen = choice(moves=[5], topic="roadmap phases", operation="total")  # the AI engineer guide: no roadmap
    drafted = "The guide gives a timeline of 6-9 months [1]."
    llm = FakeLLM(lambda messages: chosen if "Reply with JSON only" in messages[0]["content"] else drafted)
    with llm:
        from coach.llm import OpenAIChatModel

        coach = Coach(Settings(reader="model"), retriever, OpenAIChatModel(llm.base_url, llm.model, None, 10))
        answer = coach.ask("Add up every phase of the AI engineer roadmap for me, please.")
    assert answer.path == "model"
    assert [r.get("response_format", {}).get("type") for r in llm.requests][:1] == ["json_schema"]
    assert len(llm.requests) >= 2


@pytest.mark.parametrize(
    "operation", ["value", "list", "largest", "smallest", "total", "count", "plan", "missing", "other"]
)
def test_every_topic_of_every_move_is_answered_cited_or_left_to_the_model(catalog, facts, operation):
    """Whatever the reader chooses within the catalog, the answer is cited sentences or None."""
    for topic in catalog.topics:
        request = Request(
            "q", (topic.guide,), topic.name, operation, hours_per_week=10.0, has_skills=("Python",)
        )
        exact = answer_request(request, catalog, facts, {})
        if exact is not None:
            assert exact.lines and all(ln.text and ln.chunks for ln in exact.lines), (topic, operation)


def test_a_guide_added_in_the_same_layout_is_in_the_catalog_and_answered_with_no_code_change(tmp_path):
    """A sixth guide (a QA engineer's move into DevOps, laid out as the others) joins the catalog
    the reader chooses among, with its own headings, and its roadmap is summed from its own facts."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    text = (CORPUS / DL_TO_MLE).read_text(encoding="utf-8")
    text = text.replace("Deep Learning Engineer", "QA Engineer").replace(
        "Machine Learning Engineer", "DevOps Engineer"
    )
    (corpus / "005_qa_to_devops.txt").write_text(text.replace("4-Month", "5-Month"), encoding="utf-8")
    facts = corpus_facts(corpus, 900)
    catalog = Catalog.of(facts)
    assert catalog.moves[-1] == ("005_qa_to_devops.txt", "QA Engineer → DevOps Engineer")
    assert "Move 6: QA Engineer → DevOps Engineer. Holds: roadmap phases;" in catalog.text()
    assert catalog.schema()["properties"]["moves"]["items"]["enum"] == [1, 2, 3, 4, 5, 6]
    request = parse_choice(choice(moves=[6], topic="roadmap phases", operation="total"), catalog, "q")
    exact = answer_request(request, catalog, facts, {})
    assert [ln.text for ln in exact.lines] == ["The roadmap's 5 phases add up to 20 weeks."]
