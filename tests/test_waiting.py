"""The line for the one model: places, estimates and the busy notice, alone (a clock set by hand)
and through the chat app with a slow fake model. About 15 s."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from gradio_client import Client

from coach.chat import Conversation
from coach.waiting import FIRST_GUESS, Line, about, busy_text, position_text
from tests.fake_llm import PHD_Q, PYTORCH_Q, scripted
from tests.test_app import text


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_waits_are_said_in_5_second_steps_then_minutes():
    assert [about(s) for s in (0, 3, 20, 61, 119, 120, 150)] == [
        "about 5 s", "about 5 s", "about 20 s", "about 65 s", "about 120 s", "about 2 min", "about 3 min",
    ]  # fmt: skip
    assert position_text(1, 12) == "1 question is ahead of yours; about 15 s."
    assert position_text(2, 40) == "2 questions are ahead of yours; about 40 s."
    assert busy_text(60) == ("The coach is busy answering other people's questions; try again in about 60 s.")


def test_before_any_answer_each_question_ahead_counts_as_a_first_guess_less_what_the_first_has_taken():
    clock = Clock()
    line = Line(max_waiting=8, max_wait_seconds=300, clock=clock)
    first, second, third = line.join(), line.join(), line.join()
    assert (first.started, second.started, third.started) == (100.0, None, None)
    assert line.wait_seconds(2) == 2 * FIRST_GUESS == 40
    clock.now += 5
    assert line.wait_seconds(2) == 35 and line.wait_seconds(0) == 0
    assert line.outlook() == "3 questions are ahead of yours; about 55 s."
    clock.now += 60  # the first answer is taking longer than usual: it may end any moment
    assert line.wait_seconds(1) == 0 and line.wait_seconds(3) == 40


def test_the_typical_answer_is_the_median_of_recent_model_answers_only():
    clock = Clock()
    line = Line(max_waiting=8, max_wait_seconds=300, clock=clock)
    for seconds, used_model in ((10, True), (30, True), (0.1, False), (12, True)):
        ticket = line.join()
        clock.now += seconds
        line.leave(ticket, used_model)
    assert line.answer_seconds() == 12
    assert len(line) == 0


def test_past_max_waiting_a_question_gets_no_place_and_is_told_when_to_try_again():
    clock = Clock()
    line = Line(max_waiting=2, max_wait_seconds=300, clock=clock)
    tickets = [line.join() for _ in range(3)]  # one answered, two waiting
    assert all(tickets) and line.join() is None
    assert line.busy() == busy_text(60) and line.outlook() == ""
    line.leave(tickets[0], used_model=True)  # 0 s: not a typical answer, but the only one
    assert line.join() is not None


def test_a_question_whose_estimated_wait_is_too_long_gets_no_place():
    line = Line(max_waiting=8, max_wait_seconds=50, clock=Clock())
    assert line.join() and line.join() and line.join()  # the third waits about 40 s
    assert line.join() is None  # about 60 s


def test_a_waiting_question_is_told_its_place_and_its_turn_comes_when_those_ahead_leave():
    line = Line(max_waiting=8, max_wait_seconds=300)
    first, second, third = line.join(), line.join(), line.join()
    said: list[str] = []
    turn = threading.Event()

    def wait() -> None:
        said.extend(dict.fromkeys(line.waiting(third, every=0.05)))  # each place once
        turn.set()

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.2)
    line.leave(first, used_model=True)
    time.sleep(0.2)
    assert not turn.is_set()
    line.leave(second, used_model=True)
    assert turn.wait(timeout=5)
    waiter.join()
    assert [s.split(";")[0] for s in said] == [
        "2 questions are ahead of yours",
        "1 question is ahead of yours",
    ]
    assert third.started is not None


def test_a_question_dropped_while_waiting_gives_its_place_back():
    line = Line(max_waiting=8, max_wait_seconds=300)
    first, second, third = line.join(), line.join(), line.join()
    places = line.waiting(third)
    assert next(places).startswith("2 questions")
    line.leave(second, used_model=False)  # its user started a new conversation
    assert next(places).startswith("1 question is")
    places.close()
    line.leave(third, used_model=False)
    assert len(line) == 1 and list(line.waiting(first)) == []


def test_the_question_past_max_waiting_is_told_at_once_that_the_coach_is_busy(coach_with, launch, capsys):
    """With 2 allowed to wait, the 4th of 4 questions at once is turned away in well under one
    answer's time (about 2.5 s here) while the other three are answered, each in turn."""
    coach, fake = coach_with(scripted(), facts=False)
    fake.delay = 0.2  # 10 words: about 2.5 s an answer
    coach.settings = coach.settings.model_copy(update={"max_waiting": 2})
    url, _ = launch(coach)
    clients = [Client(url, verbose=False) for _ in range(4)]
    jobs = []
    for client in clients[:3]:  # one at a time, so the order of the line is known
        jobs.append(client.submit(PYTORCH_Q, "All guides", api_name="/chat"))
        deadline = time.monotonic() + 30
        while not jobs[-1].outputs() and time.monotonic() < deadline:
            time.sleep(0.05)
    started = time.perf_counter()
    messages, result, *_ = clients[3].predict(PHD_Q, "All guides", api_name="/chat")
    turned_away = time.perf_counter() - started
    assert turned_away < 1.0
    assert result["error"].startswith(
        "The coach is busy answering other people's questions; try again in about "
    )
    assert [text(m) for m in messages] == [PHD_Q, f"⚠️ {result['error']}"]
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda job: job.result(timeout=60), jobs))
    assert all("6 weeks" in result["answer"] for _, result, *_ in answers)
    # While it waited, the third question's bubble named its place behind the other two.
    # (An output left unchanged comes as Gradio's {"__type__": "update"}.)
    bubbles = [text(outputs[0][-1]) for outputs in jobs[2].outputs() if isinstance(outputs[0], list)]
    assert bubbles[0].startswith("_Waiting for the coach: 2 questions are ahead of yours; about ")
    assert any(b.startswith("_Waiting for the coach: 1 question is ahead of yours; about ") for b in bubbles)
    with capsys.disabled():
        print(f"\nmax waiting 2, 4 questions at once: the 4th turned away in {turned_away:.2f} s")


def test_a_question_dropped_while_it_waits_gives_its_place_to_the_next(coach_with, launch):
    coach, fake = coach_with(scripted(), facts=False)
    fake.delay = 0.2
    coach.settings = coach.settings.model_copy(update={"max_waiting": 1})
    url, _ = launch(coach)
    first, second, third = (Client(url, verbose=False) for _ in range(3))
    answering = first.submit(PYTORCH_Q, "All guides", api_name="/chat")
    while not answering.outputs():
        time.sleep(0.05)
    waiting = second.submit(PYTORCH_Q, "All guides", api_name="/chat")
    while not waiting.outputs():
        time.sleep(0.05)
    assert "error" in third.predict(PHD_Q, "All guides", api_name="/chat")[1]  # no place left
    waiting.cancel()  # its user left the page, or started a new conversation
    time.sleep(1.5)  # a waiting question looks at its place once a second
    messages, result, *_ = third.predict(PYTORCH_Q, "All guides", api_name="/chat")
    assert "6 weeks" in result["answer"] and "6 weeks" in answering.result(timeout=60)[1]["answer"]
    assert len(fake.requests) == 2  # the dropped question never reached the model


def test_a_question_the_page_turns_back_at_once_takes_no_place_in_the_line(coach_with):
    coach, _ = coach_with(scripted(), facts=False)
    conversation = Conversation()
    assert conversation.answered_at_once(coach, " \n ") and conversation.answered_at_once(coach, "x" * 1001)
    assert not conversation.answered_at_once(coach, PYTORCH_Q)
    screen = conversation.busy(PYTORCH_Q, None, busy_text(40))
    assert screen.result == {"error": busy_text(40)} and not screen.busy
    assert [m["content"] for m in screen.messages][1] == (
        "⚠️ The coach is busy answering other people\\'s questions\\; try again in about 40 s\\."
    )
    assert conversation.session.turns == []  # the next question is not read against it
