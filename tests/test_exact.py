"""Questions about stated facts read against the facts: what is taken, what is left to the model."""

from __future__ import annotations

import pytest

from coach.chunking import load_corpus
from coach.exact import read_exact
from coach.facts import corpus_facts
from coach.terms import GuideTerms
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def read():
    _, chunks = load_corpus(CORPUS, 900)
    terms, facts = GuideTerms.of(chunks), corpus_facts(CORPUS, 900)

    def read(question: str, text: str = ""):
        exact = read_exact(question, facts, terms, chunks, text)
        return None if exact is None else [line.text for line in exact.lines]

    return read


def test_the_phases_of_a_roadmap_in_order_with_their_weeks(read):
    assert read("Output the phases of the backend roadmap.") == [
        "The roadmap has 5 phases.",
        "Phase 1: Foundation: Mathematics and Python for ML, 8 weeks.",
        "Phase 2: Core Deep Learning with PyTorch, 6 weeks.",
        "Phase 3: Advanced Architectures and Specialization, 10 weeks.",
        "Phase 4: Production Deployment and Scaling, 4 weeks.",
        "Phase 5: Portfolio and Job Preparation, 4 weeks.",
    ]


def test_extremes_are_computed_and_ties_name_every_tied_phase(read):
    assert read("Which phase of the backend developer to deep learning engineer roadmap is the longest?") == [
        "The longest phase is Phase 3: Advanced Architectures and Specialization, at 10 weeks."
    ]
    assert read("What is the shortest phase of the DL to MLE roadmap?") == [
        "The shortest phases, at 3 weeks each, are Phase 4: Job Search Preparation and Phase 5: Interview & Transition."
    ]


def test_one_phase_by_number_or_ordinal(read):
    assert read("how long is phase 3 of the backend roadmap?") == [
        "Phase 3: Advanced Architectures and Specialization, 10 weeks."
    ]
    tasks = read("What are the tasks of the second phase of the DL to MLE roadmap?")
    assert tasks[0] == "Phase 2 is Cloud & Production Skills; its tasks follow."
    assert tasks[1:] == [
        "Complete either AWS ML Specialty or Google ML Engineer certification.",
        "Build and deploy a complete ML pipeline using SageMaker or Vertex AI.",
        "Implement CI/CD for ML models using GitHub Actions.",
        "Containerize models using Docker and deploy with Kubernetes basics.",
    ]


def test_a_length_stated_twice_is_given_both_ways_with_the_phases_weeks(read):
    assert read("How long is the DL to MLE move?") == [
        'Its title calls it a "4-Month" transition.',
        "Its roadmap's 5 phases take 4 weeks, 6 weeks, 4 weeks, 3 weeks and 3 weeks.",
    ]


def test_a_salary_change_stated_twice_gives_both(read):
    assert read("What pay increase does a backend developer get becoming a deep learning engineer?") == [
        "The guide gives a salary change of +40%.",
        "Elsewhere it gives a 40-100% increase.",
    ]


def test_a_self_description_settles_which_move_is_meant(read):
    question = "What does the deep learning roadmap list as its phases?"
    assert read(question, f"I write Go services as a backend engineer. {question}")[1].startswith(
        "Phase 1: Foundation: Mathematics and Python for ML"
    )


@pytest.mark.parametrize(
    "question",
    [
        "How many weeks should a backend developer spend on PyTorch when moving into deep learning?",
        "How many weeks does the backend to deep learning guide give each skill?",
        "How difficult is the DL to AI architect switch, and what skills do I need?",
        "How long does it take to become an AI engineer?",  # no move named: the model path reads the guide
        "What does phase 9 of the backend roadmap involve?",
        "How long does the cloud phase of the DL to MLE roadmap take?",
    ],
)
def test_what_the_reader_is_not_sure_of_goes_to_the_model(read, question):
    assert read(question) is None


def test_a_list_asked_for_by_its_heading_words_is_given_whole(read):
    lines = read("What will I love about being an ML engineer?")
    assert lines[0] == "The guide lists these under What You'll Love."
    assert lines[1:] == [
        "Seeing your models deployed and creating real business impact.",
        "Broader industry opportunities beyond research labs.",
        "Working on diverse problems across different business domains.",
        "Higher visibility of your work's impact on company metrics.",
    ]
    # Two guides end in an architect; only one gives interview tips.
    assert read("What interview tips does the architect path give?")[1] == (
        "Always start with requirements clarification and scale estimation."
    )


def test_a_starting_role_the_asker_names_gets_its_own_timeline(read):
    question = "What timeline does the AI engineer guide give for someone like me?"
    assert read(question, f"I'm a Rust backend developer at an insurer. {question}") == [
        "For a Software Engineer / Backend Developer, the guide gives a timeline of 6-12 months."
    ]
    assert read(question, f"I work as a data engineer. {question}") == [
        "For a Data Engineer, the guide gives a timeline of 6-9 months."
    ]


def test_the_gap_a_guide_names_for_the_askers_starting_role(read):
    question = "What gap does the AI engineer guide see for people like me?"
    assert read(question, f"I work in Oslo as an ML researcher. {question}") == [
        "For a Machine Learning Researcher / PhD Graduate, the guide says: The gap is production engineering"
        " — building systems that run 24/7, scale to millions of requests, and integrate with existing"
        " infrastructure."
    ]
    assert (
        read("What gaps must I fill to become an AI engineer?")[0]
        == "The guide lists these under Gaps to Fill."
    )
