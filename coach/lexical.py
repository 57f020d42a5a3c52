"""BM25 search over chunk documents, with a tokenizer that keeps numbers and names findable.

Numbers ("8", "9-12", "40%", "15-2051"), certification names and role names are exactly what
dense embeddings blur, so the tokenizer keeps compound tokens whole and adds their parts.
It does not persist anything: the index is rebuilt from the stored chunks in milliseconds.
"""

from __future__ import annotations

import re

import numpy as np
import Stemmer

TOKEN = re.compile(r"[a-z0-9]+(?:[-/.+][a-z0-9]+)*%?")
MONEY = re.compile(r"\$\s?\d")
STOPWORDS = frozenset(
    """a an the and or of to in on for with by as at from into is are be been being was were it its
    this that these those i me my you your we our they their he she his her do does did doing how
    what which who whom when where why can could should would will shall may might must much many
    there here about than then so if not no yes any some all get got have has had after before
    over under up down out s t just also very more most such own same other only each both""".split()
)
_stemmer = Stemmer.Stemmer("english")

# How people ask, mapped to the words the guides use for the answer. Applied to queries only.
QUERY_SYNONYMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (r"\bhow long\b|\bhow many (?:weeks|months)\b|\bhow much time\b", "timeline duration"),
        (r"\b(?:earn|pay|paid|salary|salaries|compensation|make)\b", "salary compensation median usd"),
        (r"\b(?:raise|bump|increase|more money)\b", "salary change increase"),
        (r"\b(?:hard|difficult|difficulty|tough)\b", "difficulty challenging"),
        (r"\b(?:cost|costs|price|fee|expensive|cheap)\b", "cost usd"),
        (r"\b(?:exam|exams|test fee)\b", "certification"),
        (r"\b(?:wage|wages|paycheck|income)\b", "salary"),
        (r"\b(?:doctorate|phd)\b", "phd"),
        (r"\b(?:book|read|reading)\b", "book reading"),
        (r"\bfirst (?:phase|step|stage)\b", "phase 1"),
        (r"\bsecond (?:phase|step|stage)\b", "phase 2"),
        (r"\bthird (?:phase|step|stage)\b", "phase 3"),
        (r"\bfourth (?:phase|step|stage)\b", "phase 4"),
        (r"\bfifth (?:phase|step|stage)\b", "phase 5"),
        (r"\bml\b", "machine learning"),
        (r"\bdl\b", "deep learning"),
    )
)


def tokenize(text: str) -> list[str]:
    text = text.lower().replace("–", "-").replace("—", " ")
    # Every dollar amount also counts as the word "usd", so "cost" and "earn" can find "$300".
    tokens: list[str] = ["usd"] * len(MONEY.findall(text))
    for token in TOKEN.findall(text):
        token = token.strip("-/.+")
        if not token or token in STOPWORDS:
            continue
        parts = [p for p in re.split(r"[-/.+%]", token) if p]
        if len(parts) > 1 or token.endswith("%"):
            tokens.append(token)
        tokens.extend(_stemmer.stemWord(p) if p.isalpha() else p for p in parts if p not in STOPWORDS)
    return tokens


def synonyms(word: str) -> str:
    """The guides' words for what this word of a question asks about ("" when none)."""
    lowered = word.lower()
    return " ".join(words for pattern, words in QUERY_SYNONYMS if pattern.search(lowered))


def expand_query(query: str) -> str:
    """Append the guides' words for what the question asks about ("how long" -> timeline)."""
    lowered = query.lower()
    extra = [words for pattern, words in QUERY_SYNONYMS if pattern.search(lowered)]
    return " ".join([query, *extra])


class LexicalIndex:
    """BM25 (Okapi) over a fixed list of documents."""

    def __init__(self, documents: list[str]) -> None:
        import bm25s  # about 0.2 s, and only a search needs it (the tokenizer reads every question)

        self._bm25 = bm25s.BM25()
        self._bm25.index([tokenize(d) or ["\x00"] for d in documents], show_progress=False)
        self._size = len(documents)

    def scores(self, query: str) -> np.ndarray:
        tokens = tokenize(expand_query(query))
        if not tokens:
            return np.zeros(self._size)
        return np.asarray(self._bm25.get_scores(tokens), dtype=float)
