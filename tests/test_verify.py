"""Known-answer tests for the sentence checker."""

from __future__ import annotations

import pytest

from coach.records import Chunk, Passage
from coach.verify import Asked, Listed, check, check_stream, numbers_in, split_sentences


def passage(section: str, text: str, source: str = "003.txt") -> Passage:
    chunk = Chunk(
        "id-" + section,
        source,
        "From Backend Developer to Deep Learning Engineer",
        "",
        "",
        section,
        "skill",
        0,
        text,
    )
    return Passage(chunk, 1.0)


PYTORCH = passage(
    "Skills You'll Need to Learn > Deep Learning Frameworks (PyTorch)",
    "Priority: Critical · 6 weeks\nComplete the 'PyTorch for Deep Learning' course on Udemy by Daniel Bourke.",
)
GLANCE = passage("At a Glance", "Difficulty: Challenging\nTimeline: 9-12 months\nSalary Change: +40%")
PASSAGES = [PYTORCH, GLANCE]


def test_sentences_keep_their_markers_even_after_the_full_stop():
    assert split_sentences(
        "PyTorch takes 6 weeks [1]. The timeline is 9-12 months. [2]\n- Salary +40% [2]"
    ) == [
        ("PyTorch takes 6 weeks.", [1]),
        ("The timeline is 9-12 months.", [2]),
        ("Salary +40%", [2]),
    ]


def test_numbers_are_normalised():
    assert numbers_in("$140,000, six weeks, +40% and 9-12 months") == {"140000", "6", "40", "9", "12"}


def test_faithful_sentence_keeps_its_citation():
    [s] = check("Spend 6 weeks on Deep Learning Frameworks (PyTorch) [1].", PASSAGES)
    assert (s.sources, s.reason) == ([0], "")


def test_swapped_number_is_caught():
    [s] = check("Spend 8 weeks on Deep Learning Frameworks (PyTorch) [1].", PASSAGES)
    assert s.sources == [] and s.reason == "states 8, which its passages do not"


def test_citation_to_the_wrong_passage_is_moved_to_the_right_one():
    [s] = check("The transition timeline is 9-12 months [1].", PASSAGES)
    assert s.sources == [1]


def test_uncited_sentence_is_attributed_to_its_supporting_passage():
    [s] = check(
        "The guide suggests the 'PyTorch for Deep Learning' course on Udemy by Daniel Bourke.", PASSAGES
    )
    assert s.sources == [0]


def test_citation_to_a_passage_that_does_not_exist_is_ignored():
    [s] = check("The salary change is +40% [7].", PASSAGES)
    assert s.sources == [1]


def test_claim_no_passage_makes_is_unsupported():
    [s] = check("You should also study functional programming and category theory [1].", PASSAGES)
    assert s.sources == [] and s.reason == "says things its passages do not"


def test_number_written_as_a_word_is_checked():
    [s] = check("Spend eight weeks on Deep Learning Frameworks (PyTorch).", PASSAGES)
    assert s.sources == [] and "8" in s.reason


def test_framing_words_do_not_count_against_a_faithful_sentence():
    [s] = check("The guide puts the transition time at 9-12 months.", PASSAGES)
    assert s.sources == [1]


def test_a_place_or_name_no_passage_mentions_is_caught():
    [s] = check("The transition timeline is 9-12 months in Germany [2].", PASSAGES)
    assert s.sources == [] and s.reason == "names Germany, which its passages do not"


def test_names_the_passage_has_pass():
    [s] = check("Take the PyTorch for Deep Learning course on Udemy by Daniel Bourke [1].", PASSAGES)
    assert s.sources == [0]


def test_abbreviations_do_not_end_a_sentence():
    text = (
        "Senior roles earn $250,000-$400,000+ (source: U.S. Bureau of Labor Statistics) [1]. Startups differ."
    )
    assert [s for s, _ in split_sentences(text)] == [
        "Senior roles earn $250,000-$400,000+ (source: U.S. Bureau of Labor Statistics).",
        "Startups differ.",
    ]


@pytest.mark.parametrize(
    "pieces",
    [
        ["The move takes 6 weeks. [2", "] Next, learn PyTorch."],
        ["The move takes 6 weeks. [2][", "1] Next, learn PyTorch."],
        ["The move takes 6 weeks.\n[", "2]\nNext, learn PyTorch."],
        ["The move ", "takes 6 weeks. ", "[2] ", "Next, learn PyTorch."],
    ],
)
def test_streamed_check_keeps_markers_split_across_pieces(pieces):
    # Both passages support the first sentence; the model's marker says it took it from [2].
    passages = [
        passage("Roadmap", "The move takes 6 weeks. Next, learn PyTorch."),
        passage("Skills", "Deep learning: the move takes 6 weeks."),
    ]
    streamed = list(check_stream(pieces, passages))
    assert [(c.text, c.sources) for c in streamed] == [
        (c.text, c.sources) for c in check("".join(pieces), passages)
    ]
    assert streamed[0].sources[0] == 1  # the passage the model named first


def test_a_number_is_checked_with_its_unit():
    roadmap = passage("Phase 4: Portfolio", "Duration: 4 weeks\nBuild 2-3 end-to-end projects.")
    [checked] = check("The timeline is 2 weeks [1].", [roadmap])
    assert not checked.supported and checked.reason == "states 2 week, which its passages do not"


@pytest.mark.parametrize(
    "sentence",
    [
        "Phase 4 takes four weeks [1].",
        "The move takes 6 to 9 months [1].",
        "The salary increase is 40% to 100% [1].",
    ],
)
def test_the_same_quantity_in_other_words_is_supported(sentence):
    glance = passage(
        "At a Glance", "Timeline: 6-9 months\nSalary: a 40-100% increase\nPhase 4 Duration: 4 weeks"
    )
    assert check(sentence, [glance])[0].supported


def test_an_absolute_the_passage_does_not_state_is_removed():
    priced = passage(
        "Certifications",
        "- **TensorFlow Developer Certificate** (~$100) — Validates deep learning framework proficiency",
    )
    [free] = check("The TensorFlow Developer Certificate is free [1].", [priced])
    assert (free.sources, free.reason) == ([], "says free, which its passages do not")
    course = passage("Phase 1", "- Study MLOps concepts through the 'MLOps Zoomcamp' free course")
    [stated] = check("The MLOps Zoomcamp course is free [1].", [course])
    assert stated.sources == [0]


def test_a_sentence_copied_from_one_passage_cites_it_and_not_the_one_the_model_named():
    phase = passage(
        "Your Learning Roadmap > Phase 5: Job Search",
        "Duration: 4 weeks\nPrepare a portfolio of model research projects and practise interviews.",
    )
    miss = passage(
        "Reality Check > What You Might Miss",
        "Deep, focused time on model experimentation and research\nImmediate gratification from accuracy metrics",
    )
    [sentence] = check("Deep, focused time on model experimentation and research [1].", [phase, miss])
    assert sentence.sources == [1]
    # Where both support it about as well, the model's own marker is kept.
    [both] = check("Model research [1].", [phase, miss])
    assert both.sources == [0]


def test_an_ordinal_is_a_number_its_passage_must_state():
    tips = [
        passage(
            "Interview Tips",
            "Draw architecture diagrams — show data flow, model serving, and feedback loops\n"
            "Discuss trade-offs explicitly (latency vs throughput, accuracy vs speed)",
        )
    ]
    [s] = check("The second round involves drawing architecture diagrams to show data flow [1].", tips)
    assert s.sources == [] and s.reason == "states 2, which its passages do not"
    roadmap = [passage("Your Learning Roadmap > Phase 2: Cloud & Production Skills", "Duration: 6 weeks")]
    [ok] = check("The second phase, Cloud & Production Skills, takes 6 weeks [1].", roadmap)
    assert ok.sources == [0]
    [first] = check(
        "First, draw architecture diagrams to show data flow [1].", tips
    )  # orders, states nothing
    assert first.sources == [0]


OUTLOOK = passage(
    "Transitioning INTO AI Engineer",
    "The Bureau of Labor Statistics projects 35% growth through 2032, with median annual pay of $108,020.",
    source="004.txt",
)
PAY_CHANGES = {"003.txt": {"40 %"}, "004.txt": set()}


def test_a_percentage_told_as_a_pay_change_must_be_one_of_the_guides_pay_changes():
    grown = "Statistics project 35% growth through 2032, so median annual pay grows by 35% [1]."
    unchecked, checked = check(grown, [OUTLOOK]), check(grown, [OUTLOOK], pay_changes=PAY_CHANGES)
    assert unchecked[0].supported
    assert checked[0].sources == []
    assert checked[0].reason == "gives 35 % as a change in pay, which its guide states for something else"
    # The growth figure on its own, and the guide's own pay change, still pass.
    assert check(
        "The Bureau of Labor Statistics projects 35% growth through 2032 [1].",
        [OUTLOOK],
        pay_changes=PAY_CHANGES,
    )[0].supported
    assert check("The salary change is +40% [1].", [GLANCE], pay_changes=PAY_CHANGES)[0].sources == [0]


MISS = passage(
    "Reality Check > What You Might Miss",
    "  • Deep, focused time on model experimentation and research\n  • Specialized, hands-on coding",
    source="000.txt",
)
CHALLENGES = passage(
    "Reality Check > Biggest Challenges",
    "  • Balancing technical perfection with business constraints and timelines\n  • Managing ambiguity",
    source="000.txt",
)
LISTS = {
    "000.txt": tuple(
        Listed(h) for h in ("What You'll Love", "What You Might Miss", "Biggest Challenges", "Sources")
    )
}


def test_a_sentence_that_names_a_list_must_come_from_a_passage_under_it():
    wrong = "The biggest challenges include deep, focused time on model experimentation and research [1]."
    assert check(wrong, [MISS])[0].supported  # without the guide's headings, the words match
    [s] = check(wrong, [MISS, CHALLENGES], lists=LISTS)
    assert s.sources == [] and s.reason == "puts it under biggest challenges, which its passage is not under"
    right = "The biggest challenges include balancing technical perfection with business constraints [2]."
    assert check(right, [MISS, CHALLENGES], lists=LISTS)[0].sources == [1]
    # The passage's own list, and a one-word heading used as a word, don't count against it.
    missed = "You might miss deep, focused time on model experimentation and research [1]."
    assert check(missed, [MISS], lists=LISTS)[0].sources == [0]
    assert check("Sources of deep, focused time on model experimentation [1].", [MISS], lists=LISTS)[
        0
    ].supported


def test_a_figure_the_passage_s_own_heading_states_may_be_repeated_from_the_question():
    ninety = passage("Start Your Journey Now > Next 90 Days", "  • Finish the entire math specialization")
    asked = Asked.of(
        "what should i have done after my first 90 days?", "what should i have done after my first 90 days?"
    )
    [s] = check("After 90 days, finish the entire math specialization [1].", [ninety], asked)
    assert s.sources == [0]
    elsewhere = passage("Start Your Journey Now > This Month", "  • Finish the entire math specialization")
    assert (
        check("After 90 days, finish the entire math specialization [1].", [elsewhere], asked)[0].sources
        == []
    )


TRANSFER = passage(
    "Transferable Skills Analysis > Skills That Transfer",
    "  • Python proficiency and software engineering practices\n  • Data pipeline design",
    source="004.txt",
)
GAPS = passage(
    "Transferable Skills Analysis > Gaps to Fill",
    "  • Vector databases and embedding systems\n  • MLOps and model serving infrastructure",
    source="004.txt",
)
KINDS = {"004.txt": (Listed("Skills That Transfer", "have"), Listed("Gaps to Fill", "learn"))}


def test_a_sentence_that_calls_its_things_to_learn_must_come_from_a_list_of_what_to_learn():
    told = "You'll need to learn Python proficiency and software engineering practices [1]."
    [s] = check(told, [TRANSFER, GAPS], lists=KINDS)
    assert (
        s.sources == []
        and s.reason == "calls it something to learn, where its passage lists something that transfers"
    )
    assert check(
        "Your Python proficiency and software engineering practices transfer [1].", [TRANSFER], lists=KINDS
    )[0].supported
    assert check(
        "You'll need to learn vector databases and embedding systems [2].", [TRANSFER, GAPS], lists=KINDS
    )[0].sources == [1]
    carried = "Vector databases and embedding systems carry over [1]."
    assert (
        check(carried, [GAPS], lists=KINDS)[0].reason
        == "calls it something that transfers, where its passage lists something to learn"
    )
    # A sentence that says neither is checked as before.
    assert check("The guide lists vector databases and embedding systems [1].", [GAPS], lists=KINDS)[
        0
    ].supported


def test_a_yes_or_no_its_passage_does_not_give_is_removed():
    faq = passage(
        "Frequently Asked Questions",
        "No, it becomes more strategic. Your deep learning knowledge is crucial for architectural decisions.",
    )
    [kept] = check("No, it becomes more strategic [1].", [faq])
    [turned] = check("Yes, it becomes more strategic [1].", [faq])
    [unsaid] = check("Yes, the Deep Learning Frameworks (PyTorch) skill is critical [1].", PASSAGES)
    assert kept.supported and kept.sources == [0]
    assert not turned.supported and turned.reason == 'answers "yes", which its passage does not'
    assert not unsaid.supported
    # "No" inside a sentence, or as part of a word, answers nothing.
    [inside] = check("Spend 6 weeks on Deep Learning Frameworks (PyTorch), no more [1].", PASSAGES)
    assert inside.supported


def test_a_sentence_naming_a_guide_must_cite_that_guide():
    def of_move(from_role: str, to_role: str, source: str) -> Passage:
        chunk = Chunk(
            "id-" + source, source, f"From {from_role or 'anywhere'} to {to_role}", from_role, to_role, "Gaps to Fill", "list", 0,
            "Vector databases and embedding systems.",
        )  # fmt: skip
        return Passage(chunk, 1.0)

    architect = of_move("Deep Learning Engineer", "AI Architect", "000.txt")
    engineer = of_move("", "AI Engineer", "004.txt")
    told = "The AI engineer guide lists vector databases and embedding systems [1]."
    [s] = check(told, [architect])
    assert s.sources == [] and s.reason == "gives it to the AI Engineer guide, which its passage is not from"
    [s] = check(told, [architect, engineer])
    assert s.sources == [1] and s.supported
    # The move named by both roles is its end's guide; a sentence naming no guide is checked as before.
    assert check("The Deep Learning Engineer → AI Architect guide lists vector databases [1].", [architect])[
        0
    ].supported
    assert check("Vector databases and embedding systems are listed [1].", [architect])[0].supported
    path = of_move("", "AI/ML Architect", "002.txt")
    assert check("The AI architect path lists vector databases and embedding systems [1].", [path])[
        0
    ].supported
