"""One conversation with the coach, and the one way to build a coach from settings.

`Session` owns the turn loop that every front end runs (the CLI, the chat page, the evals):
the history a follow-up is read against and the chunks the previous answer cited. The chat
page keeps one per browser session; `coach ask` one per command.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from coach.answer import Answer, Coach, Found
from coach.settings import Settings
from coach.verify import CheckedSentence


@dataclass
class Session:
    """The answered turns of one conversation, oldest first."""

    turns: list[tuple[str, Answer]] = field(default_factory=list)

    def history(self) -> list[tuple[str, str]]:
        return [(question, answer.answer) for question, answer in self.turns]

    def last(self) -> Answer | None:
        return self.turns[-1][1] if self.turns else None

    def stream(
        self, coach: Coach, question: str, guide: str | None = None
    ) -> Iterator[Found | CheckedSentence | Answer]:
        """The coach's events for the next turn (see `Coach.stream`); the turn joins the
        conversation once its answer is complete."""
        last = self.last()
        cited, state = (last.cited_ids, last.frame) if last else (None, None)
        for event in coach.stream(question, self.history(), cited, guide, state):
            if isinstance(event, Answer):
                self.turns.append((question, event))
            yield event

    def ask(self, coach: Coach, question: str, guide: str | None = None) -> Answer:
        for event in self.stream(coach, question, guide):
            if isinstance(event, Answer):
                return event
        raise AssertionError("Coach.stream ends with an Answer")


def ask_all(coach: Coach, turns: list[str], guide: str | None = None) -> Answer:
    """Answer each user turn in order as one conversation; return the last answer."""
    session = Session()
    for turn in turns:
        answer = session.ask(coach, turn, guide)
    return answer


def build_coach(settings: Settings, embedder=None) -> Coach:
    """The coach the settings describe: its index, its retrieval and its language model."""
    from coach.llm_server import chat_model
    from coach.retrieve import Retriever

    return Coach(settings, Retriever.open(settings, embedder), chat_model(settings))
