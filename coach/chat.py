"""One browser conversation with the coach, as a sequence of screens to show.

`Conversation.reply` runs one turn through `Coach.stream` and yields what the chat should show
after each step: the question and the sources found (before generation starts), then the
answer growing one checked sentence at a time, then the final answer with its note and the
suggested follow-ups. Text from users and guides is escaped here, so nothing in it is ever
rendered as HTML or a link.

Not here: widgets and events (see `app.py`), or any retrieval or prompting (see `coach.answer`).
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from coach.answer import Answer, Coach, Found, guide_label, with_markers
from coach.errors import CoachError
from coach.lexical import tokenize
from coach.llm import LLMUnavailableError
from coach.records import Passage
from coach.session import Session
from coach.suggest import follow_ups
from coach.text import without_controls
from coach.verify import CheckedSentence, quantities_in

log = logging.getLogger("coach.chat")
EMPTY_QUESTION = "The question is empty: type a question first."
Message = dict  # Gradio's messages format: {"role", "content", optional "metadata"}


def escape(text: str) -> str:
    """Markdown that shows the text as typed: every ASCII punctuation mark is backslash-escaped,
    so no HTML, link, heading or emphasis can form (a bare URL is not linked either)."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def cited_text(sentences: list[CheckedSentence]) -> str:
    """Checked sentences with [n] markers numbered as the sources are listed (1-based)."""
    return " ".join(with_markers(s.text, [i + 1 for i in s.sources], escape) for s in sentences)


def cited_lines(text: str, sentences: list[str]) -> set[int]:
    """The lines of a passage its citing sentences were drawn from: for each sentence, the line
    holding most of its figures (with their units), then most of its words (at least two), so
    the reader finds it at a glance."""
    lines = [(quantities_in(line), set(tokenize(line))) for line in text.splitlines() if line.strip()]
    out = set()
    for sentence in sentences:
        words, figures = set(tokenize(sentence)), quantities_in(sentence)
        shared = [(len(figures & stated), len(words & named)) for stated, named in lines]
        best = max(shared, default=(0, 0))
        if best[0] or best[1] >= 2:
            out.add(shared.index(best))
    return out


def sources_message(passages: list[Passage], cited: dict[int, list[str]] | None = None) -> Message:
    """The passages found, numbered: guide and section at a glance, each text folded below
    them. Once the answer is done, the passages it cites are marked, and in each the lines its
    sentences were drawn from (`cited`: passage index -> the sentences citing it)."""
    if not passages:
        return {"role": "assistant", "content": "**Sources:** no guide passage is close to this question."}
    rows = []
    cited = cited or {}
    for n, p in enumerate(passages, start=1):
        mark = " <em>· cited</em>" if n - 1 in cited else ""
        # Inside raw HTML Markdown is not read, so guide text there is HTML-escaped instead.
        section = html.escape(p.chunk.section.replace(" > ", " › "))
        drawn = cited_lines(p.chunk.text, cited.get(n - 1, []))
        lines = [html.escape(line) for line in p.chunk.text.splitlines() if line.strip()]
        text = "<br>".join(f"<mark>{line}</mark>" if i in drawn else line for i, line in enumerate(lines))
        rows.append(
            f'<details class="source"><summary><b>[{n}]</b> {html.escape(guide_label(p.chunk))} — '
            f"<i>{section}</i>{mark}</summary><blockquote>{text}</blockquote></details>"
        )
    return {"role": "assistant", "content": "**Sources found in the guides**\n\n" + "\n".join(rows)}


@dataclass
class Turn:
    question: str
    guide: str | None = None  # the guide searched (file name), or None for all
    answer: Answer | None = None  # None while answering, or when answering failed
    shown: list[Message] = field(default_factory=list)  # this turn's messages, as last shown


@dataclass
class Screen:
    """What the chat shows after one step of a turn."""

    messages: list[Message]
    suggestions: list[str]
    busy: bool  # still answering
    result: dict = field(default_factory=dict)  # when done: the answer as `Answer.to_json`, or {"error"}
    corrections: list[str] = field(default_factory=list)  # the other moves the answer could be about


@dataclass
class Conversation:
    """One browser session's conversation: the history follow-ups are read against."""

    turns: list[Turn] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    session: Session = field(default_factory=Session)  # the answered turns follow-ups are read against

    def messages(self) -> list[Message]:
        return [m for t in self.turns for m in t.shown]

    def waiting(self, question: str, place: str = "") -> list[Message]:
        """The conversation with a question shown at once, while it waits its turn for the model;
        `place` says where it is in the line ("2 questions are ahead of yours; about 40 s.")."""
        question = without_controls(question).strip()
        if not question:
            return self.messages()
        bubble = {"role": "assistant", "content": f"_Waiting for the coach: {place}_"} if place else WAITING
        return [*self.messages(), {"role": "user", "content": escape(question)}, bubble]

    def answered_at_once(self, coach: Coach, question: str) -> bool:
        """The question is turned back before any answering (empty, too long, past the turn
        limit): `reply` needs neither the model nor a place in the line for it."""
        question = without_controls(question).strip()
        return not question or bool(self._refused(coach, question))

    def busy(self, question: str, guide: str | None, notice: str) -> Screen:
        """The question shown with the notice that the coach is too busy to take it now; it
        joins nothing the next question is read against."""
        question = without_controls(question).strip()
        self.turns.append(
            Turn(question, guide, shown=[{"role": "user", "content": escape(question)}, _notice(notice)])
        )
        return Screen(self.messages(), self.suggestions, False, {"error": notice})

    def turn_at(self, message_index: int) -> Turn | None:
        """The turn whose messages include the message at this index of `messages()`."""
        for turn in self.turns:
            if message_index < len(turn.shown):
                return turn
            message_index -= len(turn.shown)
        return None

    def reply(self, coach: Coach, question: str, guide: str | None = None) -> Iterator[Screen]:
        question = without_controls(question).strip()
        if not question:  # nothing joins the conversation; the page shows the error as a notice
            yield Screen(self.messages(), self.suggestions, False, {"error": EMPTY_QUESTION})
            return
        turn = Turn(question, guide, shown=[{"role": "user", "content": escape(question)}])
        self.turns.append(turn)
        error = self._refused(coach, question)
        if error:
            turn.shown.append(_notice(error))
            yield Screen(self.messages(), self.suggestions, False, {"error": error})
            return
        sentences: list[CheckedSentence] = []
        try:
            for event in self.session.stream(coach, question, guide):
                if isinstance(event, Found):
                    turn.shown[1:] = [sources_message(event.passages), _writing()]
                elif isinstance(event, CheckedSentence):
                    sentences.append(event)
                    turn.shown[2:] = [{"role": "assistant", "content": cited_text(sentences)}]
                else:
                    self._finish(coach, turn, event)
                    result = event.to_json() | {"follow_ups": self.suggestions}
                    yield Screen(self.messages(), self.suggestions, False, result, _others(coach, event))
                    return
                yield Screen(self.messages(), [], True)
        except LLMUnavailableError as exc:
            error = f"The language model isn't answering, so I can't answer right now. {exc}"
        except CoachError as exc:
            error = str(exc)
        except Exception:
            # The question itself is the user's: logged only when debug logging is on.
            log.exception("answering a question of %d characters failed", len(question))
            log.debug("the question was %r", question)
            error = "Something went wrong while answering. Please ask again."
        turn.shown[1:] = [_notice(error)]
        yield Screen(self.messages(), self.suggestions, False, {"error": error})

    def _refused(self, coach: Coach, question: str) -> str:
        """Why the question is not answered at all, or "" when it is."""
        limit, turns = coach.settings.max_question_chars, coach.settings.max_turns
        if len(question) > limit:
            return f"That question is {len(question)} characters long; ask it in under {limit}."
        if len(self.session.turns) >= turns:
            return f'This conversation has reached its {turns} questions. Click "New conversation" to go on.'
        return ""

    def _finish(self, coach: Coach, turn: Turn, answer: Answer) -> None:
        turn.answer = answer
        chunks = coach.retriever.chunks
        asked = [t.question for t in self.turns]
        if answer.refused:
            self.suggestions = answer.suggestions
            turn.shown[1:] = [{"role": "assistant", "content": escape(answer.answer)}]
            return
        used = answer.cited_indexes
        first_used = [answer.sentences[0].sources[0]] if answer.sentences else []
        cited_chunks = [answer.passages[i].chunk for i in dict.fromkeys(first_used + used)]
        self.suggestions = follow_ups(chunks, cited_chunks, asked)
        text = cited_text(answer.sentences)
        if answer.about:  # what the coach understood the question to be about
            text = f"_About: {escape(answer.about)}_\n\n{text}"
        if answer.not_covered:
            text += f"\n\n_{escape(answer.not_covered)}_"
        if answer.removed:  # the count only: the reasons quote the very text that was removed
            text += f"\n\n_({escape(answer.removal_note(reasons=False))})_"
        citing = {i: [c.text for c in answer.sentences if i in c.sources] for i in used}
        turn.shown[1:] = [sources_message(answer.passages, citing), {"role": "assistant", "content": text}]


WAITING = {"role": "assistant", "content": "_Waiting for the coach: it answers one question at a time…_"}


def _others(coach: Coach, answer: Answer) -> list[str]:
    """The moves (by label) an answer about one move could have meant instead: one click asks
    the same question of that guide."""
    if answer.refused or not answer.frame or len(answer.frame.guides) != 1:
        return []
    return [
        label for source, label in sorted(coach.guide_labels.items()) if source not in answer.frame.guides
    ]


def _writing() -> Message:
    return {"role": "assistant", "content": "_Writing an answer from these passages…_"}


def _notice(text: str) -> Message:
    return {"role": "assistant", "content": f"⚠️ {escape(text)}"}
