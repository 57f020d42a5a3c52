"""The two claim checks of the suite, on known answers: the deterministic number check, and the
judge (the real configured model; about 1 minute with the embedded one)."""

from __future__ import annotations

import pytest

from coach.records import Passage
from evals.faithfulness import numbers_cited
from evals.judge import Citation, judge, parse_verdict

BACKEND = "003_64d046e4da0a868d.txt"
PYTORCH = "Skills You'll Need to Learn > Deep Learning Frameworks (PyTorch)"
PHASE_1 = "Your Learning Roadmap > Phase 1: Foundation: Mathematics and Python for ML"


@pytest.fixture(scope="module")
def passage(eval_retriever):
    def find(section: str) -> Passage:
        return Passage(
            next(c for c in eval_retriever.chunks if c.source == BACKEND and c.section == section), 0.0
        )

    return find


def test_number_check_passes_a_faithful_claim(passage):
    assert numbers_cited("Deep Learning Frameworks (PyTorch) takes 6 weeks.", [passage(PYTORCH)])


def test_number_check_fails_a_swapped_number(passage):
    assert not numbers_cited("Deep Learning Frameworks (PyTorch) takes 8 weeks.", [passage(PYTORCH)])


def test_number_check_fails_a_claim_citing_the_wrong_passage(passage):
    assert not numbers_cited("The salary change is +40%.", [passage(PYTORCH)])


def test_number_check_fails_an_uncited_claim_with_a_number():
    assert not numbers_cited("The foundation phase takes 8 weeks.", [])


def test_parser_reads_the_last_verdict_and_marks_a_missing_one():
    assert parse_verdict('Line: "Timeline: 6-8 months"\nVerdict: SUPPORTED') is True
    assert parse_verdict('Line: "Supported by a portfolio"\nVerdict: UNSUPPORTED') is False
    assert parse_verdict("Line: none\nVerdict: not supported") is False
    assert parse_verdict('Line: "Timeline: 6-8 months"') is None


@pytest.mark.real_model
def test_judge_on_known_answers(eval_coach, passage):
    pytorch, phase_1 = passage(PYTORCH), passage(PHASE_1)
    citations = {
        "faithful": [Citation("The guide gives Deep Learning Frameworks (PyTorch) 6 weeks.", 1, pytorch)],
        "swapped number": [
            Citation("The guide gives Deep Learning Frameworks (PyTorch) 8 weeks.", 1, pytorch)
        ],
        "wrong passage": [Citation("The foundation phase takes 8 weeks.", 2, pytorch)],
        "uncited claim beside a faithful one": [
            Citation(
                "It suggests the 'PyTorch for Deep Learning' course on Udemy by Daniel Bourke.", 1, pytorch
            ),
            Citation("The salary increase is +40%.", 1, pytorch),
        ],
        "right passage for the phase": [Citation("Phase 1 takes 8 weeks.", 1, phase_1)],
    }
    verdicts = {name: judge(eval_coach.model, cs)[0] for name, cs in citations.items()}
    assert verdicts == {
        "faithful": [True],
        "swapped number": [False],
        "wrong passage": [False],
        "uncited claim beside a faithful one": [True, False],
        "right passage for the phase": [True],
    }


def test_a_claim_that_cites_nothing_is_never_judged_supported():
    from evals.faithfulness import Claim

    assert not Claim("The foundation phase takes 8 weeks.", cited=[], numbers_ok=False).judge_ok


class NoModel:
    """A model that must not be asked: answers composed from facts are judged without it."""

    def __getattr__(self, name: str):
        raise AssertionError(f"the model was asked ({name})")


def test_an_answer_composed_from_facts_is_judged_by_tracing_its_values(eval_retriever):
    from coach.answer import Coach
    from coach.settings import load_settings
    from evals.faithfulness import Case, answer_case, judge_case

    coach = Coach(load_settings(), eval_retriever, NoModel())
    case = Case(
        "trace", "dev", "fact", "plain", ["How long is phase 3 of the backend roadmap?"],
        [["10 weeks"]], BACKEND, [], "answer", [], "roadmap", [],
    )  # fmt: skip
    result, answer = answer_case(coach, case)
    judge_case(coach, result, answer)
    assert result.answered_by == "facts" and result.correct
    assert [(c.text, c.judged, c.judged_by) for c in result.claims] == [
        ("Phase 3: Advanced Architectures and Specialization, 10 weeks.", [True], "spans")
    ]
    # The same sentence with another figure is not what the file holds: the trace fails it.
    answer.sentences[0].text = result.claims[0].text = (
        "Phase 3: Advanced Architectures and Specialization, 12 weeks."
    )
    judge_case(coach, result, answer)
    assert result.claims[0].judged == [False]


def test_a_figure_a_composed_sentence_declares_worked_out_counts_as_its_own(passage):
    said = "The roadmap's 5 phases add up to 28 weeks."
    assert not numbers_cited(said, [passage(PYTORCH)])
    assert numbers_cited(said, [passage(PYTORCH)], ("5", "28"))
    assert not numbers_cited(said, [passage(PYTORCH)], ("5",))  # 28 is neither cited nor declared
