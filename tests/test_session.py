"""One conversation loop: the session carries history and cited chunks from turn to turn."""

from __future__ import annotations

from coach.answer import Answer, Found
from coach.session import Session
from tests.conftest import BACKEND_TO_DL
from tests.fake_llm import COURSE_Q, PYTORCH_Q, is_condense, scripted


def test_a_session_reads_a_follow_up_against_its_own_earlier_turn(coach_with):
    coach, fake = coach_with(scripted(), facts=False)
    session = Session()
    first = session.ask(coach, PYTORCH_Q)
    assert session.history() == [(PYTORCH_Q, first.answer)] and session.last() is first
    assert first.frame is not None and first.frame.guides == (BACKEND_TO_DL,)
    events = list(session.stream(coach, COURSE_Q))
    assert isinstance(events[0], Found) and isinstance(events[-1], Answer)
    follow_up = events[-1]
    assert follow_up.query == f"{COURSE_Q} (about: Backend Developer → Deep Learning Engineer)"
    assert "Daniel Bourke" in follow_up.answer
    assert not any(is_condense(r["messages"]) for r in fake.requests)  # no rewrite call
    assert [q for q, _ in session.turns] == [PYTORCH_Q, COURSE_Q]


def test_two_sessions_do_not_share_a_thread(coach_with):
    coach, fake = coach_with(scripted())
    one, other = Session(), Session()
    one.ask(coach, PYTORCH_Q)
    answer = other.ask(coach, COURSE_Q)  # a first question in its own session: nothing to rewrite with
    assert other.history() == [(COURSE_Q, answer.answer)]
    assert not any(is_condense(r["messages"]) for r in fake.requests)
