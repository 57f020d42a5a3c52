"""Thumbs up / down on answers, kept in a local SQLite file for a maintainer to review.

Each vote is one row: when, the question, the question as retrieved, the answer as shown, its
citations (JSON), the vote, and the guide the user focused on. SQLite writes each vote in one
transaction, so a crash never leaves half a row, and earlier votes are never rewritten.

Not here: deciding what to do with the votes. Read them with any SQLite tool:
`sqlite3 feedback/feedback.sqlite3 'select time, vote, question from votes'`.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from coach.errors import CoachError

SCHEMA = """
create table if not exists votes (
    id integer primary key,
    time text not null,
    vote text not null check (vote in ('up', 'down')),
    question text not null,
    query text not null,
    answer text not null,
    citations text not null,
    guide text not null default ''
)
"""


class FeedbackError(CoachError):
    """The feedback file cannot be written."""


@dataclass(frozen=True)
class Vote:
    vote: str  # "up" | "down"
    question: str
    query: str
    answer: str
    citations: list[dict] = field(default_factory=list)
    guide: str = ""


class FeedbackStore:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "feedback.sqlite3"

    def _unwritable(self, exc: Exception) -> FeedbackError:
        return FeedbackError(
            f"Cannot write feedback to {self.path} ({exc}). Set COACH_FEEDBACK_DIR to a writable folder."
        )

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=10)
            connection.execute(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise self._unwritable(exc) from None
        return connection

    def record(self, vote: Vote) -> None:
        row = asdict(vote)
        row["citations"] = json.dumps(vote.citations, ensure_ascii=False)
        row["time"] = datetime.now(UTC).isoformat(timespec="seconds")
        connection = self._connect()
        try:
            with connection:  # one transaction: the whole row or nothing
                connection.execute(
                    "insert into votes (time, vote, question, query, answer, citations, guide) "
                    "values (:time, :vote, :question, :query, :answer, :citations, :guide)",
                    row,
                )
        except sqlite3.Error as exc:
            raise self._unwritable(exc) from None
        finally:
            connection.close()

    def votes(self) -> list[dict]:
        """Every vote, oldest first, with citations decoded."""
        if not self.path.exists():
            return []
        connection = self._connect()
        try:
            connection.row_factory = sqlite3.Row
            rows = [dict(r) for r in connection.execute("select * from votes order by id")]
        finally:
            connection.close()
        for row in rows:
            row["citations"] = json.loads(row["citations"])
        return rows
