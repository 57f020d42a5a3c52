"""The embedded server's gate: one model user at a time, and a question waiting goes before a build
waiting (a build of five guides delays a question by one guide's reading at most)."""

from __future__ import annotations

import threading
import time

from coach.model_server import Gate, common_prefix


def test_a_waiting_question_goes_before_a_waiting_build():
    gate, order = Gate(), []
    held = threading.Event()

    def build_running() -> None:
        with gate.hold(question=False):
            held.set()
            time.sleep(0.3)
            order.append("first build")

    def user(name: str, question: bool) -> None:
        with gate.hold(question=question):
            order.append(name)

    threads = [threading.Thread(target=build_running)]
    threads[0].start()
    held.wait()
    for name, question in (("next build", False), ("question", True)):
        threads.append(threading.Thread(target=user, args=(name, question)))
        threads[-1].start()
        time.sleep(0.05)  # the build asks first
    for thread in threads:
        thread.join(5)
    assert order == ["first build", "question", "next build"]


def test_two_questions_never_hold_the_model_at_once():
    gate, inside, most = Gate(), [0], [0]

    def ask() -> None:
        with gate.hold(question=True):
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            time.sleep(0.02)
            inside[0] -= 1

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert most[0] == 1


def test_the_common_prefix_of_two_token_lists():
    assert common_prefix((1, 2, 3, 4), [1, 2, 9]) == 2
    assert common_prefix((1, 2), [1, 2, 3]) == 2
    assert common_prefix((), [1]) == 0 and common_prefix((5,), [1]) == 0
