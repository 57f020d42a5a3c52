"""The faithfulness and correctness suite: the golden cases (`golden.jsonl`) through the real
configured model, measured case by case and overall.

For each case it records what the user saw (answer, citations, refusal) and measures:
- retrieval hit@k: the supporting passage is among the passages given to the model;
- correctness: every required fact is stated (any of its phrasings, case-insensitive);
- claims (the sentences shown), checked two ways against the passages they cite: a
  deterministic check (every number in the claim appears in a cited passage) and the judge:
  for an answer composed from the guides' facts, the trace of each value it states to its span
  (`evals.judge.trace`, no model); for a model-written one, the same model (`evals.judge`);
  citation precision is the share of citations judged supporting; where the two checks
  disagree is listed;
- refusals (unanswerable cases must be refused, answerable ones must not), injection
  resistance (no forbidden text shown, and refused when refusal is expected), and latency
  (time to first token and total).

All answers are generated first and judged afterwards, so requests of one kind follow each
other and a local server keeps reusing their fixed prompt prefix. `python -m evals.faithfulness`
runs it and writes `results/faithfulness.md` and `results/faithfulness.json`.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from coach.answer import Answer, Coach
from coach.records import Passage
from coach.session import Session
from evals.calibration import calibrate
from evals.judge import Citation, judge, numbers_cited, trace
from evals.prompt_size import NewTokens, Recording

GOLDEN = Path(__file__).with_name("golden.jsonl")
GATES = Path(__file__).with_name("gates.toml")


@dataclass(frozen=True)
class Case:
    id: str
    split: str  # dev: tuned on | test: held out, looked at only as totals
    kind: str  # fact | follow_up | comparison | partial | ambiguous | unanswerable | language | injection
    shape: str  # how it is worded: lead_in, command, self_description, short_form, typo, ...
    turns: list[str]
    facts: list[list[str]]
    source: str | None
    support: list[str]
    expect: str  # answer | refuse
    forbidden: list[str]
    topic: str
    not_covered: list[str]  # what the answer's not-covered note must name

    def supported_by(self, passage: Passage) -> bool:
        where = f"{passage.chunk.section}\n{passage.chunk.text}"
        return passage.chunk.source == self.source and all(p in where for p in self.support)


def load_cases(path: Path = GOLDEN) -> list[Case]:
    return [
        Case(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def _normal(text: str) -> str:
    """Case, dashes and spaces evened out, and a duration written as an adjective read as one:
    "a 6-9-month move" states "6-9 months"."""
    text = re.sub(r"\s+", " ", text.replace("–", "-").replace("—", "-")).lower()
    return re.sub(r"(\d)-(week|month|year|day)s?\b", r"\1 \2s", text)


def states(answer: str, phrasings: list[str]) -> bool:
    return any(_normal(p) in _normal(answer) for p in phrasings)


@dataclass
class Claim:
    text: str
    cited: list[int]  # 1-based passage numbers, as given to the model
    numbers_ok: bool  # every number in it appears in a cited passage
    judged: list[bool | None] = field(default_factory=list)  # one verdict per citation
    judged_by: str = "model"  # "spans": composed from facts, its values traced to their spans

    @property
    def judge_ok(self) -> bool:
        return any(v is True for v in self.judged)


@dataclass
class Result:
    id: str
    split: str
    kind: str
    shape: str
    topic: str
    turns: list[str]
    expect: str
    answer: str
    refused: bool
    query: str
    passages: list[str]  # ids of the chunks given to the model, in the order it numbered them
    citations: list[dict]
    retrieval_hit: bool | None  # None: no supporting passage to find
    correct: bool | None  # None: nothing to state
    forbidden_shown: list[str]
    not_covered: str  # the answer's note on what the guides don't mention
    names_missing: bool | None  # the note names what the case says is missing (None: nothing to name)
    claims: list[Claim] = field(default_factory=list)
    removed: int = 0
    judge_reply: str = ""
    first_token: float | None = None
    seconds: float = 0.0
    answered_by: str = "model"  # facts | model | refused: the path the last turn took
    new_tokens: int | None = None  # what the last turn's first answer request added to the fixed part
    rewrites: int | None = None  # model calls that rewrote a follow-up (None: not counted)

    @property
    def resisted(self) -> bool:
        """Nothing forbidden shown, every shown claim cited, and refused where a refusal is due."""
        cited = all(c.cited for c in self.claims)
        return not self.forbidden_shown and cited and (self.expect != "refuse" or self.refused)


def correct(case: Case, answer: Answer) -> bool | None:
    """Every required fact stated; a question in another language must get the English notice."""
    if case.kind == "language":
        return answer.refused and "english" in answer.answer.lower()
    if not case.facts:
        return None
    return not answer.refused and all(states(answer.answer, f) for f in case.facts)


def answer_case(
    coach: Coach, case: Case, recording: Recording | None = None, tokens: NewTokens | None = None
) -> tuple[Result, Answer]:
    """One case as a conversation; with `recording` (the coach's model) and `tokens`, the new
    prompt tokens of its last turn's first answer request are counted."""
    started = time.perf_counter()
    session = Session()
    answer = None
    first_token = None
    new_tokens = None
    rewrites = 0 if recording and tokens else None
    for turn in case.turns:
        turn_started = time.perf_counter()
        sent = len(recording.requests) if recording else 0
        answer = session.ask(coach, turn)
        if recording and tokens:
            sizes = [tokens.of(m) for m in recording.requests[sent:]]
            new_tokens = next((n for n in sizes if n is not None), None)
            rewrites = (rewrites or 0) + sizes.count(None)
        if "first_token" in answer.timings:
            first_token = turn_started - started + answer.timings["first_token"]
    assert answer is not None
    claims = [
        Claim(
            s.text,
            [i + 1 for i in s.sources],
            numbers_cited(s.text, [answer.passages[i] for i in s.sources], s.figures),
        )
        for s in answer.sentences
    ]
    result = Result(
        id=case.id,
        split=case.split,
        kind=case.kind,
        shape=case.shape,
        topic=case.topic,
        turns=case.turns,
        expect=case.expect,
        answer=answer.answer,
        refused=answer.refused,
        query=answer.query,
        passages=[p.chunk.id for p in answer.passages],
        citations=[{"n": c.n, "source": c.source, "section": c.section} for c in answer.citations],
        retrieval_hit=any(case.supported_by(p) for p in answer.passages) if case.support else None,
        correct=correct(case, answer),
        forbidden_shown=[f for f in case.forbidden if _normal(f) in _normal(answer.answer)],
        not_covered=answer.not_covered,
        names_missing=all(_normal(w) in _normal(answer.not_covered) for w in case.not_covered)
        if case.not_covered
        else None,
        claims=claims,
        removed=len(answer.removed),
        first_token=first_token,
        seconds=time.perf_counter() - started,
        answered_by=answer.to_json()["answered_by"],
        new_tokens=new_tokens,
        rewrites=rewrites,
    )
    return result, answer


def judge_case(coach: Coach, result: Result, answer: Answer) -> None:
    """Each claim's citations judged: an answer composed from the facts by tracing the values
    its sentences state, a model-written one by the model."""
    if answer.path == "facts":
        chunks = {c.id: c for c in coach.retriever.chunks}
        for claim, sentence in zip(result.claims, answer.sentences, strict=True):
            cited = [answer.passages[n - 1].chunk for n in claim.cited]
            corpus = coach.settings.corpus_dir
            claim.judged = trace(
                sentence.text, sentence.values, sentence.computed, cited, chunks, corpus, sentence.figures
            )
            claim.judged_by = "spans"
        return
    pairs = [(claim, n) for claim in result.claims for n in claim.cited]
    citations = [Citation(claim.text, n, answer.passages[n - 1]) for claim, n in pairs]
    verdicts, result.judge_reply = judge(coach.model, citations)
    for (claim, _), verdict in zip(pairs, verdicts, strict=True):
        claim.judged.append(verdict)


def run(
    coach: Coach,
    cases: list[Case],
    progress: Callable[[str], None] = print,
    tokens: NewTokens | None = None,
) -> list[Result]:
    """Answer every case (follow-ups last), then judge every answer's claims. With `tokens`,
    each case's answer requests are recorded and their new tokens counted."""
    ordered = sorted(cases, key=lambda c: c.kind == "follow_up")
    answered: list[tuple[Result, Answer]] = []
    recording = Recording(coach.model) if tokens else None
    model, coach.model = coach.model, recording or coach.model
    try:
        for i, case in enumerate(ordered, start=1):
            result, answer = answer_case(coach, case, recording, tokens)
            answered.append((result, answer))
            verdict = "refused" if result.refused else ("correct" if result.correct else "answered")
            # The held-out half shows as totals only: no id or verdict of its cases is printed.
            shown = "(held out)" if case.split == "test" else f"{case.id} {verdict}"
            progress(f"[answer {i}/{len(ordered)}] {shown} {result.seconds:.1f}s")
    finally:
        coach.model = model
    for i, (result, answer) in enumerate(answered, start=1):
        if result.claims:
            started = time.perf_counter()
            judge_case(coach, result, answer)
            shown = "(held out)" if result.split == "test" else result.id
            how = "spans traced" if result.answered_by == "facts" else "model"
            progress(f"[judge {i}/{len(answered)}] {shown} {how} {time.perf_counter() - started:.1f}s")
    order = {c.id: i for i, c in enumerate(cases)}
    return sorted((r for r, _ in answered), key=lambda r: order[r.id])


def evaluate(
    coach: Coach, cases: list[Case], progress: Callable[[str], None] = print
) -> tuple[list[Result], dict[str, dict[str, float | None]]]:
    """Run the cases, summarize them, and add the judge's accuracy on its calibration pairs."""
    results = run(coach, cases, progress, NewTokens.for_settings(coach.settings, coach.readable()))
    summary = summarize(results)
    started = time.perf_counter()
    summary["judge_balanced_accuracy"] = calibrate(coach.model)
    progress(f"[calibration] judge on the labelled pairs in {time.perf_counter() - started:.0f} s")
    return results, summary


def _share(hits: list[bool]) -> float | None:
    return sum(hits) / len(hits) if hits else None


SPLITS = ("dev", "test", "all")


def summarize(results: list[Result]) -> dict[str, dict[str, float | None]]:
    """Every metric on the dev half, the held-out test half, and both."""
    halves = {name: [r for r in results if name in (r.split, "all")] for name in SPLITS}
    per_split = {name: _metrics(rs) for name, rs in halves.items() if rs}
    return {metric: {name: m[metric] for name, m in per_split.items()} for metric in per_split["all"]}


def _metrics(results: list[Result]) -> dict[str, float | None]:
    answerable = [r for r in results if r.expect == "answer"]
    claims = [c for r in results for c in r.claims]
    verdicts = [v for c in claims for v in c.judged]
    latency = [r.first_token for r in results if r.first_token is not None]
    from_facts = [r for r in answerable if r.answered_by == "facts"]
    sizes = [r.new_tokens for r in results if r.new_tokens is not None]
    return {
        "retrieval_hit": _share([r.retrieval_hit for r in results if r.retrieval_hit is not None]),
        "answer_correctness": _share([bool(r.correct) for r in answerable if r.correct is not None]),
        "follow_up_correctness": _share([bool(r.correct) for r in answerable if r.kind == "follow_up"]),
        # Follow-ups whose thread the coach could not complete from its state: the model rewrote them.
        "follow_ups_rewritten": _share(
            [r.rewrites > 0 for r in results if r.kind == "follow_up" and r.rewrites is not None]
        ),
        "comparison_correctness": _share([bool(r.correct) for r in answerable if r.kind == "comparison"]),
        "numbers_in_cited_passages": _share([c.numbers_ok for c in claims]),
        "judge_faithfulness": _share([c.judge_ok for c in claims]),
        # The model-written claims alone, judged by the model (the facts' claims are traced).
        "model_claims_faithfulness": _share([c.judge_ok for c in claims if c.judged_by == "model"]),
        "claims_traced": _share([c.judged_by == "spans" for c in claims]),
        "citation_precision": _share([v is True for v in verdicts]),
        "unsupported_claim_rate": _share([not c.judge_ok for c in claims]),
        "unanswerable_refused": _share([r.refused for r in results if r.kind == "unanswerable"]),
        "other_language_noticed": _share([bool(r.correct) for r in results if r.kind == "language"]),
        "not_covered_named": _share([r.names_missing for r in results if r.names_missing is not None]),
        "false_refusals": _share([r.refused for r in answerable]),
        "injection_resisted": _share([r.resisted for r in results if r.kind == "injection"]),
        "answered_from_facts": _share([r.answered_by == "facts" for r in results]),
        "facts_path_correctness": _share([bool(r.correct) for r in from_facts if r.correct is not None]),
        "facts_path_median_total_s": statistics.median(r.seconds for r in from_facts) if from_facts else None,
        "median_first_token_s": statistics.median(latency) if latency else None,  # the model path's
        "median_new_prompt_tokens": statistics.median(sizes) if sizes else None,  # the model path's
        "median_total_s": statistics.median(r.seconds for r in results) if results else None,
        "max_total_s": max((r.seconds for r in results), default=None),
    }


def load_gates(path: Path = GATES) -> dict[str, dict]:
    with path.open("rb") as f:
        return tomllib.load(f)


def _gate(name: str, gate: dict) -> tuple[str, str]:
    """The metric and the half a gate holds on: `metric` and `split` in the gates file, by default
    the gate's own name and both halves."""
    return gate.get("metric", name), gate.get("split", "all")


def failures(summary: dict, gates: dict[str, dict]) -> list[str]:
    """The metrics that miss their gate, as readable lines."""
    out = []
    for name, gate in gates.items():
        metric, split = _gate(name, gate)
        value = summary[metric].get(split)
        ok = value is not None and (value <= gate["max"] if "max" in gate else value >= gate["min"])
        if not ok:
            bound = f"<= {gate['max']:.0%}" if "max" in gate else f">= {gate['min']:.0%}"
            shown = value if value is None else f"{value:.1%}"
            out.append(f"{metric} ({split}): measured {shown}, gate {bound}")
    return out


def disagreements(results: list[Result]) -> list[str]:
    return [
        f"{r.id}: numbers {'ok' if c.numbers_ok else 'MISSING'}, judge {'supported' if c.judge_ok else 'UNSUPPORTED'}: {c.text}"
        for r in results
        for c in r.claims
        if c.numbers_ok != c.judge_ok
    ]


def markdown(results: list[Result], summary: dict, gates: dict[str, dict]) -> str:
    """The summary table (dev, held-out test, all), then one row per dev case: the test half's
    cases are reported only as totals."""

    def pct(name: str, v: float | None) -> str:
        if v is None:
            return "n/a"
        return f"{v:.1f} s" if name.endswith("_s") else f"{v:.0f}" if name.endswith("tokens") else f"{v:.0%}"

    def bounds(gate: dict) -> tuple[str, str]:
        cmp = "≤" if "max" in gate else "≥"
        goal = gate.get("goal")
        return f"{cmp} {gate.get('max', gate.get('min')):.0%}", "" if goal is None else f"{cmp} {goal:.0%}"

    held = {_gate(n, g): bounds(g) for n, g in gates.items()}
    lines = ["| metric | gate | goal | dev | test | all |", "|---|---|---|---|---|---|"]
    for name, values in summary.items():
        gated = [(split, b) for (metric, split), b in held.items() if metric == name]
        gate = "; ".join(f"{b[0]}{'' if split == 'all' else f' ({split})'}" for split, b in gated)
        goal = "; ".join(b[1] for _, b in gated if b[1])
        shown = " | ".join(pct(name, values.get(split)) for split in SPLITS)
        lines.append(f"| {name.replace('_', ' ')} | {gate} | {goal} | {shown} |")
    lines += [
        "",
        "| case | kind | shape | hit | correct | claims (judge ok / numbers ok) | refused | not covered | s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    mark = {True: "yes", False: "NO", None: ""}
    for r in results:
        if r.split == "test":
            continue
        claims = (
            f"{sum(c.judge_ok for c in r.claims)}/{sum(c.numbers_ok for c in r.claims)} of {len(r.claims)}"
        )
        lines.append(
            f"| {r.id} | {r.kind} | {r.shape} | {mark[r.retrieval_hit]} | {mark[r.correct]} | {claims} | "
            f"{'yes' if r.refused else ''} | {mark[r.names_missing]} | {r.seconds:.1f} |"
        )
    return "\n".join(lines)


def write_report(
    results: list[Result], summary: dict, gates: dict[str, dict], folder: Path, name: str = "faithfulness"
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md").write_text(markdown(results, summary, gates) + "\n", encoding="utf-8")
    dev = [r for r in results if r.split != "test"]
    cases = [asdict(r) | {"resisted": r.resisted} for r in dev]
    report = {"summary": summary, "disagreements": disagreements(dev), "cases": cases}
    (folder / f"{name}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    # The held-out half, case by case, apart: kept for the record, not for tuning.
    held_out = [asdict(r) | {"resisted": r.resisted} for r in results if r.split == "test"]
    (folder / f"{name}_test_half.json").write_text(
        json.dumps(held_out, indent=1, ensure_ascii=False), encoding="utf-8"
    )


def main() -> int:
    from coach.session import build_coach
    from coach.settings import PROJECT_ROOT, apply_process_switches, load_settings

    apply_process_switches()
    settings = load_settings()
    coach = build_coach(settings)
    started = time.perf_counter()
    results, summary = evaluate(coach, load_cases())
    gates = load_gates()
    write_report(results, summary, gates, PROJECT_ROOT / "results")
    print(markdown(results, summary, gates).split("\n\n")[0])
    print(f"\n{len(results)} cases in {time.perf_counter() - started:.0f} s")
    missed = failures(summary, gates)
    print("\n".join(missed) if missed else "All gates met.")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
