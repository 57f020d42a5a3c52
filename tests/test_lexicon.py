"""The phrase lists of `lexicon.toml`: their notation, and every stage reading them from there."""

from __future__ import annotations

import re

from coach import exact, frame, quote
from coach.facts import Certification, InterviewQuestion, Phase, SourceRole
from coach.lexicon import alternation, expanded, lexicon


def test_groups_and_word_starts_are_expanded_as_written():
    assert expanded("cost(s|) (the |)most") == ["costs the most", "costs most", "cost the most", "cost most"]
    assert expanded("how (do|should) i learn") == ["how do i learn", "how should i learn"]
    pattern = re.compile(rf"\b(?:{alternation(['recommend*', 'time( |)frame'])})\b")
    assert [m.group(0) for m in pattern.finditer("a recommended course in a timeframe or time frame")] == [
        "recommended",
        "timeframe",
        "time frame",
    ]
    assert not pattern.search("an unrecommended frame")  # whole words only: "*" ends one


def test_every_stage_reads_the_same_lists():
    words = lexicon()
    assert frame.ATTRIBUTE_WORDS is words.asks and quote.ATTRIBUTE_WORDS is words.asks
    assert exact.ATTRIBUTES is words.move_asks and frame.EXTREMES is words.extremes
    assert set(words.asks) == set(frame.FIELDS)
    assert [(a, d) for a, d, _ in words.extremes][:2] == [("priority", "max"), ("priority", "min")]
    # Each kind of thing a question can ask for has its words, read as the frame reads them.
    assert (
        frame.read_asked("Which starting roles does the AI engineer guide list?", _terms()).kind is SourceRole
    )
    assert frame.read_asked("What are the stages of the backend roadmap?", _terms()).kind is Phase
    assert frame.read_asked("which certs are cheapest?", _terms()).kind is Certification
    assert frame.read_asked("List the leadership interview questions", _terms()).kind is InterviewQuestion
    assert {"interview", "question", "cheapest", "durat"} <= frame.ASKING


def _terms():
    from coach.chunking import load_corpus
    from coach.terms import GuideTerms
    from tests.conftest import CORPUS

    _, chunks, _ = load_corpus(CORPUS, 900)
    return GuideTerms.of(chunks)
