"""The meaning reader: questions read into typed requests from the guides' own roles and
headings (the real embedder, the real corpus), answered exactly from the facts, through the coach
with the model faked (a question the meaning reader settles never reaches it)."""

from __future__ import annotations

import shutil

import pytest

from coach.facts import SourceRole, Tally, corpus_facts
from coach.meaning import MeaningReader, current_role, has_skills, hours_per_week, lexicon, span_weeks
from coach.operations import answer_request
from coach.reader import Catalog
from coach.retrieve import Retriever
from tests.conftest import AI_ENGINEER, ARCHITECT_PATH, BACKEND_TO_DL, CORPUS, DL_TO_ARCHITECT, DL_TO_MLE
from tests.fake_llm import scripted


@pytest.fixture(scope="module")
def facts():
    return corpus_facts(CORPUS, 900)


@pytest.fixture(scope="module")
def reader(facts, retriever: Retriever) -> MeaningReader:
    return MeaningReader(Catalog.of(facts), facts, retriever.terms, retriever.embed_query, retriever.chunks)


def answered(reader: MeaningReader, text: str) -> str:
    request = reader.read(text)
    assert request is not None, text
    exact = answer_request(request, reader.catalog, reader.facts, {}, 40.0)
    assert exact is not None, request
    return " ".join(line.text for line in exact.lines)


def test_what_the_asker_says_of_themselves_is_read_as_typed_values():
    words = lexicon()
    assert hours_per_week("i have 10 hours a week", words) == 10.0
    assert hours_per_week("about five hrs/wk", words) == 5.0
    assert hours_per_week("a 3 month plan", words) is None
    assert span_weeks("give me a 3-month plan", words) == (pytest.approx(13.035), "3 months")
    assert span_weeks("a plan for six weeks", words) == (6.0, "six weeks")
    assert has_skills("i already know python, sql and docker. what am i missing?", words) == (
        "python",
        "sql",
        "docker",
    )


def test_the_asker_s_role_is_one_the_guides_list_as_a_start(reader):
    words = lexicon()
    assert current_role("i'm a data scientist. which move fits me?", reader.roles, reader.terms, words) == (
        "Data Scientist"
    )
    assert current_role("i'm a backend developer with time", reader.roles, reader.terms, words) in (
        "Backend Developer",
        "Software Engineer / Backend Developer",
    )
    assert current_role("i'm a florist. which move fits me?", reader.roles, reader.terms, words) == ""


def test_a_roadmap_s_total_is_the_sum_of_its_phases_for_every_roadmap(reader):
    for role, guide, weeks in (
        ("AI architect", DL_TO_ARCHITECT, 28),
        ("ML engineer", DL_TO_MLE, 20),
        ("backend to deep learning", BACKEND_TO_DL, 32),
    ):
        request = reader.read(f"How many weeks is the {role} roadmap in total?")
        assert request is not None and (request.guides, request.operation) == ((guide,), "total")
        assert f"add up to {weeks} weeks" in answered(
            reader, f"How many weeks is the {role} roadmap in total?"
        )
    # A phase named is not the whole roadmap, nor is a thing named in it, by a clipped form too.
    request = reader.read("How many weeks is phase 3 of the AI architect roadmap?")
    assert request is None
    assert reader.read("How many weeks of math does the backend to deep learning roadmap need?") is None


def test_what_the_asker_lacks_is_the_list_to_learn_less_what_they_have(reader):
    text = answered(
        reader, "I already know Python, SQL and Docker. What am I missing to become an AI engineer?"
    )
    assert text.startswith("Under Gaps to Fill")
    assert "Vector databases and embedding systems" in text and "Python proficiency" not in text
    text = answered(
        reader, "I know Traditional ML Algorithms and MLOps, what am I missing to become an ML engineer?"
    )
    assert text.startswith("Under Skills You'll Need to Learn")
    assert "You say you already have: Traditional ML Algorithms." in text
    assert "Cloud Platform Deployment." in text


def test_which_move_fits_is_read_from_every_guide_s_starting_roles(reader):
    request = reader.read("I'm a data scientist. Which move in the guides fits me best?")
    assert request is not None and (request.guides, request.current_role) == (
        (ARCHITECT_PATH, AI_ENGINEER),  # the AI engineer path lists it; the architect path's prose names it
        "Data Scientist",
    )
    text = answered(reader, "I'm a data scientist. Which move in the guides fits me best?")
    assert "Data Scientist as a starting role, with a timeline of 3-6 months" in text
    assert "The AI/ML Architect path guide says whom its path is for: Senior engineers" in text
    # A role only a path's prose names is read from it: the sentence that names it, cited.
    text = answered(reader, "Speaking as a machine learning engineer: which path suits me?")
    assert text == (
        "The AI/ML Architect path guide says whom its path is for: Senior engineers looking to specialize in "
        "AI/ML architecture, ML engineers moving into architecture roles, and data scientists who want to "
        "build production systems."
    )
    text = answered(reader, "I'm a backend developer. Which path fits me?")
    assert "Backend Developer → Deep Learning Engineer guide starts from Backend Developer" in text
    assert "9-12 months" in text and "6-12 months" in text
    request = reader.read("I'm a florist. Which path fits me?")
    assert request is not None and (request.said_role, request.current_role) == ("florist", "")


def test_an_asker_who_says_where_they_start_gets_the_guide_s_entry_for_that_start(reader, facts):
    # Every starting role a guide lists, asked the plain coaching question: that entry, cited.
    starts = [(g, f) for g, found in facts.items() for f in found if isinstance(f, SourceRole)]
    assert len(starts) == 5
    for guide, start in starts:
        role = start.name.text.split(" / ")[-1]
        question = f"I'm a {role}. How do I become an AI engineer?"
        request = reader.own_move(question)
        assert request is not None and (request.guides, request.operation) == ((guide,), "fit"), question
        exact = answer_request(request, reader.catalog, reader.facts, {}, 40.0)
        assert exact is not None and exact.lines[-1].text == start.detail.text
        assert exact.lines[-1].chunks == (start.detail.chunk,)
    # The role said in a sentence that asks nothing, beside the question.
    request = reader.own_move(
        "data engineer here, 5 yrs of Spark and Airflow. what would I need to add to become an AI engineer "
        "and how long does it take?"
    )
    assert request is not None and request.current_role == "Data Engineer"
    text = " ".join(line.text for line in answer_request(request, reader.catalog, reader.facts, {}).lines)
    assert "Data Engineer as a starting role, with a timeline of 6-9 months" in text
    assert "Adding ML model training, fine-tuning, and serving skills" in text
    # Not when it asks a figure other than a time, names no listed start, or the move lists none.
    assert reader.own_move("I'm a data scientist. What salary can AI engineers expect?") is None
    assert reader.own_move("I want to become an AI engineer. What do I need?") is None
    assert reader.own_move("I'm a backend developer. How do I become a deep learning engineer?") is None
    assert reader.own_move("Deep learning engineers earn a lot. How do I become an AI engineer?") is None
    # What the asker lacks comes with what the guide says of their start.
    text = answered(reader, "I'm a data engineer. What am I missing to become an AI engineer?")
    assert text.startswith("Under Gaps to Fill, the guide lists these you don't say you have.")
    assert text.endswith("into AI engineering capability. Timeline: 6-9 months.")


def test_a_plan_in_the_asker_s_hours_or_months(reader):
    text = answered(reader, "Can you give me a 3 month plan to become an ML engineer?")
    assert "add up to 20 weeks" in text and "longer than the 3 months you ask about, about 13 weeks" in text
    text = answered(reader, "I'm a backend dev with 10 hours a week. How long will deep learning take me?")
    assert "the roadmap's 5 phases take 128 weeks" in text and "9-12 months" in text


def test_two_moves_side_by_side_on_what_both_state(reader):
    request = reader.read("Which is more in demand, deep learning engineers or AI architects?")
    assert request is not None and (request.guides, request.topic) == (
        (BACKEND_TO_DL, DL_TO_ARCHITECT),
        "demand",
    )
    text = answered(reader, "Which is more in demand, deep learning engineers or AI architects?")
    assert "Extremely high demand" in text and "High demand as enterprises" in text


def test_a_count_is_of_what_the_list_holds(reader):
    assert "lists 5 under roadmap phases" in answered(
        reader, "How many phases does the ML engineer roadmap have?"
    )
    # "interviews" are something a to-do list mentions, not what it holds: not counted.
    assert (
        reader.read("How many informational interviews should an AI architect do in the next 90 days?")
        is None
    )


def test_a_sixth_guide_in_the_same_layout_is_read_with_no_code_change(tmp_path, retriever):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    text = (CORPUS / DL_TO_MLE).read_text(encoding="utf-8")
    shutil.copy(CORPUS / DL_TO_MLE, corpus / "005_copy.txt")
    (corpus / "005_copy.txt").write_text(
        text.replace("Deep Learning Engineer", "Data Engineer").replace(
            "Machine Learning Engineer", "Analytics Engineer"
        ),
        encoding="utf-8",
    )
    facts = corpus_facts(corpus, 900)
    catalog = Catalog.of(facts)
    assert "005_copy.txt" in dict(catalog.moves)
    reader = MeaningReader(catalog, facts, retriever.terms, retriever.embed_query)
    request = reader.read("I'm a data engineer. Which move fits me?")
    assert request is not None and "005_copy.txt" in request.guides and AI_ENGINEER in request.guides


def test_the_coach_answers_a_request_it_reads_without_the_model(coach_with):
    coach, fake = coach_with("The model should not be asked.")
    answer = coach.ask("How many weeks is the AI architect roadmap in total?")
    assert answer.path == "facts" and not fake.requests
    assert answer.answer.startswith("The roadmap's 5 phases add up to 28 weeks [1].")
    assert "6-9 months" in answer.answer


def test_the_coach_answers_an_asker_s_own_start_without_the_model(coach_with):
    coach, fake = coach_with("The model should not be asked.")
    answer = coach.ask("I'm a data engineer. How do I become an AI engineer?")
    assert answer.path == "facts" and not fake.requests
    assert answer.answer.startswith(
        "The AI Engineer path guide lists Data Engineer as a starting role, with a timeline of 6-9 months [1]."
    )
    assert answer.citations[0].section.endswith("Data Engineer")


def test_a_role_no_guide_names_is_said_plainly_with_the_roles_they_do(coach_with):
    coach, fake = coach_with("The model should not be asked.")
    answer = coach.ask("I'm a UX designer. Which AI career move fits me?")
    assert answer.refused and not fake.requests and not answer.citations
    assert answer.answer.startswith("None of the guides names UX designer as a role to start from.")
    assert "Data Scientist" in answer.answer and "[" not in answer.answer
    # A role the guides' words cover, though no list names it, is left to the other readers.
    assert coach.meaning.read("I'm a senior engineer. Which move fits me?") is None


def test_where_a_path_leads_on_to_for_an_asker_already_in_its_role(reader):
    text = answered(reader, "I'm currently an AI engineer. Where can I move next, according to the guides?")
    assert text.startswith("The AI Engineer path guide names these roles to move on to.")
    assert "AI Research Scientist: Median $150,000-$300,000/year." in text


def test_an_entry_named_by_its_own_name_is_answered_whole(reader):
    text = answered(reader, "What does an AI research scientist earn?")
    assert text.startswith("AI Research Scientist: Median $150,000-$300,000/year.")
    assert "Requires strong publication record" in text
    # A move's own role names the move, not the entry of another guide's list.
    request = reader.read("How long does it take a backend developer to become a deep learning engineer?")
    assert request is None or request.entries == ()
    # A role's name inside the entry's name names no move; a typo in it is read as the guides spell it.
    text = answered(reader, "how much is the google profesional machine learning engineer cert?")
    assert text.startswith("Google Professional Machine Learning Engineer: ~$200")
    # Asked of the entry what no guide speaks of: not answered with the entry whole.
    assert reader.read("Does Anthropic sponsor work visas for AI research scientists?") is None


def test_the_phase_after_the_one_the_last_answer_was_about(coach_with):
    from coach.session import Session

    coach, fake = coach_with("The model should not be asked.")
    session = Session()
    first = session.ask(coach, "How long is phase 2 of the deep learning engineer to AI architect roadmap?")
    assert first.path == "facts" and "6 weeks" in first.answer
    after = session.ask(coach, "and the one after?")
    assert after.path == "facts" and not fake.requests
    assert after.answer.startswith("Phase 3: Strategic Development: Business and Leadership, 6 weeks [1].")


def test_a_comparative_puts_the_moves_side_by_side_on_what_it_compares(reader):
    text = answered(
        reader,
        "I'm a deep learning engineer. Which roadmap is shorter, the one to ML engineer or the one to AI architect?",
    )
    assert text == (
        "Deep Learning Engineer → Machine Learning Engineer: the roadmap's 5 phases add up to 20 weeks. "
        "Deep Learning Engineer → AI Architect: the roadmap's 5 phases add up to 28 weeks."
    )
    text = answered(
        reader,
        "I'm a backend developer. Which is quicker: becoming a deep learning engineer or an AI engineer?",
    )
    assert "Backend Developer → Deep Learning Engineer: timeline 9-12 months." in text
    assert "AI Engineer path: timeline 6-12 months." in text  # the path's timeline for a backend developer
    text = answered(reader, "Which is harder, backend to deep learning or deep learning to AI architect?")
    assert "difficulty Challenging" in text and "difficulty Moderate" in text


def test_entries_of_one_kind_side_by_side_on_the_figure_each_states(reader):
    text = answered(
        reader, "Does a machine learning researcher or a software engineer get into AI engineering sooner?"
    )
    assert (
        text
        == "Machine Learning Researcher / PhD Graduate: 3-6 months. Software Engineer / Backend Developer: 6-12 months."
    )
    text = answered(
        reader, "Staff/Principal ML Engineer versus ML Engineering Manager, how does the pay compare?"
    )
    assert text == (
        "Staff/Principal ML Engineer: Median $250,000-$400,000/year. "
        "ML Engineering Manager / Head of AI: Median $200,000-$300,000/year."
    )
    text = answered(
        reader,
        "Which is pricier, AWS Machine Learning Specialty or Google Professional Machine Learning Engineer?",
    )
    assert (
        text.startswith("AWS Machine Learning Specialty: ~$300")
        and "Google Professional Machine Learning Engineer: ~$200" in text
    )
    # A value their kind doesn't state is not put side by side: starting roles give no pay.
    assert reader.read("Which pays more, data scientist or data engineer?") is None


def test_a_figure_the_guides_never_give_is_said_to_be_unstated(reader):
    mba = reader.read("Thinking about AI product management — how much does an MBA cost?")
    assert mba is not None and not mba.in_guides
    assert (mba.unstated, mba.subject) == ("a cost", "MBA")
    assert answered(reader, "Thinking about AI product management — how much does an MBA cost?") == (
        "The guides don't give a cost for MBA. The AI Engineer path guide lists MBA under Bridge Certifications."
    )
    rate = reader.read("whats the pass rate for the google profesional machine learning engineer exam?")
    assert (rate.unstated, rate.subject) == ("a pass rate", "Google Professional Machine Learning Engineer")
    course = reader.read("How many weeks does the MLOps Zoomcamp course take to finish?")
    assert (course.unstated, course.subject) == ("a duration", "MLOps Zoomcamp")
    assert answered(reader, "How many weeks does the MLOps Zoomcamp course take to finish?").endswith(
        "guide mentions MLOps Zoomcamp under Foundation Building."
    )
    pay = reader.read("I'm a data engineer. What's the typical salary for data engineers right now?")
    assert (pay.unstated, pay.subject) == ("a salary", "Data Engineer")


def test_a_figure_the_guides_give_anywhere_is_not_unstated(reader):
    for text in (
        "What does the TensorFlow Developer Certificate cost?",  # the certification's own figure, ~$100
        "How much does the MLOps Zoomcamp cost?",  # the guide calls it free
        "What is the average salary of a data scientist?",  # the AI engineer guide's prose: $108,020
        "How long does it take to learn PyTorch?",  # a part of a skill's name, with its weeks
        "How long does it take a data scientist to become an AI engineer?",  # a starting role's timeline
        # A second question the guides answer: the cost is given, the pass rate is not.
        "What does the TensorFlow Developer Certificate cost and what's its pass rate?",
    ):
        request = reader.read(text)
        assert request is None or not request.unstated, text


def test_an_unstated_figure_is_refused_without_the_model(coach_with):
    coach, fake = coach_with("It costs $300 [1].")
    answer = coach.ask("How much does the AWS Solutions Architect Associate exam cost?")
    assert answer.refused and answer.path == "facts" and not fake.requests and not answer.citations
    assert answer.answer.startswith("The guides don't give a cost for AWS Solutions Architect Associate.")
    assert "$" not in answer.answer


def test_the_lists_of_what_to_learn_and_what_transfers_are_told_apart_by_meaning(reader):
    assert {name: reader.holds.get(name, "") for name in (
        "Skills You'll Need to Learn", "Gaps to Fill", "Your Transferable Skills", "Skills That Transfer",
        "This Week", "Biggest Challenges", "Skills Checklist", "Recommended Reading",
    )} == {
        "Skills You'll Need to Learn": "learn", "Gaps to Fill": "learn",
        "Your Transferable Skills": "have", "Skills That Transfer": "have",
        "This Week": "", "Biggest Challenges": "", "Skills Checklist": "", "Recommended Reading": "",
    }  # fmt: skip


def test_a_phase_named_by_number_with_nothing_asked_of_it_is_given_whole(coach_with):
    from coach.session import Session

    coach, fake = coach_with("The model should not be asked.")
    session = Session()
    first = session.ask(coach, "Tell me about phase 2 of the AI architect roadmap")
    assert first.path == "facts" and not fake.requests
    assert first.answer.startswith("Phase 2: Hands-On Implementation: Build and Deploy, 6 weeks [1].")
    assert "Implement MLOps practices (versioning, monitoring) with MLflow [1]." in first.answer
    after = session.ask(coach, "and the one after?")
    assert after.answer.startswith("Phase 3: Strategic Development: Business and Leadership, 6 weeks [1].")
    # Something asked of it (its weeks) is left to the reader of what is asked.
    assert coach.meaning.read("How long is phase 2 of the AI architect roadmap?") is None


def test_a_phase_the_roadmap_does_not_have_is_said_so_for_every_move(reader, facts):
    from coach.facts import Phase, Transition
    from coach.frame import name_of

    for found in facts.values():
        phases = [f for f in found if isinstance(f, Phase)]
        if not phases:
            continue
        label = name_of(next(f for f in found if isinstance(f, Transition)))
        beyond = len(phases) + 2
        question = f"What happens in phase {beyond} of the {label} roadmap?"
        text = answered(reader, question)
        assert text.startswith(
            f"The {label} roadmap has {len(phases)} phases, so it has no Phase {beyond}."
        ), text
        assert f"Phase {len(phases)}: {phases[-1].title.text}" in text
        assert reader.read(f"What happens in phase {len(phases)} of the {label} roadmap?") is None
    text = answered(reader, "What's covered in phase 2 of the AI/ML architect career path?")
    assert text.startswith(
        "The AI/ML Architect path guide does not set out its roadmap's phases or weeks, so it says nothing of a Phase 2."
    )


def test_the_coach_says_a_phase_is_not_in_the_roadmap_without_the_model(coach_with):
    coach, fake = coach_with("The model should not be asked.")
    answer = coach.ask("How long is phase 6 of the DL to ML engineer roadmap?")
    # Said as a refusal is (the guide doesn't have what was asked), with the phases it does have.
    assert answer.path == "facts" and answer.refused and not fake.requests and not answer.citations
    assert answer.answer.startswith(
        "The Deep Learning Engineer → Machine Learning Engineer roadmap has 5 phases, so it has no Phase 6. "
        "Phase 1: Foundation Building, 4 weeks."
    )
    assert answer.answer.endswith("Phase 5: Interview & Transition, 3 weeks.")
    prose = coach.ask("What's covered in phase 2 of the AI/ML architect career path?")
    assert prose.refused and prose.answer.endswith(
        "It says: Follow this four-phase roadmap to build the skills progressively."
    )


def test_a_roadmap_given_in_prose_only_is_said_to_have_no_weeks(reader):
    text = answered(reader, "Make me a 6-month study plan for the AI/ML architect path.")
    assert text == (
        "The AI/ML Architect path guide does not set out its roadmap's phases or weeks, so there is nothing to "
        "compute a plan in your time from. It says: Follow this four-phase roadmap to build the skills progressively."
    )
    total = reader.read("Altogether, how many weeks does the AI/ML architect learning roadmap take?")
    assert total is not None and total.guides == (ARCHITECT_PATH,)
    assert "It says: Follow this four-phase roadmap" in answered(
        reader, "Altogether, how many weeks does the AI/ML architect learning roadmap take?"
    )
    # A figure of another kind the path's guide never gives is unstated, plainly.
    pay = reader.read("What salary does an AI/ML architect make?")
    assert pay is not None and not pay.in_guides and pay.figure == "money"
    exact = answer_request(pay, reader.catalog, reader.facts, {}, 40.0)
    assert exact.declined and [line.text for line in exact.lines] == [
        "The AI/ML Architect path guide doesn't give a salary."
    ]


def test_a_list_asked_for_by_the_span_of_time_its_heading_names(reader):
    text = answered(
        reader,
        "What should I focus on in my first month of going from deep learning engineer to ML engineer?",
    )
    assert (
        text.startswith("The guide lists these under This Month.")
        and "Attend 2-3 ML engineering meetups" in text
    )
    text = answered(
        reader, "Going from backend to deep learning, what do I tackle over the coming quarter, say 3 months?"
    )
    assert text.startswith("The guide lists these under Next 90 Days.")  # three months is about 90 days
    assert (
        reader.read("Which skill takes 4 weeks for a deep learning engineer becoming an AI architect?")
        is None
    )


def test_a_list_asked_for_by_the_kind_of_thing_it_holds(reader):
    text = answered(
        reader, "Which of my skills carry over if I move from deep learning engineer to ML engineer?"
    )
    assert text.startswith("PyTorch Expertise: Your deep experience with PyTorch transfers directly")
    assert (
        text.count(": Your ") + text.count(": Experience") == 6
    )  # each skill with what the guide says of it
    text = answered(reader, "What skills does a backend developer need to learn for deep learning?")
    assert (
        "Deep Learning Frameworks (PyTorch): Critical, 6 weeks." in text and "Research Paper Reading" in text
    )
    # One entry of the list named, or a figure asked: the entry is asked about, not the list.
    assert (
        reader.read(
            "As a deep learning engineer becoming an AI architect, do I need to learn enterprise security?"
        )
        is None
    )
    assert (
        reader.read("How long do I need to learn PyTorch as a backend developer moving into deep learning?")
        is None
    )
    # The AI engineer path has two lists of what transfers, grouped into it and out of it: the asker
    # already in its role goes out of it, anyone else into it.
    into = answered(reader, "Which of my skills carry over into AI engineering?")
    assert (
        into.startswith("The guide lists these under Skills That Transfer.")
        and "Data pipeline design" in into
    )
    out = answered(reader, "I'm an AI engineer. Which of my skills transfer if I move on?")
    assert (
        out.startswith("The guide lists these under Transferable Skills Analysis.")
        and "Research Translation" in out
    )


def test_a_list_the_model_names_is_given_whole_when_it_wrote_from_another(coach_with):
    # The model reads "what's tough" as the guide's Biggest Challenges, but writes from the
    # passage of what one might miss: the checker removes it, and the list it named is given.
    coach, fake = coach_with(
        scripted("The biggest challenges include deep, focused time on model experimentation [1].")
    )
    answer = coach.ask("What's tough about moving from deep learning engineer to AI architect?")
    assert fake.requests and not answer.refused and answer.path == "facts"
    assert answer.answer.startswith("The guide lists these under Biggest Challenges")
    assert "Managing ambiguity in defining architectural standards" in answer.answer
    assert "model experimentation" not in answer.answer
    assert {c.section for c in answer.citations} == {"Reality Check > Biggest Challenges"}


def test_a_term_the_guides_write_in_a_few_places_is_read_as_those_places(reader):
    request = reader.mentioned("What does the AI/ML architect path say about feature stores?")
    assert request is not None and request.guides == ("002_f509431828cc4a69.txt",)
    assert [v.text for v in request.mentions] == [
        "Model serving, feature stores, experiment tracking, MLOps.",
        "How would you design a feature store for a large organization?",
    ]
    # A word the guides write in many places names nothing in particular; a figure asked is not a
    # question about what is said of a term; nor is one naming a thing no guide speaks of.
    assert reader.mentioned("What does the AI engineer guide say about the roadmap?") is None
    assert reader.mentioned("How much does the MLOps Zoomcamp cost?") is None
    assert (
        reader.mentioned("How many tracks and tutorials does the AI/ML architect career path have?") is None
    )
    assert reader.mentioned("Does Anthropic sponsor work visas?") is None
    # Asking where a term shows up, or what it is for, asks what the guides say of it: no figure.
    request = reader.mentioned("Where does Seldon show up?")
    assert request is not None and [v.text for v in request.mentions] == [
        "MLOps and model serving infrastructure (MLflow, Kubeflow, Seldon)"
    ]


def test_what_the_asker_says_of_themselves_does_not_stop_a_term_being_read(coach_with):
    coach, fake = coach_with("The model should not be asked.")
    answer = coach.ask(
        "I've got a system design interview for an ML architect role next week. "
        "What does the architect path say about feature stores?"
    )
    assert fake.requests == [] and answer.path == "facts"
    assert "Cover offline/online stores, feature freshness, point-in-time correctness" in answer.answer
    # A story's person and the story are one place: the story, whole, once.
    answer = coach.ask(
        "Which courses did Yuki complete before she moved from backend engineering into AI engineering?"
    )
    assert fake.requests == [] and answer.answer.startswith(
        "From Backend Engineer to AI Engineer (Yuki, 29): Yuki spent five years building microservices"
    )
    assert answer.answer.count("Yuki") == 2


def test_the_coach_quotes_where_the_guides_write_a_term_without_the_model(coach_with):
    coach, fake = coach_with("The model should not be asked.")
    answer = coach.ask("What does the AI/ML architect path say about feature stores?")
    assert fake.requests == [] and answer.path == "facts" and not answer.refused
    assert answer.answer == (
        "ML Infrastructure: Advanced [1]. Model serving, feature stores, experiment tracking, MLOps [1]. "
        "How would you design a feature store for a large organization [2]. "
        "Cover offline/online stores, feature freshness, point-in-time correctness, and data consistency [2]."
    )
    assert [c.section.split(" > ")[-1] for c in answer.citations] == [
        "ML Infrastructure",
        "How would you design a feature store for a large organization?",
    ]


def test_the_phase_after_one_a_question_names_is_read_by_number_or_title(reader):
    assert answered(
        reader, "ok in the DL engineer -> AI architect plan, what comes after phase 2?"
    ).startswith("Phase 3: Strategic Development: Business and Leadership, 6 weeks.")
    assert answered(
        reader, "backend->DL roadmap: what's after the production deployment and scaling phase?"
    ).startswith("Phase 5: Portfolio and Job Preparation, 4 weeks.")
    # The last phase has none after it; a roadmap with no phase named is no phase.
    assert reader.read("what's after the last phase of the ML engineer roadmap?") is None
    assert reader.read("What do I do after the roadmap of the AI architect move?") is None


def test_what_to_learn_first_is_the_most_important_to_learn_and_where_the_roadmap_starts(reader):
    assert answered(reader, "What should I learn first to become a deep learning engineer?") == (
        "The most important skills, rated Critical, are Advanced Mathematics (Linear Algebra, Calculus, "
        "Probability) and Deep Learning Frameworks (PyTorch). "
        "The roadmap starts with Phase 1: Foundation: Mathematics and Python for ML, 8 weeks."
    )
    # In the asker's own hours, it is the plan, which starts where they start.
    request = reader.read(
        "I have 10 hours a week. What should I learn first to become a deep learning engineer?"
    )
    assert request is not None and request.operation == "plan" and request.hours_per_week == 10.0


def test_an_extreme_is_ranked_among_the_kinds_that_state_the_figure_asked(reader):
    asked = "Of the roles you can move into after AI engineering, which one has the highest median pay?"
    assert answered(reader, asked).startswith(
        "The best paid role is Staff/Principal ML Engineer, at Median $250,000-$400,000/year."
    )


def test_a_move_whose_guide_states_no_timeline_is_compared_by_the_one_its_title_names(reader):
    asked = "I'm a deep learning engineer. ML engineer or AI architect — which one would get me there faster?"
    assert answered(reader, asked) == (
        "Deep Learning Engineer → Machine Learning Engineer: timeline 4-Month. "
        "Deep Learning Engineer → AI Architect: timeline 6-9 months."
    )


def test_a_phase_named_with_a_level_word_and_a_typo_is_answered_from_the_facts(coach_with):
    coach, fake = coach_with("The model should not be asked.")
    answer = coach.ask(
        "what resourses are listed for the advanced architectures phase (backend to deep learning)?"
    )
    assert fake.requests == [] and answer.path == "facts"
    assert answer.answer.startswith(
        "Phase 3: Advanced Architectures and Specialization lists these resources [1]. "
        "Coursera: Deep Learning Specialization by Andrew Ng [1]."
    )


def test_a_role_named_inside_another_s_name_may_mean_that_other_move(retriever):
    terms = retriever.terms
    # Read from the guides' own end roles: "AI Architect" lies inside "AI/ML Architect".
    assert terms.nesting == {"AI Architect": ("AI/ML Architect",)}
    assert terms.nested_in("Which AI architect skills are rated advanced?") == [
        ("AI Architect", "AI/ML Architect")
    ]
    # Where the move starts, or the other role itself, settles it.
    assert terms.nested_in("From deep learning engineer to AI architect: which skills?") == []
    assert terms.nested_in("AI architect or AI/ML architect: which skills?") == []
    read = terms.read_as("AI Architect", "AI/ML Architect")
    assert [r for r, _ in read.roles_in("the AI architect skills checklist")] == ["AI/ML Architect"]


def test_the_coach_reads_the_other_move_when_the_named_one_holds_no_answer(coach_with):
    coach, fake = coach_with("The model should not be asked.")
    answer = coach.ask("Which of the AI architect skills are at an advanced level?")
    assert answer.path == "facts" and not fake.requests
    assert answer.answer == "System Design: Advanced [1]. ML Infrastructure: Advanced [2]."
    assert {c.source for c in answer.citations} == {"002_f509431828cc4a69.txt"}
    assert answer.not_covered.startswith("“AI Architect” is read here as AI/ML Architect")
    # A question the AI Architect move's own guide answers stays with it.
    answer = coach.ask("How many weeks is the AI architect roadmap in total?")
    assert answer.answer.startswith("The roadmap's 5 phases add up to 28 weeks [1].")
    assert {c.source for c in answer.citations} == {"000_9e3a73c7d27677eb.txt"}
    assert not answer.not_covered


def test_a_refusal_read_for_the_other_move_is_no_answer_for_the_one_named(coach_with):
    coach, fake = coach_with(scripted("Phase 2 is Hands-On Implementation: Build and Deploy, 6 weeks [1]."))
    answer = coach.ask("What's in phase 2 of the AI architect roadmap, and how long is it?")
    # The AI/ML Architect path sets out no phases; that says nothing of the AI Architect move's.
    assert "does not set out its roadmap's phases" not in answer.answer and not answer.refused
    assert fake.requests and answer.path == "model"
    assert not answer.not_covered.startswith("“AI Architect” is read here")


def test_a_count_the_guide_states_of_itself_is_given_as_it_states_it(reader):
    tallies = [f for f in reader.facts[ARCHITECT_PATH] if isinstance(f, Tally)]
    assert [(t.count, t.noun) for t in tallies] == [
        ("4", "Phases"),
        ("~32", "Curated Tutorials"),
        ("6", "Tracks"),
    ]
    question = "How many tracks and tutorials does the AI/ML architect career path have?"
    assert reader.read(question).entries == (tallies[1], tallies[2])
    assert answered(reader, question) == "The guide gives ~32 Curated Tutorials. The guide gives 6 Tracks."
    # What no line of its own counts is counted from its list.
    assert not any(
        isinstance(e, Tally)
        for e in reader.read("How many skills are on the AI/ML architect checklist?").entries
    )


def test_which_phase_holds_a_thing_is_read_from_the_phases_own_words(reader):
    # The words fewer phases hold count more: "cloud" is in two phases, "certification" in one.
    request = reader.read(
        "In the deep learning engineer to ML engineer roadmap, which phase is the cloud certification in?"
    )
    assert request is not None and [(p.number, p.title.text) for p in request.entries] == [
        (2, "Cloud & Production Skills")
    ]
    assert answered(
        reader, "Which phase of the backend to deep learning roadmap covers transformers?"
    ).startswith("Phase 3: Advanced Architectures and Specialization, 10 weeks.")
    # Words every phase holds, or none, settle nothing.
    assert reader.read("Which phase of the backend to deep learning roadmap is about bananas?") is None
