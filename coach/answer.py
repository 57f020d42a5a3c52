"""The coach's answering service: condense, retrieve, generate, check, cite — or refuse.

One question goes: follow-up rewrite (only when the question leans on the conversation) ->
hybrid retrieval -> a relevance gate (nothing near enough: refuse without asking the model) ->
the model drafts from the numbered passages -> every sentence is checked against the passages
and attributed to the ones that support it -> unsupported sentences are removed and counted.
A citation's number is its passage's, everywhere: the chat page, the API, `coach ask`.

Not here: how the model is reached (`coach.llm`), prompts (`prompts/`), presentation (CLI, UI).
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from coach.condense import Query, needs_rewrite, standalone_question
from coach.errors import CoachError
from coach.exact import Exact, read_exact, roadmap_overviews
from coach.facts import Fact, PayFigure, Transition, corpus_facts
from coach.frame import Frame, loose_frame, settled_guides
from coach.guides import shown_heading
from coach.kept import GUIDE_LAYOUTS, HINT_LAYOUTS, PART_LAYOUTS, Kept, renumbered
from coach.layout import layout
from coach.lexical import tokenize
from coach.llm import ChatModel
from coach.meaning import MeaningReader
from coach.operations import answer_request
from coach.prompts import PassageLayout, answer_messages, guide_messages
from coach.quote import Aim, Quote, Rarity, excerpts, quotes
from coach.reader import COMPUTED, Catalog, Request, read_request, reader_messages
from coach.reading import Reading, read_question
from coach.records import Chunk, Passage
from coach.retrieve import Retriever
from coach.settings import Settings
from coach.suggest import question_for, starters
from coach.terms import GuideTerms, meant_guides
from coach.verify import Asked, CheckedSentence, Listed, check, check_stream, lists_named, quantities_in

# The model saying, in its own words, that the passages lack the answer: "The guide does not
# provide information on ...", "There is no mention of ... in the passages".
NOT_IN_GUIDES = re.compile(
    r"NOT IN GUIDES|(?:guides?|passages?|text|sources?) (?:do(?:es)? not|don't|doesn't|did not|didn't)"
    r" (?:\w+ )?(?:cover|contain|mention|say|answer|provide|include|give|offer|discuss|specify|state|list|address)"
    r"|not (?:covered|mentioned|stated|provided|specified|given|discussed|addressed) (?:in|by) the (?:guides?|passages?)"
    r"|\b(?:there is |there's |)no (?:specific |mention|information|details?|data)\b.{0,60}\b(?:guides?|passages?)\b"
    r"|(?:guides?|passages?) (?:has|have|gives?|offers?|contains?) no (?:information|mention|details?|data)\b",
    re.IGNORECASE,
)
MIN_SIMILARITY = 0.30  # below this, no passage is about the question (measured: off-topic < 0.19)
# Why a supported sentence is no answer: it holds nothing of what the question asks about.
ASKS_ELSE = "speaks of nothing the question asks about"
# A guide the question could mean is answered from when its best passage is this close to the best.
MEANT_MARGIN = 0.08
WARM_UP_QUESTION = "How long does the transition take?"


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
    not_covered: str = ""  # what the question names that the guides never mention, from a template
    path: str = "model"  # "facts": composed from the guides' facts, no model call; "model"
    frame: Frame | None = None  # what the turn was about; the next turn's follow-up is read against it
    about: str = ""  # the frame as shown: "Backend Developer → Deep Learning Engineer · PyTorch · weeks"
    guide_read: str = ""  # the guide the model read whole (its file name); "" when it read passages

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
            "not_covered": self.not_covered,
            "removed": [{"sentence": s, "reason": r} for s, r in self.removed],
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
            "answered_by": "refused" if self.refused else self.path,
            "about": self.about,
        }


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def not_covered_note(missing: list[str]) -> str:
    """The note on what the question names that the guides never mention; it states no figure."""
    return f"The guides don't mention {_listing(missing)}." if missing else ""


def guide_label(chunk: Chunk) -> str:
    """A guide's short name: its move, "Backend Developer → Deep Learning Engineer"."""
    return chunk.move


def with_markers(sentence: str, numbers: list[int], escape: Callable[[str], str] = str) -> str:
    """The sentence with its [n] markers before its final stop: "... 6 weeks [1]."; `escape`
    is applied to the sentence's own text, never to the markers."""
    text = sentence.rstrip()
    end = text[-1] if text[-1] in ".!?" else "."
    return f"{escape(text.rstrip('.!?'))} {''.join(f'[{n}]' for n in numbers)}{escape(end)}"


def compose(checked: list[CheckedSentence], passages: list[Passage]) -> tuple[str, list[Citation]]:
    """Join the supported sentences with their markers numbered as the passages are (1-based:
    the numbers the chat page shows beside its sources), and list the cited passages in order of
    first use."""
    cited: dict[int, None] = {}
    sentences = []
    for sentence in checked:
        if not sentence.supported:
            continue
        cited.update(dict.fromkeys(sentence.sources))
        sentences.append(with_markers(sentence.text, [i + 1 for i in sentence.sources]))
    citations = [
        Citation(i + 1, p.chunk.source, p.chunk.title, p.chunk.section, p.chunk.text, p.chunk.id)
        for i in cited
        for p in [passages[i]]
    ]
    return " ".join(sentences), citations


def headed_first(question: str, passages: list[Passage], roles: list[str]) -> list[Passage]:
    """The passages whose own heading names what the question asks about first, the rest in
    their order: a small model mostly answers from the first passage it is shown, and "How many
    weeks ... PyTorch" is about the skill headed "Deep Learning Frameworks (PyTorch)", not a
    skill whose text mentions PyTorch. The roles named say whose move it is, not what is asked."""
    asked = set(tokenize(question)) - set(tokenize(" ".join(roles)))

    def named(passage: Passage) -> int:
        return len(asked & set(tokenize(passage.chunk.section.split(" > ")[-1])))

    return sorted(passages, key=lambda p: -named(p))


class Coach:
    """Answers questions about the guides. Build once; `ask` is safe to call repeatedly."""

    def __init__(self, settings: Settings, retriever: Retriever, model: ChatModel) -> None:
        self.settings = settings
        self.retriever = retriever
        self.model = model

    def examples(self, passages: list[Passage]) -> list[str]:
        """Two or three questions the guides answer, from the sections nearest the question."""
        near = [q for p in passages if (q := question_for(p.chunk))]
        sources = list(dict.fromkeys(p.chunk.source for p in passages))
        return list(dict.fromkeys(near + starters(self.retriever.chunks, sources)))[:3]

    def refusal(
        self, query: str, passages: list[Passage], removed=None, timings=None, reading: Reading | None = None
    ) -> Answer:
        """One short sentence saying why, then questions the guides do answer near the topic."""
        if reading and not reading.english:
            why = "The guides are in English: please ask your question in English."
        elif reading and reading.off_task:
            why = "I only answer questions about the career guides."
        elif reading and reading.untreated:
            why = f"The guides don't cover {_listing(reading.untreated)}, so I can't answer that."
        else:
            why = "The guides don't cover that, so I can't answer it."
        if not passages and query.strip() and (not reading or reading.english):
            passages = self.retriever.search(query, k=self.settings.top_k)
        examples = self.examples(passages)
        text = f"{why} Questions they do answer:" + "".join(f"\n- {q}" for q in examples) if examples else why
        return Answer(text, [], True, query, examples, removed or [], passages, timings=timings or {})

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
        state: Frame | None = None,
    ) -> Iterator[Found | CheckedSentence | Answer]:
        """Answer one question as events: `Found` (the passages, before generation starts), then
        each sentence that passed the checker as soon as it is complete, then the final `Answer`.

        history: earlier (user turn, coach answer) pairs, oldest first; cited: ids of the chunks
        the previous answer cited, which a follow-up most likely means; guide: search only the
        guide with this file name; state: the previous answer's frame, which a follow-up is read
        against (what it lacks, it takes from there). The user's whole text goes to the model, as data; what it
        names that the guides never mention is said in `Answer.not_covered`. When the question
        could mean more than one guide's move, each is answered, labelled. Sentences that fail
        the checker are never yielded. If the draft turns out mostly unsupported, the final
        Answer is a refusal: a UI must show the final Answer in place of the sentences streamed
        before it.
        """
        history = history or []
        started = time.perf_counter()
        timings: dict[str, float] = {}
        question = question.strip()
        reading = read_question(question, self.retriever.terms)
        if reading.refuse and reading.english and not reading.off_task and self._names_a_list(question):
            reading = replace(reading, untreated=[])  # the words it doesn't know are the asker's own
        if reading.refuse:
            yield Found(question, [])
            yield self.refusal(question, [], timings=timings, reading=reading)
            return
        state = state if history else None
        standalone = not history or not needs_rewrite(question, history)
        # A role named inside another's name ("AI architect", inside "AI/ML Architect") may mean
        # that other: read so when the question names a list only the other's guide has, or
        # when the guide it names holds nothing that answers.
        terms = self.retriever.terms
        nested = terms.nested_in(terms.corrected(reading.text)) if standalone and not guide else []
        ahead = [n for n in nested if self._names_list_of(reading.questions, n[1], n[0])]
        exact = self._read_as_other(ahead, reading, started, timings)
        if exact is None:
            exact = self._from_facts(reading, started, guide, state, standalone, timings)
        if exact is None:
            exact = self._read_as_other([n for n in nested if n not in ahead], reading, started, timings)
        if exact is not None:
            yield from exact
            return
        resolved = self._resolved(question, history, state)
        timings["condense"] = time.perf_counter() - started
        follow_up = resolved.follow_up or resolved.text != question
        query = resolved.told(self.guide_labels)  # as the model reads it, and as it is shown
        roles = [role for role, _ in self.retriever.terms.roles_in(resolved.text)]
        parts = [
            (label, headed_first(resolved.named, found, roles))
            for label, found in self._parts(resolved, cited if follow_up else None, guide)
        ]
        passages = [p for _, found in parts for p in found]
        timings["retrieve"] = time.perf_counter() - started - timings["condense"]
        yield Found(query, passages)
        if not passages or max(p.similarity for p in passages) < MIN_SIMILARITY:
            yield self.refusal(query, passages, timings=timings)
            return

        named = [role for role, _ in self.retriever.terms.roles_in(reading.questions)]
        asked = Asked.of(question, reading.questions, named)
        pieces: list[str] = []
        content: list[CheckedSentence] = []
        whole = self._read_whole(resolved, parts, guide)
        passages = list(passages)  # a passage the answer cites beyond those found joins this list
        yield from self._drafted(query, parts, asked, content, pieces, timings, started, passages, whole)
        if not any(c.supported for c in content) and reading.questions != question:
            # The checker removed all the model wrote, or the model said the guides don't cover
            # it, and the text says more than it asks (a lead-in, a self-description): the
            # sentences that ask are put to the model alone, once.
            retried: list[CheckedSentence] = []
            yield from self._drafted(
                reading.questions, parts, asked, retried, pieces, timings, started, passages, whole
            )
            content += retried
        timings["total"] = time.perf_counter() - started
        # What the model wrote may be supported and still hold no thing the question names (the
        # test a quote must pass, by the question's nouns), in itself or in the own heading of a
        # passage it cites (an item under "Transferable Skills" speaks of skills that transfer):
        # the passages speak of something else ("leading with impact", asked about a board game).
        # No answer. A lead-in names what is asked about too ("In an interview for ..., how ...?").
        aim = Aim.of(query if follow_up else reading.asking, self.retriever.terms, things=True)

        def speaks_to_aim(c: CheckedSentence) -> bool:
            headings = (shown_heading(passages[i].chunk.section) for i in c.sources)
            return aim.held_by(c.text) or any(aim.held_by(h) for h in headings)

        if not aim.empty and not any(speaks_to_aim(c) for c in content if c.supported):
            content = [replace(c, sources=[], reason=ASKS_ELSE) if c.supported else c for c in content]
        removed = [(c.text, c.reason) for c in content if not c.supported]
        shown = [c for c in content if c.supported]
        named = self._named_list(reading, started, [t for t, _ in removed]) if removed and not shown else None
        if named is not None:
            yield from named
            return
        quote = (
            self._quote(query if follow_up else reading.questions, passages, asked)
            if removed and not shown
            else None
        )
        if quote:
            # The model tried and the checker removed all it wrote: the passages' own sentence
            # nearest the question is shown instead, quoted.
            where = shown_heading(passages[quote.passage].chunk.section)
            shown = [CheckedSentence(f'The guide says, under {where}: "{quote.text}"', [quote.passage])]
            content.append(shown[0])
            yield shown[0]
        # Nothing supported, or mostly unsupported: the model was not answering from the guides.
        elif not shown or (len(removed) >= 2 and 2 * len(removed) > len(content)):
            yield self.refusal(query, passages, removed, timings)
            return
        # The question names roles and every cited passage is from a guide that treats none of
        # them (an architect's interview tips, asked about an ML engineer's): not an answer to it.
        if self._other_roles(question, {passages[i].chunk.source for c in shown for i in c.sources}):
            yield self.refusal(query, passages, removed, timings)
            return
        text, citations = compose(content, passages)
        answer = Answer(text, citations, False, query, [], removed, passages, "".join(pieces), timings, shown)
        answer.guide_read = whole[0].chunk.source if whole else ""
        answer.not_covered = not_covered_note(reading.not_covered)
        cited_guides = {passages[i].chunk.source for c in shown for i in c.sources}
        answer.frame = loose_frame(
            reading.questions, self.facts, self.retriever.terms, reading.text, state, cited_guides
        )
        answer.about = answer.frame.about(self.guide_labels) if answer.frame else ""
        yield answer

    def _drafted(
        self,
        query: str,
        parts: list[tuple[str, list[Passage]]],
        asked: Asked,
        content: list[CheckedSentence],
        pieces: list[str],
        timings: dict[str, float],
        started: float,
        shown: list[Passage],
        whole: list[Passage] | None = None,
    ) -> Iterator[CheckedSentence]:
        """Draft an answer from each part's passages and check it; yield the supported sentences
        (sources numbered across all parts, the first of each labelled part with its move) and
        append every checked sentence to `content`.

        With `whole` (one part: a guide's passages, in its order), the model reads the whole guide
        and the sentences are checked against it; their sources are then renumbered as `shown`
        (the passages found, reported before generation) numbers them, a cited passage that is not
        among them appended to `shown`."""
        offset = 0
        for label, found in parts:
            given = whole if whole is not None else found
            numbers = {p.chunk.id: i + 1 for i, p in enumerate(given)}
            hint = (  # the passages found, by their numbers in what the model reads, best first
                [numbers[f.chunk.id] for f in found if f.chunk.id in numbers]
                if whole is not None and self.settings.model_context in HINT_LAYOUTS
                else []
            )
            drafted = self._timed(query, given, pieces, timings, started, whole is not None, hint)
            part: list[CheckedSentence] = []
            for sentence in check_stream(drafted, given, asked, self.pay_changes, self.list_headings):
                # "The guides don't cover this" beside a supported answer is noise, not a claim.
                if NOT_IN_GUIDES.search(sentence.text):
                    continue
                if whole is not None:
                    sentence.sources = renumbered(sentence.sources, given, shown, sentence.supported)
                else:
                    sentence.sources = [offset + i for i in sentence.sources]
                if label and sentence.supported and not any(s.supported for s in part):
                    sentence.text = f"{label}: {sentence.text}"
                part.append(sentence)
                if sentence.supported:
                    yield sentence
            content += part
            offset += len(found)

    @functools.cached_property
    def kept(self) -> Kept:
        """The guides' passages as the model may read them from the embedded server's kept states."""
        return Kept(self.retriever.chunks)

    @property
    def guide_chunks(self) -> dict[str, list[Chunk]]:
        """Each guide's chunks in the guide's order, by file name."""
        return self.kept.guides

    def reading_parts(self) -> dict[str, list[list[Chunk]]]:
        """What the model may read from a kept state, by guide: the whole guide, or its parts."""
        return self.kept.parts(self.settings.model_context)

    def readable(self) -> list[list[Chunk]]:
        """Every passage list a prompt may continue from, in any layout."""
        return self.kept.readable()

    def keep_states(self, on_progress: Callable[[int, int, str], None] | None = None) -> int:
        """Have the embedded server read and keep the fixed part and every guide (or part) of the
        layout, once; how many were read now (see `Kept.keep_all`)."""
        return self.kept.keep_all(self.model, self.settings.model_context, on_progress, self._keep_reader())

    def _keep_reader(self) -> tuple[str, ...]:
        """Have the embedded server keep the model reader's fixed part (its instructions and the
        catalog), once in this process: a question then reads only its own turn. Its key; () when
        not reading by model."""
        keep = getattr(self.model, "keep_prefix", None)
        if keep is None or self.settings.reader != "model" or not self.facts:
            return ()
        if "_reader_key" not in self.__dict__:
            self.__dict__["_reader_key"] = keep(reader_messages(self.catalog, "")[:1], build=True)["key"]
        return (self.__dict__["_reader_key"],)

    def _read_whole(
        self, resolved: Query, parts: list[tuple[str, list[Passage]]], guide: str | None
    ) -> list[Passage] | None:
        """The passages the model reads from a kept state (a guide, or the part of it where the
        passages found rank best), or None: the layout is not a guide's, the question means several
        guides, or the embedded server keeps no state of them yet (its question is answered from the
        passages found, as it was before)."""
        if self.settings.model_context not in GUIDE_LAYOUTS or len(parts) != 1 or not parts[0][1]:
            return None
        source = self._guide_for(resolved, parts[0][1], guide)
        found = [p for p in parts[0][1] if p.chunk.source == source]
        if not found and self.settings.model_context in PART_LAYOUTS:
            about = resolved.about(self.guide_labels)
            found = self.retriever.search(resolved.text, k=self.settings.top_k, only=source, about=about)
        chunks = self.kept.choose(self.settings.model_context, source, found)
        if not chunks or not self.kept.kept(self.model, chunks):
            return None
        by_id = {p.chunk.id: p for p in parts[0][1]}
        return [by_id.get(c.id) or Passage(c, 0.0, {}, 0.0) for c in chunks]

    def _guide_for(self, resolved: Query, found: list[Passage], guide: str | None) -> str:
        """The guide a one-guide question is answered from: the one searched, else the one the
        question's roles name, else the one the conversation was about, else the guide of
        retrieval's first passage."""
        if guide:
            return guide
        terms = self.retriever.terms
        named = {role for role, _ in terms.roles_in(resolved.text)}
        treating = [g for g in sorted(terms.guide_roles) if named and terms.fits(g, named)]
        if len(treating) == 1:
            return treating[0]
        if len(resolved.guides) == 1:
            return resolved.guides[0]
        return found[0].chunk.source

    @functools.cached_property
    def facts(self) -> dict[str, list[Fact]]:
        """The guides' facts, read once (none when the corpus can't be read: the model path answers)."""
        try:
            return corpus_facts(
                self.settings.corpus_dir, self.settings.chunk_chars, max_bytes=self.settings.max_guide_bytes
            )
        except CoachError:
            return {}

    @functools.cached_property
    def pay_changes(self) -> dict[str, set[str]] | None:
        """Each guide's pay changes as the checker reads quantities ({"20 %", "40-100 %"}), from its
        facts; None when there are no facts to know them by."""
        if not self.facts:
            return None
        values = {
            guide: [f.salary_change for f in found if isinstance(f, Transition)]
            + [f.amount for f in found if isinstance(f, PayFigure)]
            for guide, found in self.facts.items()
        }
        return {
            guide: {q for v in found if v for q in quantities_in(v.text) if q.endswith(" %")}
            for guide, found in values.items()
        }

    @functools.cached_property
    def list_headings(self) -> dict[str, tuple[Listed, ...]]:
        """Each guide's lists ("Biggest Challenges"; "Gaps to Fill", of what to learn), from its
        facts: a sentence that names one must come from a passage under it, and one that says its
        things are to learn (or transfer) from a list of that kind."""
        out: dict[str, tuple[Listed, ...]] = {}
        holds = self.meaning.holds if self.facts else {}
        for topic in self.catalog.topics:
            if topic.heading:
                listed = Listed(topic.name, holds.get(topic.name, ""))
                out[topic.guide] = (*out.get(topic.guide, ()), listed)
        return out

    @functools.cached_property
    def chunks_by_id(self) -> dict[str, Chunk]:
        return {c.id: c for c in self.retriever.chunks}

    @functools.cached_property
    def guide_labels(self) -> dict[str, str]:
        """Each guide's move, "Backend Developer → Deep Learning Engineer", by file name."""
        return {c.source: guide_label(c) for c in self.retriever.chunks}

    def _resolved(self, question: str, history: list[tuple[str, str]], state: Frame | None) -> Query:
        """The question to retrieve with and put to the model. A follow-up is read against the
        previous turn's frame ("what about her side project?" beside "AI Engineer path · Yuki"),
        with no model call; the model rewrites it only when the previous turn left no frame."""
        if not history or not needs_rewrite(question, history):
            return Query(question)
        if state is not None and (state.guides or state.entities):
            return Query(question, state)
        return Query(standalone_question(self.model, history, question))

    def _from_facts(
        self,
        reading: Reading,
        started: float,
        guide: str | None,
        state: Frame | None,
        standalone: bool,
        timings: dict[str, float],
        reader: MeaningReader | None = None,
    ) -> list[Found | CheckedSentence | Answer] | None:
        """The events of an answer computed from the facts, by the first reader that is sure of
        one; None: the passages and the model answer it. reader: the meaning reader to read with
        (its terms say which roles the question names); the coach's own by default."""
        reader = reader or self.meaning
        exact = self._meant(reading, started, guide, state, standalone, reader)
        if exact is None:
            exact = self._exact(reading, started, state, guide, reader.terms)
        if exact is None and not guide and standalone and reader is self.meaning:
            exact = self._requested(reading, started, timings)
        if exact is None and standalone:
            exact = self._mentioned(reading, started, guide, reader)
        if exact is None and standalone and self.facts:
            own = reader.own_move(reading.text)
            exact = self._answered(own, reading, started) if own and guide in (None, *own.guides) else None
        return exact

    def _read_as_other(
        self, pairs: list[tuple[str, str]], reading: Reading, started: float, timings: dict[str, float]
    ) -> list[Found | CheckedSentence | Answer] | None:
        """The events of a facts answer with the question's `role` read as `other`, for the first
        (role, other) pair that has one, the reading said beside the answer; None when none has.
        A refusal read so is none: that the other's guide lacks something says nothing of the move
        the question names ("phase 4 of the AI architect roadmap, and how long?")."""
        for role, other in pairs:
            exact = self._from_facts(reading, started, None, None, True, timings, self._read_as(role, other))
            answer = exact[-1] if exact is not None else None
            if isinstance(answer, Answer) and not answer.refused:
                said = f"“{role}” is read here as {other}: the guide of that path holds what was asked."
                answer.not_covered = " ".join(n for n in (said, answer.not_covered) if n)
                return exact
        return None

    def _names_list_of(self, question: str, role: str, not_of: str) -> bool:
        """The question names, in so many words, a list the guide ending in `role` gives under its
        own heading and the guide ending in `not_of` doesn't ("the AI architect skills checklist")."""
        ends = {g: end for g, (_, end, _) in self.retriever.terms.guide_roles.items()}

        def named(end: str) -> set[str]:
            headings = [t.name for t in self.catalog.topics if t.heading and ends.get(t.guide) == end]
            return {layout().plain(h) for h in lists_named(question, headings)}

        return bool(named(role) - named(not_of))

    def _read_as(self, role: str, other: str) -> MeaningReader:
        """A meaning reader that reads `role`'s names as naming `other` (`GuideTerms.read_as`)."""
        readers = self.__dict__.setdefault("_readers_as", {})
        if (role, other) not in readers:
            terms = self.retriever.terms.read_as(role, other)
            readers[role, other] = MeaningReader(
                self.catalog, self.facts, terms, self.retriever.embed_query, self.retriever.chunks
            )
        return readers[role, other]

    def _exact(
        self,
        reading: Reading,
        started: float,
        state: Frame | None = None,
        guide: str | None = None,
        terms: GuideTerms | None = None,
    ) -> list[Found | CheckedSentence | Answer] | None:
        """The events of an answer composed from the facts, or None when the reader isn't sure.
        A question it can't read is read once more with its typos of the guides' words corrected
        ("resourses")."""
        terms = terms or self.retriever.terms
        exact = None
        for asked in dict.fromkeys([reading.questions, terms.corrected(reading.questions)]):
            exact = read_exact(
                asked,
                self.facts,
                terms,
                self.retriever.chunks,
                reading.text,
                state,
                guide,
                self.settings.plan_week_hours,
            )
            if exact is not None:
                break
        return self._exact_events(exact, reading, started, state)

    @functools.cached_property
    def catalog(self) -> Catalog:
        """What the guides hold, by move: the names the model reader chooses among."""
        return Catalog.of(self.facts)

    def _names_a_list(self, question: str) -> bool:
        """The question names a role the guides treat and, in so many words, a list one of them
        gives under its own heading ("things to do this month for the AI architect move")."""
        terms = self.retriever.terms
        if not self.facts or not terms.roles_in(question):
            return False
        plain = layout().plain(question)
        headings = {layout().plain(t.name) for t in self.catalog.topics if t.heading}
        return any(re.search(rf"(?<!\w){re.escape(h)}(?!\w)", plain) for h in headings)

    def _named_list(
        self, reading: Reading, started: float, removed: list[str]
    ) -> list[Found | CheckedSentence | Answer] | None:
        """The checker removed all the model wrote, and what it wrote named one list of the move the
        question settles ("the biggest challenges are ..." for "the hardest parts of ..."): the
        model read the question as asking for that list, so the list is given whole from the
        facts, each entry cited. None when the question settles no one move or the sentences
        name no list of it, or more than one."""
        guides = settled_guides(reading.text, self.retriever.terms, loose=True)
        if len(guides) != 1 or not self.facts:
            return None
        headings = [h.heading for h in self.list_headings.get(guides[0], ())]
        named = list(dict.fromkeys(h for text in removed for h in lists_named(text, headings)))
        if len(named) != 1:
            return None
        request = Request(reading.text, (guides[0],), named[0], "list")
        return self._answered(request, reading, started)

    def _answered(
        self, request: Request, reading: Reading, started: float
    ) -> list[Found | CheckedSentence | Answer] | None:
        """The events of a request's exact answer from the facts, or None when it has none."""
        overview = roadmap_overviews(self.retriever.chunks)
        exact = answer_request(request, self.catalog, self.facts, overview, self.settings.plan_week_hours)
        return self._exact_events(exact, reading, started, None)

    @functools.cached_property
    def meaning(self) -> MeaningReader:
        """The reader of the operations computed from the facts (no model)."""
        return MeaningReader(
            self.catalog, self.facts, self.retriever.terms, self.retriever.embed_query, self.retriever.chunks
        )

    def _meant(
        self,
        reading: Reading,
        started: float,
        guide: str | None = None,
        state: Frame | None = None,
        standalone: bool = True,
        reader: MeaningReader | None = None,
    ) -> list[Found | CheckedSentence | Answer] | None:
        """The events of an answer computed from the facts for a request the meaning reader reads
        (what the asker lacks, which move fits them, a plan, a total, a count, an extreme, moves
        side by side, an entry named, the phase after the previous one), or None. `state`: the
        previous turn's frame, for a follow-up; standalone: the question is read on its own."""
        if not self.facts:
            return None
        reader = reader or self.meaning
        request = reader.read_after(reading.text, state.entities) if state is not None else None
        if request is None and standalone:
            request = reader.read(reading.text)
        if request is None or (guide and request.guides != (guide,)):
            return None
        return self._answered(request, reading, started)

    def _mentioned(
        self, reading: Reading, started: float, guide: str | None, reader: MeaningReader | None = None
    ) -> list[Found | CheckedSentence | Answer] | None:
        """The events of an answer quoting the places where the guides write a term the question
        asks about (`MeaningReader.mentioned`), those among the passages retrieval finds for the
        question; None when there are none (a rare word by chance: "cutting-edge" for "pay cut")."""
        if not self.facts:
            return None
        # What the asker says of themselves ("I've an interview next week.") says nothing of what
        # is asked.
        request = (reader or self.meaning).mentioned(reading.asking or reading.text, guide)
        if request is None:
            return None
        near = {
            p.chunk.id
            for p in self.retriever.search(reading.questions, k=2 * self.settings.top_k, only=guide)
        }
        places = tuple(v for v in request.mentions if v.chunk in near)
        by_id = self.chunks_by_id
        if not places or self._other_roles(reading.text, {by_id[v.chunk].source for v in places}):
            return None  # none near it, or only in guides that treat none of the roles it names
        return self._answered(replace(request, mentions=places), reading, started)

    def _requested(
        self, reading: Reading, started: float, timings: dict[str, float]
    ) -> list[Found | CheckedSentence | Answer] | None:
        """With COACH_READER=model: the model reads the question into a typed request (choosing
        among the guides' own names); the events of its exact answer from the facts, or None
        (the retrieval and model path answers it)."""
        if self.settings.reader != "model" or not self.facts:
            return None
        self._keep_reader()
        request = read_request(self.model, self.catalog, reading.text)
        timings["read"] = time.perf_counter() - started
        if request is None or request.operation not in COMPUTED:
            return None
        # The moves whose roles the question names (the layout's role names) over the model's choice:
        # "AI architect" names the deep learning to AI architect move, not the AI/ML architect path.
        named = replace(request, guides=tuple(settled_guides(reading.text, self.retriever.terms, loose=True)))
        if (
            named.guides
            and request.operation != "compare"
            and len(named.topics(self.catalog)) == len(named.guides)
        ):
            request = named
        return self._answered(request, reading, started)

    def _exact_events(
        self, exact: Exact | None, reading: Reading, started: float, state: Frame | None
    ) -> list[Found | CheckedSentence | Answer] | None:
        by_id = self.chunks_by_id
        if exact is None or any(c not in by_id for line in exact.lines for c in line.chunks):
            return None
        order = list(dict.fromkeys(c for line in exact.lines for c in line.chunks))
        passages = [Passage(by_id[c], 1.0, {}, 1.0) for c in order]
        content = [
            CheckedSentence(
                line.text, [order.index(c) for c in line.chunks], "", line.values, line.computed, line.figures
            )
            for line in exact.lines
        ]
        text, citations = compose(content, passages)
        timings = {"total": time.perf_counter() - started}
        about = exact.frame.about(self.guide_labels) if exact.frame else ""
        query = f"{reading.questions} (about: {about})" if state is not None and about else reading.questions
        if exact.declined:  # shown as a refusal is: its text alone, no sources
            text, citations = " ".join(line.text for line in exact.lines), []
        answer = Answer(text, citations, exact.declined, query, [], [], passages, "", timings, content)
        answer.not_covered = " ".join(n for n in (exact.missing, not_covered_note(reading.not_covered)) if n)
        answer.path = "facts"
        answer.frame, answer.about = exact.frame, about
        shown = [] if exact.declined else content  # a refusal is shown whole, not streamed
        return [Found(reading.questions, passages), *shown, answer]

    @property
    def passage_layout(self) -> PassageLayout:
        """How the passages the model reads are laid out (excerpts keep each passage's own label)."""
        return "grouped" if self.settings.model_context == "grouped" else "passages"

    @functools.cached_property
    def rarity(self) -> Rarity:
        """How rare each word is in the guides; built on the first quote, not at start-up."""
        return Rarity(self.retriever.chunks)

    def _quote(self, question: str, passages: list[Passage], asked: Asked) -> Quote | None:
        """The passages' sentence nearest the question that the checker passes as it stands."""
        for quote in quotes(question, passages, self.rarity, self.retriever.terms)[:5]:
            if all(
                c.supported
                for c in check(
                    f"{quote.text} [{quote.passage + 1}]",
                    passages,
                    asked,
                    self.pay_changes,
                    self.list_headings,
                )
            ):
                return quote
        return None

    def _other_roles(self, question: str, cited: set[str]) -> bool:
        """The question names roles the guides treat, and no cited guide treats any of them (a
        role named inside another's name, "AI architect", may mean that other)."""
        terms = self.retriever.terms
        named = {role for role, _ in terms.roles_in(question)}
        named |= {other for role in named for other in terms.nesting.get(role, ())}  # "AI architect"
        treating = {g for g in terms.guide_roles if terms.fits(g, named)}
        return bool(treating) and bool(cited) and not cited & treating

    def _parts(
        self, resolved: Query, boost: set[str] | None, guide: str | None
    ) -> list[tuple[str, list[Passage]]]:
        """The passages to answer from, one part per guide the question could mean, labelled
        with that guide's move; a single unlabelled part when it means one guide (or any). A
        follow-up naming no move of its own means the guides the conversation was about."""
        k, query, prefer = self.settings.top_k, resolved.text, resolved.guides
        about = resolved.about(self.guide_labels)
        meant = [] if guide else meant_guides(resolved.text, self.retriever.terms)
        if not meant and not guide and boost is not None and not self.retriever.terms.roles_in(resolved.text):
            meant = list(prefer)
        if len(meant) > 1:
            found = {g: self.retriever.search(query, k=max(2, k - 1), only=g, about=about) for g in meant}
            best = max(max((p.similarity for p in ps), default=0.0) for ps in found.values())
            close = [
                g for g in meant if max((p.similarity for p in found[g]), default=0) >= best - MEANT_MARGIN
            ]
            if len(close) > 1:
                return [(guide_label(found[g][0].chunk), found[g]) for g in close]
            if close:
                return [("", self.retriever.search(query, k, "hybrid", prefer, boost, close[0], about))]
        return [("", self.retriever.search(query, k, "hybrid", prefer, boost, guide, about))]

    def _timed(
        self,
        query: str,
        passages: list[Passage],
        pieces: list[str],
        timings: dict,
        started: float,
        whole: bool = False,
        hint: list[int] | None = None,
    ) -> Iterator[str]:
        for piece in self._generate(query, passages, whole, hint or []):
            if not pieces:
                timings["first_token"] = time.perf_counter() - started
            pieces.append(piece)
            yield piece

    def load(self) -> list[Passage]:
        """Load the question reader's tagger and the embedding model (a few seconds, once), so
        the first question is as quick as the rest; the passages of a sample question."""
        read_question(WARM_UP_QUESTION, self.retriever.terms)
        return self.retriever.search(WARM_UP_QUESTION, k=self.settings.top_k)

    def warm_up(self) -> None:
        """`load`, and have the model read the fixed part of every prompt: the embedded server
        keeps its state (and starts here if it isn't running); another endpoint is sent a one-token
        question, so a server that reuses the last prompt's prefix holds it."""
        passages = self.load()
        self._keep_reader()
        if self.kept.keep_fixed(self.model, self.passage_layout) is not None:
            return
        for _ in self.model.stream(
            answer_messages(WARM_UP_QUESTION, passages, layout=self.passage_layout), 1
        ):
            pass

    def _generate(
        self, query: str, passages: list[Passage], whole: bool = False, hint: list[int] | None = None
    ) -> Iterator[str]:
        """The model's draft: from a whole guide (`passages` being its chunks, in order, with the
        numbers of those found first as `hint`), or from the passages found."""
        if whole:
            lead = self.settings.model_context == "guide_lead"
            messages = guide_messages(query, [p.chunk for p in passages], hint or [], lead)
            yield from self.model.stream(messages, self.settings.max_answer_tokens)
            return
        self.kept.keep_fixed(self.model, self.passage_layout)  # every request continues it: `coach ask` too
        context = self.settings.model_context
        chosen = excerpts(query, passages, self.rarity) if context == "excerpts" else None
        messages = answer_messages(query, passages, chosen, layout=self.passage_layout)
        yield from self.model.stream(messages, self.settings.max_answer_tokens)
