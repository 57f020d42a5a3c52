"""The coach's answering service: condense, retrieve, generate, check, cite — or refuse.

One question goes: follow-up rewrite (only when the question leans on the conversation) ->
hybrid retrieval -> a relevance gate (nothing near enough: refuse without asking the model) ->
the model drafts from the numbered passages -> every sentence is checked against the passages
and attributed to the ones that support it -> unsupported sentences are removed and counted.
Citations the user sees are renumbered 1..m in order of first use.

Not here: how the model is reached (`coach.llm`), prompts (`prompts/`), presentation (CLI, UI).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from coach.condense import standalone_question
from coach.llm import ChatModel
from coach.prompts import answer_messages
from coach.records import Passage
from coach.retrieve import Retriever
from coach.scope import OFF_TASK, uncovered, without_instructions
from coach.settings import Settings
from coach.verify import CheckedSentence, check_stream

NOT_IN_GUIDES = re.compile(
    r"NOT IN GUIDES|(?:guides?|passages?) (?:do(?:es)? not|don't|doesn't) (?:cover|contain|mention|say|answer)"
    r"|not (?:covered|mentioned|stated) in the (?:guides?|passages?)",
    re.IGNORECASE,
)
MIN_SIMILARITY = 0.30  # below this, no passage is about the question (measured: off-topic < 0.19)


@dataclass(frozen=True)
class Citation:
    n: int
    source: str
    title: str
    section: str
    text: str
    chunk_id: str


@dataclass(frozen=True)
class Found:
    """The passages found for a question, reported before generation starts."""

    query: str  # the question as retrieved (a follow-up is rewritten to stand alone)
    passages: list[Passage]


@dataclass
class Answer:
    answer: str
    citations: list[Citation]
    refused: bool
    query: str
    suggestions: list[str] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (sentence, reason)
    passages: list[Passage] = field(default_factory=list)
    draft: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    sentences: list[CheckedSentence] = field(default_factory=list)  # as shown; sources index `passages`

    @property
    def note(self) -> str:
        return self.removal_note(reasons=True)

    def removal_note(self, reasons: bool) -> str:
        """How many sentences the checker removed, and (with `reasons`) why; "" when none."""
        if not self.removed:
            return ""
        n = len(self.removed)
        why = f" ({'; '.join(r for _, r in self.removed)})" if reasons else ""
        return (
            f"{n} sentence{'s' if n > 1 else ''} removed: the guide passages do not support "
            f"{'them' if n > 1 else 'it'}{why}."
        )

    @property
    def cited_ids(self) -> set[str]:
        """The chunks this answer cites: what a follow-up most likely means."""
        return {c.chunk_id for c in self.citations}

    @property
    def cited_indexes(self) -> list[int]:
        """The 0-based indexes into `passages` of the passages the shown sentences cite."""
        return sorted({i for s in self.sentences for i in s.sources})

    def to_json(self) -> dict:
        return {
            "answer": self.answer,
            "citations": [c.__dict__ for c in self.citations],
            "refused": self.refused,
            "query": self.query,
            "suggestions": self.suggestions,
            "note": self.note,
            "removed": [{"sentence": s, "reason": r} for s, r in self.removed],
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
        }


def with_markers(sentence: str, numbers: list[int], escape: Callable[[str], str] = str) -> str:
    """The sentence with its [n] markers before its final stop: "... 6 weeks [1]."; `escape`
    is applied to the sentence's own text, never to the markers."""
    text = sentence.rstrip()
    end = text[-1] if text[-1] in ".!?" else "."
    return f"{escape(text.rstrip('.!?'))} {''.join(f'[{n}]' for n in numbers)}{escape(end)}"


def compose(checked: list[CheckedSentence], passages: list[Passage]) -> tuple[str, list[Citation]]:
    """Join the supported sentences with markers renumbered 1..m in order of first use."""
    numbers: dict[int, int] = {}
    sentences = []
    for sentence in checked:
        if not sentence.supported:
            continue
        for index in sentence.sources:
            numbers.setdefault(index, len(numbers) + 1)
        sentences.append(with_markers(sentence.text, [numbers[i] for i in sentence.sources]))
    citations = [
        Citation(n, p.chunk.source, p.chunk.title, p.chunk.section, p.chunk.text, p.chunk.id)
        for index, n in sorted(numbers.items(), key=lambda item: item[1])
        for p in [passages[index]]
    ]
    return " ".join(sentences), citations


class Coach:
    """Answers questions about the guides. Build once; `ask` is safe to call repeatedly."""

    def __init__(self, settings: Settings, retriever: Retriever, model: ChatModel) -> None:
        self.settings = settings
        self.retriever = retriever
        self.model = model

    def nearest_guides(self, passages: list[Passage]) -> list[str]:
        """The titles of the guides nearest to the question; all of them when none is near."""
        near = [p.chunk.title for p in passages]
        ordered = list(dict.fromkeys(near + sorted(self.retriever.guide_titles().values())))
        on_topic = passages and max(p.similarity for p in passages) >= MIN_SIMILARITY
        return ordered[:3] if on_topic else ordered

    def refusal(
        self, query: str, passages: list[Passage], removed=None, timings=None, missing: list[str] = ()
    ) -> Answer:
        guides = self.nearest_guides(passages)
        what = f"don't mention {' or '.join(missing)}" if missing else "don't cover that"
        text = (
            f"The guides {what}, so I can't answer it. "
            "I can answer questions about these guides: " + "; ".join(guides) + "."
        )
        return Answer(text, [], True, query, guides, removed or [], passages, timings=timings or {})

    def ask(
        self,
        question: str,
        history: list[tuple[str, str]] | None = None,
        on_passages: Callable[[str, list[Passage]], None] | None = None,
        cited: set[str] | None = None,
        guide: str | None = None,
    ) -> Answer:
        """Answer one question; see `stream`. on_passages(query, passages) is called before
        generation starts."""
        for event in self.stream(question, history, cited, guide):
            if isinstance(event, Found) and on_passages:
                on_passages(event.query, event.passages)
            elif isinstance(event, Answer):
                return event
        raise AssertionError("stream() ends with an Answer")

    def stream(
        self,
        question: str,
        history: list[tuple[str, str]] | None = None,
        cited: set[str] | None = None,
        guide: str | None = None,
    ) -> Iterator[Found | CheckedSentence | Answer]:
        """Answer one question as events: `Found` (the passages, before generation starts), then
        each sentence that passed the checker as soon as it is complete, then the final `Answer`.

        history: earlier (user turn, coach answer) pairs, oldest first; cited: ids of the chunks
        the previous answer cited, which a follow-up most likely means; guide: search only the
        guide with this file name. Sentences that fail the checker are never yielded. If the
        draft turns out mostly unsupported, the final Answer is a refusal: a UI must show the
        final Answer in place of the sentences streamed before it.
        """
        history = history or []
        started = time.perf_counter()
        timings: dict[str, float] = {}
        # Sentences that instruct the coach are dropped; what is left must be a question about the guides.
        question = without_instructions(question)
        missing = uncovered(question, self.retriever.vocabulary)
        if not question or OFF_TASK.search(question) or missing:
            yield Found(question, [])
            yield self.refusal(question, [], timings=timings, missing=missing)
            return
        query = standalone_question(self.model, history, question.strip())
        timings["condense"] = time.perf_counter() - started
        follow_up = query != question.strip()
        context = " ".join(user for user, _ in history[-2:])
        passages = self.retriever.search(
            query, k=self.settings.top_k, context=context, boost=cited if follow_up else None, only=guide
        )
        timings["retrieve"] = time.perf_counter() - started - timings["condense"]
        yield Found(query, passages)
        if not passages or max(p.similarity for p in passages) < MIN_SIMILARITY:
            yield self.refusal(query, passages, timings=timings)
            return

        pieces: list[str] = []

        def generated() -> Iterator[str]:
            for piece in self._generate(query, passages):
                if not pieces:
                    timings["first_token"] = time.perf_counter() - started
                pieces.append(piece)
                yield piece

        content: list[CheckedSentence] = []
        for sentence in check_stream(generated(), passages):
            # "The guides don't cover this" beside a supported answer is noise, not a claim.
            if NOT_IN_GUIDES.search(sentence.text):
                continue
            content.append(sentence)
            if sentence.supported:
                yield sentence
        timings["total"] = time.perf_counter() - started
        removed = [(c.text, c.reason) for c in content if not c.supported]
        # Nothing supported, or mostly unsupported: the model was not answering from the guides.
        if not any(c.supported for c in content) or (len(removed) >= 2 and 2 * len(removed) > len(content)):
            yield self.refusal(query, passages, removed, timings)
            return
        text, citations = compose(content, passages)
        shown = [c for c in content if c.supported]
        yield Answer(text, citations, False, query, [], removed, passages, "".join(pieces), timings, shown)

    def warm_up(self) -> None:
        """Load the embedding model, and have the model read the fixed part of every prompt, so
        the first question is as quick as the rest (a local server keeps the last prompt read)."""
        passages = self.retriever.search("How long does the transition take?", k=self.settings.top_k)
        for _ in self.model.stream(answer_messages("How long does the transition take?", passages), 1):
            pass

    def _generate(self, query: str, passages: list[Passage]) -> Iterator[str]:
        messages = answer_messages(query, passages)
        yield from self.model.stream(messages, self.settings.max_answer_tokens)

    def conversation(self, turns: list[str], guide: str | None = None) -> Answer:
        """Answer each user turn in order, carrying the conversation; return the last answer."""
        history: list[tuple[str, str]] = []
        answer = None
        for turn in turns:
            cited = answer.cited_ids if answer else None
            answer = self.ask(turn, history, cited=cited, guide=guide)
            history.append((turn, answer.answer))
        assert answer is not None
        return answer
