"""The line of chat questions waiting for the one coach, and what to tell those in it.

The embedded model answers one request at a time, so the chat page answers one question at a
time, first come first served. Each question takes a `Ticket` in the page's `Line` before it is
answered and gives it back after. A question that would find more than `max_waiting` others
waiting, or would wait longer than `max_wait_seconds` by the estimate, gets no ticket: it is
told at once that the coach is busy and when to try again, instead of hanging.

The wait is estimated from the answers just given: the median time of the recent answers that
called the model, for each question ahead, less what the one being answered has already taken.
Answers from the facts (no model, milliseconds) take their place in the line like any other, as
they use the same coach, but their times are not counted: a question ahead is taken to need the
model, so the estimate errs long.

Not here: answering (`coach.chat`) or the page (`app.py`). The line belongs to one process: two
pages on one model server do not see each other's questions.
"""

from __future__ import annotations

import math
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# Seconds per model answer until one is measured: a later answer's time on 2 CPU cores.
FIRST_GUESS = 20.0
REMEMBERED = 20  # recent answers the median is taken over
# Seconds between two looks at a waiting question's place: with many waiting, each answer given
# would otherwise send every one of them a new screen at once.
EVERY = 1.0


@dataclass(eq=False)
class Ticket:
    """One question's place in the line."""

    started: float | None = None  # when its answer began: it reached the front


def about(seconds: float) -> str:
    """A wait as said to a user: "about 20 s" (up in 5 s steps), "about 3 min" from 2 minutes."""
    if seconds >= 120:
        return f"about {math.ceil(seconds / 60)} min"
    return f"about {max(5, 5 * math.ceil(seconds / 5))} s"


def position_text(ahead: int, seconds: float) -> str:
    """ "2 questions are ahead of yours; about 40 s." """
    questions = "1 question is" if ahead == 1 else f"{ahead} questions are"
    return f"{questions} ahead of yours; {about(seconds)}."


def busy_text(seconds: float) -> str:
    return f"The coach is busy answering other people's questions; try again in {about(seconds)}."


class Line:
    """The questions being answered (the first) and waiting (the rest), oldest first; safe to
    use from the page's handler threads."""

    def __init__(
        self, max_waiting: int, max_wait_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_waiting = max_waiting
        self.max_wait_seconds = max_wait_seconds
        self._clock = clock
        self._changed = threading.Condition()
        self._tickets: list[Ticket] = []
        self._seconds: deque[float] = deque(maxlen=REMEMBERED)

    def answer_seconds(self) -> float:
        """The typical time of one model answer: the median of the recent ones."""
        with self._changed:
            return statistics.median(self._seconds) if self._seconds else FIRST_GUESS

    def wait_seconds(self, ahead: int) -> float:
        """About how long a question with `ahead` questions before it waits for its turn."""
        with self._changed:
            if not ahead:
                return 0.0
            typical = self.answer_seconds()
            front = self._tickets[0].started if self._tickets else None
            elapsed = self._clock() - front if front is not None else 0.0
            return max(typical - elapsed, 0.0) + (ahead - 1) * typical

    def join(self) -> Ticket | None:
        """A place at the back of the line; None when the line is too long (see `busy`)."""
        with self._changed:
            ahead = len(self._tickets)
            if not self._room(ahead):
                return None
            ticket = Ticket(started=None if ahead else self._clock())
            self._tickets.append(ticket)
            return ticket

    def busy(self) -> str:
        """What a question that got no place is told: when the line ahead of it is through."""
        with self._changed:
            return busy_text(self.wait_seconds(len(self._tickets)))

    def outlook(self) -> str:
        """The place a question joining now would take (`position_text`); "" when it would be
        answered at once, or get no place (`busy` says that)."""
        with self._changed:
            ahead = len(self._tickets)
            if not ahead or not self._room(ahead):
                return ""
            return position_text(ahead, self.wait_seconds(ahead))

    def waiting(self, ticket: Ticket, every: float = EVERY) -> Iterator[str]:
        """The ticket's place as said to its user (`position_text`) every `every` seconds, and
        at once when its turn comes: then the iterator ends. Never blocks longer than that, nor
        yields while holding the lock, so whoever waits can drop the wait (close the iterator)
        between two places."""
        while True:
            with self._changed:
                ahead = self._tickets.index(ticket)
                text = position_text(ahead, self.wait_seconds(ahead)) if ahead else ""
            if not text:
                return
            yield text
            with self._changed:
                self._changed.wait_for(lambda: self._tickets[0] is ticket, timeout=every)

    def leave(self, ticket: Ticket, used_model: bool) -> None:
        """Give the place back (answered, failed or dropped); an answer that used the model
        counts towards the typical answer time."""
        with self._changed:
            now = self._clock()
            if used_model and ticket.started is not None:
                self._seconds.append(now - ticket.started)
            self._tickets.remove(ticket)
            if self._tickets and self._tickets[0].started is None:
                self._tickets[0].started = now
            self._changed.notify_all()

    def _room(self, ahead: int) -> bool:
        """A question with `ahead` before it may wait: few enough, and not too long."""
        return ahead <= self.max_waiting and self.wait_seconds(ahead) <= self.max_wait_seconds

    def __len__(self) -> int:
        with self._changed:
            return len(self._tickets)
