"""Questions about stated facts read against the facts: what is taken, what is left to the model."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from coach.chunking import load_corpus
from coach.exact import read_exact
from coach.facts import Phase, Skill, Transition, corpus_facts
from coach.terms import GuideTerms
from evals.faithfulness import load_cases
from evals.judge import trace
from tests.conftest import ARCHITECT_PATH, CORPUS, DL_TO_ARCHITECT, DL_TO_MLE


@pytest.fixture(scope="module")
def guides():
    """The real corpus as the reader sees it: its facts, its terms and its chunks."""
    _, chunks, _ = load_corpus(CORPUS, 900)
    return corpus_facts(CORPUS, 900), GuideTerms.of(chunks), chunks


@pytest.fixture(scope="module")
def read(guides):
    facts, terms, chunks = guides

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
    assert tasks[0] == "Phase 2 is Cloud & Production Skills, 6 weeks; its tasks follow."
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
        "How difficult is the DL to AI architect switch, and what skills do I need?",
        "How long does it take to become an AI engineer?",  # no move named: the model path reads the guide
        "What does phase 9 of the backend roadmap involve?",
        "How long does the security phase of the DL to MLE roadmap take?",  # no phase of that name
        "Which of them takes longest?",  # nothing to point back to
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


def test_what_a_starting_role_needs_is_the_gap_its_entry_names(read):
    # Asked as a need or a lack; the role the move leads to names the guide.
    assert read("What does a software engineer need to become an AI engineer?") == [
        "For a Software Engineer / Backend Developer, the guide says: The gap is machine learning theory,"
        " model training, and ML-specific tooling."
    ]
    # An entry that states its gap without the word: the sentence between what the role brings
    # and its timeline.
    assert read("What do data scientists lack to become AI engineers?") == [
        "For a Data Scientist, the guide says: The transition requires developing production engineering"
        " skills — MLOps, model serving, distributed training, and software engineering rigor."
    ]
    # A move with no starting-role entries is not read as one.
    assert read("What does a backend developer need to become a deep learning engineer?") is None


def test_two_things_asked_of_one_thing_are_both_answered_or_neither(read):
    assert read("What does phase 2 of the backend roadmap involve, and how long is it?") == [
        "Phase 2: Core Deep Learning with PyTorch, 6 weeks.",
        "Phase 2 is Core Deep Learning with PyTorch, 6 weeks; its tasks follow.",
        "Complete 'PyTorch for Deep Learning' course on Udemy.",
        "Build a simple neural network for MNIST digit classification.",
        "Learn about activation functions, loss functions, and optimizers.",
    ]
    # The ML engineer roadmap lists no resources for its phases: not half an answer.
    assert (
        read("How long is the ML engineer roadmap's portfolio phase, and what resources does it list?")
        is None
    )
    # Two phases asked about: two questions.
    assert read("How many weeks is phase 2 of the backend roadmap and what does phase 3 cover?") is None


def test_a_thing_inside_a_guide_is_found_by_its_own_name(read):
    assert read(
        "How many weeks should a backend developer spend on PyTorch when moving into deep learning?"
    ) == ["Deep Learning Frameworks (PyTorch): Critical, 6 weeks."]
    assert read("How long does the cloud phase of the DL to MLE roadmap take?") == [
        "Phase 2: Cloud & Production Skills, 6 weeks."
    ]
    assert read("How much does the TensorFlow certificate cost?") == [
        "TensorFlow Developer Certificate costs ~$100."
    ]
    assert read("What level of system design does the AI/ML architect checklist expect?") == [
        "System Design: Advanced."
    ]


def test_a_kind_of_thing_is_listed_whole_or_by_the_category_asked(read):
    lines = read("How many weeks does the backend to deep learning guide give each skill?")
    assert len(lines) == 6 and lines[:2] == [
        "Neural Network Architectures (CNNs, RNNs, Transformers): Important, 10 weeks.",
        "CUDA/GPU Programming: Important, 4 weeks.",
    ]
    assert read("Which skills are critical for a deep learning engineer becoming an AI architect?") == [
        "The guide lists these critical skills.",
        "System Architecture and Design Patterns: Critical, 8 weeks.",
        "Cloud Platform Expertise (AWS, GCP, Azure): Critical, 10 weeks.",
    ]


def test_a_role_alone_names_the_move_that_leads_to_it_for_its_own_facts(read):
    assert read("How in demand are AI architects?") == [
        "On demand, the guide says: High demand as enterprises scale AI initiatives and require experts"
        " to design robust, enterprise-grade AI platforms."
    ]
    assert (
        read("How long does it take to become an AI architect?")[0]
        == "The guide gives a timeline of 6-9 months."
    )
    # Not for a ranking: the move's own timeline is no answer to which start is quickest.
    assert read("Which source role has the shortest timeline into AI Architect?") is None
    # Nor for a role named as a background: whose move is meant is not said.
    assert read("Do architects without a deep learning background have a harder time?") is None


def test_the_moves_themselves_are_ranked_by_a_figure_each_states(guides, read):
    assert read("Which path is fastest?") == [
        "Deep Learning Engineer → AI Architect: a timeline of 6-9 months.",
        'Deep Learning Engineer → Machine Learning Engineer: its title calls it a "4-Month" transition.',
        "Backend Developer → Deep Learning Engineer: a timeline of 9-12 months.",
        "The shortest timeline of these is Deep Learning Engineer → Machine Learning Engineer's.",
    ]
    facts, terms, chunks = guides
    exact = read_exact("Which move has the biggest salary increase?", facts, terms, chunks)
    assert [line.text for line in exact.lines] == [
        "Deep Learning Engineer → AI Architect: a salary change of +20%.",
        "Backend Developer → Deep Learning Engineer: a salary change of +40%.",
        "The largest salary change of these is Backend Developer → Deep Learning Engineer's.",
    ]
    assert exact.missing == (
        "No salary change for the move is stated in the guide of Deep Learning Engineer → Machine Learning"
        " Engineer; AI/ML Architect path; AI Engineer path."
    )
    by_id = {c.id: c for c in chunks}
    for line in exact.lines:  # each value where its guide holds it, in a chunk the sentence cites
        cited = [by_id[c] for c in line.chunks]
        assert all(trace(line.text, line.values, line.computed, cited, by_id, CORPUS, line.figures)), line
    # Two moves compared: "X and the Y" joins them, it asks no second thing.
    lines = read("What's the difference between the AI architect and the AI/ML architect paths?")
    assert lines[0] == 'Deep Learning Engineer → AI Architect, timeline: 6-9 months; "9-Month" (title).'
    # A kind of thing named, or a role, is ranked within its guide as before.
    assert read("Which phase is the longest in the backend roadmap?") == [
        "The longest phase is Phase 3: Advanced Architectures and Specialization, at 10 weeks."
    ]


def test_interview_questions_are_listed_whole_or_by_the_category_the_guide_gives(read):
    lines = read("Which interview questions should I prepare for as an AI/ML Architect?")
    assert len(lines) == 9 and lines[:2] == [
        "The guide lists these interview questions.",
        "Design a real-time ML inference system that serves 10K requests/second: Focus on model serving"
        " patterns, caching embeddings, horizontal scaling, and latency budgets.",
    ]
    # The categories are the guide's own ("Leadership"), read from its facts.
    assert read("Which leadership interview questions does the AI/ML architect guide have?") == [
        "The guide lists these leadership interview questions.",
        "How do you evaluate build vs buy for ML infrastructure? Consider team expertise, maintenance"
        " burden, vendor lock-in, total cost of ownership.",
        "Describe your approach to ML system observability: Cover model metrics, data quality monitoring,"
        " alerting thresholds, and incident response.",
    ]
    assert read("Which skills are at an advanced level on the AI/ML architect checklist?") == [
        "System Design: Advanced.",
        "ML Infrastructure: Advanced.",
    ]


def test_extremes_over_things_are_computed_from_their_figures(read):
    assert read("Which bridge certification is the cheapest?") == [
        "The cheapest certification is TensorFlow Developer Certificate, at ~$100."
    ]
    # Ranges: the one larger at both ends wins; a value with no figure is named, not ranked.
    assert read("Which destination role out of AI engineering pays the most?") == [
        "The best paid role is Staff/Principal ML Engineer, at Median $250,000-$400,000/year.",
        "AI Startup Founder is given as Varies widely, with no figure.",
    ]
    assert read("Which source role has the shortest timeline into AI engineering?") == [
        "The shortest starting roles, at 3-6 months each, are Data Scientist and "
        "Machine Learning Researcher / PhD Graduate."
    ]
    # Asked of a background, as people say where they come from: the same list, ranked.
    assert read("Which background takes the longest to become an AI engineer?") == [
        "The longest starting role is Software Engineer / Backend Developer, at 6-12 months."
    ]


def test_two_moves_side_by_side_with_the_verdict_computed(read):
    lines = read(
        "Which takes longer: backend developer to deep learning engineer, or deep learning engineer to AI architect?"
    )
    assert (
        lines[0] == "Backend Developer → Deep Learning Engineer: The guide gives a timeline of 9-12 months."
    )
    assert "Deep Learning Engineer → AI Architect: The guide gives a timeline of 6-9 months." in lines
    assert lines[-1] == "Backend Developer → Deep Learning Engineer is longer."
    two = read("Does a quantitative analyst or a data engineer get into AI engineering faster?")
    assert two == [  # in the guide's order
        "Data Engineer: 6-9 months.",
        "Quantitative Analyst: 4-8 months.",
        "Quantitative Analyst is shorter.",
    ]


@pytest.fixture(scope="module")
def chain(guides):
    """chain(turns): each turn's exact answer lines, each read against the frame the last one left."""
    facts, terms, chunks = guides

    def run(turns: list[str]) -> list[list[str] | None]:
        state, out = None, []
        for turn in turns:
            exact = read_exact(turn, facts, terms, chunks, turn, state)
            out.append(None if exact is None else [line.text for line in exact.lines])
            state = exact.frame if exact else None
        return out

    return run


def test_a_follow_up_fills_what_it_lacks_from_the_turn_before(chain):
    phases, longest, resources = chain(
        [
            "What are the phases of the roadmap from deep learning engineer to AI architect?",
            "Which one is the longest?",
            "What resources does it list?",
        ]
    )
    assert phases[0] == "The roadmap has 5 phases."
    assert longest == [
        "The longest phase is Phase 1: Foundation Building: Architecture and Cloud, at 8 weeks."
    ]
    assert resources == [
        "Phase 1: Foundation Building: Architecture and Cloud lists these resources.",
        "AWS Training and Certification portal.",
        "Book: 'Designing Data-Intensive Applications'.",
        "Lucidchart for architecture diagrams.",
    ]
    # The same attribute of another thing, or of another move.
    assert chain(
        [
            "What level of ML infrastructure does the AI/ML architect checklist expect?",
            "And for data engineering?",
        ]
    )[1] == ["Data Engineering: Intermediate."]
    assert (
        chain(
            [
                "How hard is the backend developer to deep learning engineer move?",
                "And for the ML engineer move?",
            ]
        )[1]
        is None
    )
    assert chain(
        ["How long does the backend developer to deep learning engineer move take?", "And the salary change?"]
    )[1] == [
        "The guide gives a salary change of +40%.",
        "Elsewhere it gives a 40-100% increase.",
    ]
    # A category filter, then the figures of what is left.
    _, nice, weeks = chain(
        [
            "Which skills does a deep learning engineer need to learn to become an AI architect?",
            "Which of them are only nice to have?",
            "How long do they take?",
        ]
    )
    assert nice[1:] == [
        "MLOps and CI/CD for AI: Nice to have, 4 weeks.",
        "Enterprise Security and Compliance: Nice to have, 4 weeks.",
    ]
    assert weeks == nice[1:]


def _questions(facts) -> list[str]:
    """Questions about every guide's move and every phase and skill it states, in plain words,
    and every two moves compared."""
    moves = [
        f"the {t.from_role} to {t.to_role} move"
        for fs in facts.values()
        for t in fs
        if isinstance(t, Transition) and t.from_role
    ]
    out = [f"Compare {a} with {b}." for i, a in enumerate(moves) for b in moves[i + 1 :]]
    out.append("Show me the pay ranges.")
    out += [f"Make me a plan at 10 hours a week for {move}." for move in moves]
    for guide_facts in facts.values():
        t = next(f for f in guide_facts if isinstance(f, Transition))
        move = f"the {t.from_role} to {t.to_role}" if t.from_role else f"the {t.to_role} path"
        out += [
            f"How long is {move} move?",
            f"How hard is {move} move?",
            f"What salary change does {move} move bring?",
            f"What are the phases of {move} roadmap?",
            f"Which phase of {move} roadmap is the longest?",
            f"Which phase of {move} roadmap is the shortest?",
            f"Which certification for {move} move is the cheapest?",
            f"Which source role has the shortest timeline into {t.to_role}?",
        ]
        for p in (f for f in guide_facts if isinstance(f, Phase)):
            out += [
                f"What are the tasks of phase {p.number} of {move} roadmap?",
                f"How long is phase {p.number} of {move} roadmap?",
            ]
        out += [
            f"How many weeks does {move} guide give {s.name.text}?"
            for s in guide_facts
            if isinstance(s, Skill)
        ]
    return out


def test_every_sentence_of_an_exact_answer_traces_to_the_spans_of_the_values_it_states(guides):
    """What the suite's deterministic judge checks: each value a sentence rests on is what its
    guide file holds at its span, stands in a chunk the sentence cites, and is stated in it."""
    facts, terms, chunks = guides
    by_id = {c.id: c for c in chunks}
    answered = lines = 0
    asked = [(q, "") for q in _questions(facts)] + [(c.turns[0], c.turns[0]) for c in load_cases()]
    for question, text in asked:
        exact = read_exact(question, facts, terms, chunks, text)
        if exact is None:
            continue
        answered += 1
        for line in exact.lines:
            cited = [by_id[c] for c in line.chunks]
            verdicts = trace(line.text, line.values, line.computed, cited, by_id, CORPUS, line.figures)
            assert verdicts and all(verdicts), (question, line)
            lines += 1
    assert (answered, lines) == (172, 510)


def test_the_trace_fails_a_sentence_whose_values_are_not_where_it_says(guides):
    facts, terms, chunks = guides
    by_id = {c.id: c for c in chunks}
    exact = read_exact("How long is phase 3 of the backend roadmap?", facts, terms, chunks)
    (line,) = exact.lines
    title, weeks = line.values
    cited = [by_id[c] for c in line.chunks]
    assert trace(line.text, line.values, False, cited, by_id, CORPUS) == [True]
    elsewhere = [c for c in chunks if c.source == cited[0].source and weeks.text not in c.text][0]
    wrong = {
        "a figure the file doesn't hold there": (line.text, (title, replace(weeks, text="12 weeks")), cited),
        "a figure the sentence doesn't state": (
            line.text.replace("10 weeks", "12 weeks"),
            line.values,
            cited,
        ),
        "a chunk that doesn't hold it": (line.text, line.values, [elsewhere]),
        "no value at all": (line.text, (), cited),
        "a span moved off the value": (line.text, (title, replace(weeks, start=weeks.start + 3)), cited),
    }
    for why, (text, values, chunks_cited) in wrong.items():
        assert not any(trace(text, values, False, chunks_cited, by_id, CORPUS)), why


def test_two_moves_compared_as_a_whole_row_by_row_with_what_a_guide_doesnt_state(guides):
    facts, terms, chunks = guides
    exact = read_exact("Compare the AI architect and ML engineer paths", facts, terms, chunks)
    assert [line.text for line in exact.lines][:4] == [
        'Deep Learning Engineer → AI Architect, timeline: 6-9 months; "9-Month" (title).',
        'Deep Learning Engineer → Machine Learning Engineer, timeline: "4-Month" (title).',
        "Deep Learning Engineer → AI Architect, difficulty: Moderate.",
        "Deep Learning Engineer → AI Architect, salary change: +20%.",
    ]
    assert exact.missing == (
        "The Deep Learning Engineer → Machine Learning Engineer guide states no difficulty, salary change, "
        "demand, critical skills or certifications. The Deep Learning Engineer → AI Architect guide states "
        "no certifications."
    )
    assert exact.frame.guides == (DL_TO_ARCHITECT, DL_TO_MLE) and len(exact.lines) == 11
    # Asked of one move, or of an attribute, it is not a side-by-side comparison.
    assert read_exact("Compare the salary change of the two architect moves", facts, terms, chunks) is None


def test_every_pay_figure_at_once_when_asked_for_with_no_role(read):
    lines = read("Show me the pay ranges")
    assert len(lines) == 16 and lines[:3] == [
        "Deep Learning Engineer → AI Architect, salary change of the move: +20%.",
        "Backend Developer → Deep Learning Engineer, salary change of the move: +40%.",
        "Backend Developer → Deep Learning Engineer, Backend Developers: $85k-$140k.",
    ]
    assert lines[5:7] == [
        "AI Engineer path, median annual pay: $108,020.",
        "For it, the guide cites U.S. Bureau of Labor Statistics, Occupational Outlook Handbook, Data Scientists, 2024.",
    ]
    # A role named narrows the question to that role's pay: not the whole table.
    assert read("What are the salary ranges for AI engineers?") != lines


def test_a_plan_in_the_asked_hours_then_a_week_of_it_every_line_traced(guides):
    facts, terms, chunks = guides
    by_id = {c.id: c for c in chunks}
    today = date.today()
    state, answers = None, []
    for turn in (
        "Make me a plan at 20 hours a week for the DL to MLE move",
        "What's in week 7?",
        "And week 99?",
    ):
        exact = read_exact(turn, facts, terms, chunks, turn, state)
        for line in exact.lines:
            cited = [by_id[c] for c in line.chunks]
            assert all(trace(line.text, line.values, line.computed, cited, by_id, CORPUS, line.figures)), line
        answers.append([line.text for line in exact.lines])
        state = exact.frame
    plan, week, past = answers
    end = today + timedelta(weeks=40, days=-1)
    assert plan[0] == (
        "At 20 hours a week, taking a guide week as 40 hours of work, the roadmap's 5 phases take 40 weeks, "
        f"from {today:%d %B %Y} to {end:%d %B %Y}."
    )
    assert plan[1:3] == [
        "Phase 1: Foundation Building, 4 weeks in the guide, is your weeks 1 to 8.",
        "Phase 2: Cloud & Production Skills, 6 weeks in the guide, is your weeks 9 to 20.",
    ]
    seventh = today + timedelta(weeks=6)
    assert week == [
        f"Week 7 of your plan, {seventh:%d %B %Y} to {seventh + timedelta(days=6):%d %B %Y}, is in phase 1: "
        "Foundation Building.",
        "Set up a cloud account (AWS or GCP) and complete basic tutorials.",
    ]
    assert past == ["Your plan has 40 weeks, so it has no week 99."]
    assert state.plan_hours == 20 and state.plan_start == today and state.guides == (DL_TO_MLE,)
    # Hours a week outside 1-80, or a guide without a roadmap: not planned here.
    assert read_exact("Plan at 100 hours a week for the DL to MLE move", facts, terms, chunks) is None
    assert (
        read_exact("Make me a plan at 10 hours a week for the AI engineer path", facts, terms, chunks) is None
    )


def test_an_attribute_asked_of_the_moves_just_compared_is_answered_or_said_missing_for_each(guides):
    facts, terms, chunks = guides
    state = read_exact("Compare the AI architect and ML engineer paths", facts, terms, chunks).frame
    pay = read_exact("And the salary change?", facts, terms, chunks, "", state)
    assert [line.text for line in pay.lines] == [
        "Deep Learning Engineer → AI Architect: The guide gives a salary change of +20%."
    ]
    assert (
        pay.missing == "The Deep Learning Engineer → Machine Learning Engineer guide states no salary change."
    )
    hard = read_exact("How hard is each?", facts, terms, chunks, "", pay.frame)
    assert (
        hard.missing == "The Deep Learning Engineer → Machine Learning Engineer guide states no difficulty."
    )
    assert hard.frame.guides == (DL_TO_ARCHITECT, DL_TO_MLE) and hard.frame.operation == "compare"


def test_a_clipped_form_names_the_thing_whose_name_it_starts(read):
    # "math" for "Advanced Mathematics (...)": that skill's weeks, not the move's timeline.
    assert read("How long is the math for the backend to deep learning move?") == [
        "Advanced Mathematics (Linear Algebra, Calculus, Probability): Critical, 8 weeks."
    ]
    # A word some thing's name uses whole stands for itself only ("data" in "Data Engineering").
    assert read("What level of data engineering does the AI/ML architect checklist expect?") == [
        "Data Engineering: Intermediate."
    ]


def test_how_hard_a_move_is_asked_in_plain_words(read):
    assert read("is going from DL engineer to AI architect considered a hard move?") == [
        "The guide rates the difficulty as Moderate."
    ]


def test_a_heading_only_one_guide_has_settles_that_guide(read, guides):
    _, terms, _ = guides
    assert terms.headed_by("What's on the skills checklist?") == [ARCHITECT_PATH]
    assert terms.headed_by("What are the biggest challenges?") == []  # three guides have that heading
    # "architect" alone names no role; the checklist is the AI/ML architect path's own.
    assert read("in the architect skills checklist which ones are rated advanced?") == [
        "The guide lists these advanced skills.",
        "System Design: Advanced.",
        "ML Infrastructure: Advanced.",
    ]
