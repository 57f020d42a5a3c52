"""How far the judge can be trusted: its verdicts on hand-labelled claim/passage pairs.

`judge_calibration.jsonl` holds claims labelled by hand against one guide passage each:
supported ones, and unsupported ones of four kinds (a swapped number, the wrong passage, a value
given to the wrong subject, an absolute the passage doesn't state). Split dev/test like the
golden cases. The judge sees each pair exactly as it sees an answer's citations, one at a time;
its balanced accuracy (the mean of its hit rates on supported and on unsupported claims) is
reported per half. A verdict the judge doesn't give counts as wrong.

Not here: the judge itself (`evals.judge`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from coach.llm import ChatModel
from coach.records import Chunk, Passage
from evals.judge import Citation, judge

CALIBRATION = Path(__file__).with_name("judge_calibration.jsonl")


@dataclass(frozen=True)
class Pair:
    id: str
    split: str
    kind: str  # supported | swapped_number | wrong_passage | wrong_subject | unsupported_absolute
    label: bool
    claim: str
    source: str
    section: str
    passage: str

    def citation(self) -> Citation:
        chunk = Chunk(self.id, self.source, "", "", "", self.section, "calibration", 0, self.passage)
        return Citation(self.claim, 1, Passage(chunk, 0.0))


def load_pairs(path: Path = CALIBRATION) -> list[Pair]:
    return [
        Pair(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def verdicts(model: ChatModel, pairs: list[Pair]) -> list[bool | None]:
    return judge(model, [p.citation() for p in pairs])[0]


def balanced_accuracy(pairs: list[Pair], judged: list[bool | None]) -> float | None:
    """Mean of the share of supported pairs judged supported and of unsupported pairs judged not."""
    rates = []
    for label in (True, False):
        hits = [v is label for p, v in zip(pairs, judged, strict=True) if p.label is label]
        if hits:
            rates.append(sum(hits) / len(hits))
    return sum(rates) / len(rates) if rates else None


def calibrate(model: ChatModel, pairs: list[Pair] | None = None) -> dict[str, float | None]:
    """The judge's balanced accuracy on the dev half, the test half and both."""
    pairs = load_pairs() if pairs is None else pairs
    judged = verdicts(model, pairs)
    out = {}
    for split in ("dev", "test", "all"):
        chosen = [(p, v) for p, v in zip(pairs, judged, strict=True) if split in (p.split, "all")]
        out[split] = balanced_accuracy([p for p, _ in chosen], [v for _, v in chosen]) if chosen else None
    return out
