"""The coach and the tutorial recipe on the same golden questions, on the same warm model server,
in one run: time to sources, to the first answer token and to the whole answer, new prompt
tokens, and correctness, per pipeline and as ratios coach / recipe.

Each pipeline answers every question in a block of its own (the coach's block first), so
neither evicts the other's prompt prefix that the local server holds. A multi-turn case is one
conversation; its last turn is the one measured. What is timed is the answer as a user gets it:
- sources: the passages found (the coach shows them before it writes; the recipe retrieves);
- first token: the model's first token; for an answer composed from the facts (no model call),
  its first sentence; for a refusal, the refusal;
- first sentence (coach): the first checked sentence, ready to show;
- total: the whole answer, checked.

`python -m bench` (or `make bench`) writes `bench/results/latest.json`, `latest.md` and
`latest.png`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.recipe import SYSTEM_TEMPLATE, Recipe
from coach.answer import WARM_UP_QUESTION, Answer, Coach, Found
from coach.llm import ChatModel
from coach.session import Session
from coach.verify import CheckedSentence
from evals.faithfulness import Case, correct, load_cases, states
from evals.prompt_size import NewTokens, Recording

RESULTS = Path(__file__).with_name("results")


class FirstToken(Recording):
    """A Recording that also notes when each request's first piece arrives."""

    def __init__(self, model: ChatModel) -> None:
        super().__init__(model)
        self.first: list[float | None] = []  # by request: when its first piece came

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        n = len(self.requests)
        self.first.append(None)
        for i, piece in enumerate(super().stream(messages, max_tokens)):
            if i == 0:
                self.first[n] = time.perf_counter()
            yield piece


@dataclass
class Timing:
    """One question through one pipeline."""

    id: str
    kind: str
    turns: int
    path: str  # facts | model | refused (the coach); model (the recipe)
    sources_s: float
    first_token_s: float | None
    first_sentence_s: float | None
    total_s: float
    prompt_tokens: int  # new tokens of the turn's requests: after the pipeline's fixed part
    correct: bool | None


def coach_timing(coach: Coach, model: FirstToken, case: Case, tokens: NewTokens) -> Timing:
    session = Session()
    for turn in case.turns[:-1]:
        session.ask(coach, turn)
    sent = len(model.requests)
    started = time.perf_counter()
    sources = first_sentence = None
    answer: Answer | None = None
    for event in session.stream(coach, case.turns[-1]):
        now = time.perf_counter() - started
        if isinstance(event, Found) and sources is None:
            sources = now
        elif isinstance(event, CheckedSentence) and event.supported and first_sentence is None:
            first_sentence = now
        elif isinstance(event, Answer):
            answer = event
    total = time.perf_counter() - started
    assert answer is not None
    path = answer.to_json()["answered_by"]
    # New tokens of each answer request; any other request (a follow-up's rewrite) counts whole.
    sizes = [tokens.of(m) for m in model.requests[sent:]]
    new = sum(
        n if n is not None else sum(tokens.count(m["content"]) for m in messages)
        for n, messages in zip(sizes, model.requests[sent:], strict=True)
    )
    answering = [model.first[sent + i] for i, n in enumerate(sizes) if n is not None]
    if path == "model" and answering and answering[0] is not None:
        first = answering[0] - started  # the answer's first token, not a rewrite's
    else:  # composed from the facts, or refused: the first sentence shown, else the refusal
        first = first_sentence if first_sentence is not None else total
    return Timing(
        case.id, case.kind, len(case.turns), path, sources if sources is not None else total,
        first, first_sentence, total, new, correct(case, answer),
    )  # fmt: skip


def recipe_correct(case: Case, answer: str) -> bool | None:
    """The golden facts, all stated; a question in another language must be told to ask in English."""
    if case.kind == "language":
        return "english" in answer.lower()
    if not case.facts:
        return None
    return all(states(answer, phrasings) for phrasings in case.facts)


def recipe_timing(recipe: Recipe, case: Case, tokens: Callable[[str], int]) -> Timing:
    last = recipe.conversation(case.turns)
    fixed = tokens(SYSTEM_TEMPLATE.split("{context}")[0])
    new = sum(tokens(m["content"]) for m in last.messages) - fixed
    return Timing(
        case.id, case.kind, len(case.turns), "model", last.sources_s, last.first_token_s, None,
        last.total_s, new, recipe_correct(case, last.answer),
    )  # fmt: skip


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _percentile(values: list[float], p: int) -> float | None:
    if len(values) < 2:
        return _median(values)
    return round(statistics.quantiles(values, n=100, method="inclusive")[p - 1], 3)


def stats(timings: list[Timing]) -> dict:
    """The medians and percentiles the report shows, over these questions."""
    graded = [t.correct for t in timings if t.correct is not None]
    firsts = [t.first_token_s for t in timings if t.first_token_s is not None]
    sentences = [t.first_sentence_s for t in timings if t.first_sentence_s is not None]
    return {
        "n": len(timings),
        "sources_s_median": _median([t.sources_s for t in timings]),
        "sources_s_p95": _percentile([t.sources_s for t in timings], 95),
        "ttft_s_median": _median(firsts),
        "ttft_s_p90": _percentile(firsts, 90),
        "first_sentence_s_median": _median(sentences),
        "total_s_median": _median([t.total_s for t in timings]),
        "prompt_tokens_median": _median([t.prompt_tokens for t in timings]),
        "correctness": round(sum(graded) / len(graded), 3) if graded else None,
        "graded": len(graded),
    }


def summary(coach: list[Timing], baseline: list[Timing]) -> dict:
    ours, theirs = stats(coach), stats(baseline)
    ours["by_path"], theirs["by_path"] = {}, {}
    for name, ids in paths(coach).items():
        ours["by_path"][name] = stats([t for t in coach if t.id in ids])
        theirs["by_path"][name] = stats([t for t in baseline if t.id in ids])
    follow_ups = [t for t in coach if t.turns > 1]
    ours["follow_ups"] = stats(follow_ups)
    theirs["follow_ups"] = stats([t for t in baseline if t.turns > 1])
    keys = ("ttft_s_median", "ttft_s_p90", "total_s_median", "sources_s_median", "prompt_tokens_median")
    ratios = {key: _ratio(ours[key], theirs[key]) for key in keys}
    # The model path alone against the recipe (which always uses the model), and the coach's
    # first checked sentence (what a user first reads) against the recipe's first token.
    by_model = ours["by_path"].get("model", stats([]))
    ratios["model_path_ttft_s_median"] = _ratio(by_model["ttft_s_median"], theirs["ttft_s_median"])
    # ... and against the recipe on the same questions (the ones the coach's model answered).
    ratios["model_path_ttft_vs_same_questions"] = _ratio(
        by_model["ttft_s_median"], theirs["by_path"].get("model", stats([]))["ttft_s_median"]
    )
    ratios["first_sentence_vs_first_token"] = _ratio(ours["first_sentence_s_median"], theirs["ttft_s_median"])
    return {"coach": ours, "baseline": theirs, "ratios": ratios}


PATHS = ("facts", "model", "refused")


def paths(coach: list[Timing]) -> dict[str, set[str]]:
    """The questions of each path the coach took, and the follow-ups that reached the model, by id."""
    groups = {p: {t.id for t in coach if t.path == p} for p in PATHS}
    groups["follow-ups, model path"] = {t.id for t in coach if t.path == "model" and t.turns > 1}
    return {name: ids for name, ids in groups.items() if ids}


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    return round(ours / theirs, 3) if ours is not None and theirs else None


def pss_mb(pid: int) -> float | None:
    """A process's proportional set size in MB (shared pages divided among their users)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def machine() -> dict:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor(),
    )
    memory = next((line.split()[1] for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), "0")
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(int(memory) / 2**20, 1),
        "python": platform.python_version(), "system": platform.platform(),
    }  # fmt: skip


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.0%}"
    return f"{value:.2f} {unit}".strip() if unit == "s" else f"{value:g}"


ROWS = [
    ("time to sources, median", "sources_s_median", "s"),
    ("first token, median", "ttft_s_median", "s"),
    ("first token, p90", "ttft_s_p90", "s"),
    ("first checked sentence, median", "first_sentence_s_median", "s"),
    ("whole answer, median", "total_s_median", "s"),
    ("new prompt tokens, median", "prompt_tokens_median", ""),
    ("correctness", "correctness", "%"),
]


def markdown(report: dict) -> str:
    coach, baseline, ratios = report["coach"], report["baseline"], report["ratios"]
    lines = [
        f"| {report['questions']} golden questions ({report['split']}) | coach | tutorial recipe | coach / recipe |",
        "|---|---|---|---|",
    ]
    for label, key, unit in ROWS:
        ratio = ratios.get(key)
        lines.append(
            f"| {label} | {_fmt(coach[key], unit)} | {_fmt(baseline.get(key), unit)} | "
            f"{'—' if ratio is None else f'{ratio:.2f}'} |"
        )
    lines += [
        "",
        "| the coach, by path | questions | first token, median | p90 | first checked sentence | whole answer "
        "| new prompt tokens | correctness | recipe's first token, same questions | coach / recipe |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    theirs_by_path = baseline.get("by_path", {})
    for path, s in {**coach["by_path"], "follow-ups (all paths)": coach["follow_ups"]}.items():
        recipe = theirs_by_path.get(path) or (
            baseline.get("follow_ups") if path.startswith("follow-ups (") else None
        )
        recipe_first = recipe["ttft_s_median"] if recipe else None
        ratio = _ratio(s["ttft_s_median"], recipe_first)
        lines.append(
            f"| {path} | {s['n']} | {_fmt(s['ttft_s_median'], 's')} | {_fmt(s['ttft_s_p90'], 's')} | "
            f"{_fmt(s['first_sentence_s_median'], 's')} | {_fmt(s['total_s_median'], 's')} | "
            f"{_fmt(s['prompt_tokens_median'])} | {_fmt(s['correctness'], '%')} | {_fmt(recipe_first, 's')} | "
            f"{'—' if ratio is None else f'{ratio:.2f}'} |"
        )
    lines += [
        "",
        f"The model path's first token / the recipe's: {_fmt(ratios.get('model_path_ttft_s_median'))} "
        f"(on the same questions: {_fmt(ratios.get('model_path_ttft_vs_same_questions'))}); "
        f"the coach's first checked sentence / the recipe's first token: "
        f"{_fmt(ratios.get('first_sentence_vs_first_token'))}.",
    ]
    memory = report.get("memory_pss_mb") or {}
    if memory:
        parts = ", ".join(f"{name} {mb:.0f} MB" for name, mb in memory.items() if mb is not None)
        lines += ["", f"Memory (PSS) at the end of the run: {parts}."]
    m = report["machine"]
    lines += ["", f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}."]
    return "\n".join(lines)


def plot(coach: list[Timing], baseline: list[Timing], path: Path) -> None:
    """Left: the first token of each question by the path the coach took, coach beside recipe on the
    same questions. Right: the whole answer, question by question."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    figure, axes = plt.subplots(1, 2, figsize=(13, 4.8))
    groups = paths(coach)
    ax = axes[0]
    for offset, timings, label, marker in (
        (-0.15, coach, "coach", "s"),
        (0.15, baseline, "tutorial recipe", "o"),
    ):
        for x, ids in enumerate(groups.values()):
            ys = [t.first_token_s for t in timings if t.id in ids and t.first_token_s is not None]
            ax.plot([x + offset] * len(ys), ys, marker, alpha=0.6, markersize=4, color=f"C{0 if label == 'coach' else 1}",
                    label=label if x == 0 else None)  # fmt: skip
    ax.set_xticks(range(len(groups)), [f"{name}\n({len(ids)})" for name, ids in groups.items()])
    ax.set_title("first answer token, by the coach's path")
    ax.set_ylabel("seconds")
    ax.grid(alpha=0.3)
    ax.legend()
    ax = axes[1]
    for timings, label, marker in ((baseline, "tutorial recipe", "o"), (coach, "coach", "s")):
        xs = list(range(1, len(timings) + 1))
        ax.plot(xs, [t.total_s for t in timings], marker, label=label, markersize=4, alpha=0.8)
    ax.set_title("whole answer")
    ax.set_xlabel("question")
    ax.grid(alpha=0.3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a count of questions (0 or more)")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    from tqdm import tqdm

    from coach.embeddings import MiniLMEmbedder
    from coach.errors import CoachError
    from coach.llm_server import chat_model, check_local_model, server_pid
    from coach.session import build_coach
    from coach.settings import settings_or_error

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--split", choices=["test", "dev", "all"], default="test", help="golden half (default: test)"
    )
    parser.add_argument("--limit", type=_count, default=0, help="only the first N questions")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for latest.json/.md/.png")
    parser.add_argument(
        "--report", action="store_true", help="only redraw the table and plot of --out's latest.json"
    )
    args = parser.parse_args(argv)
    if args.report:
        try:
            report = json.loads((args.out / "latest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"bench: no readable run in {args.out} ({exc}). Run `make bench` first.", file=sys.stderr)
            return 1
        ours, theirs = ([Timing(**t) for t in report["per_question"][side]] for side in ("coach", "baseline"))
        return write_report({**report, **summary(ours, theirs)}, args.out)
    settings = settings_or_error("bench")
    if settings is None:
        return 2
    if settings.llm_base_url:
        print("bench: it measures the embedded model; unset COACH_LLM_BASE_URL.", file=sys.stderr)
        return 2
    cases = [c for c in load_cases() if args.split in ("all", c.split)]
    cases = cases[: args.limit] if args.limit else cases
    try:
        check_local_model(settings)
        embedder = MiniLMEmbedder(settings.embedding_model_dir)
        model = FirstToken(chat_model(settings))
        coach = build_coach(settings, embedder)
        coach.model = model
        coach.warm_up()
        coach.keep_states()  # each guide read once, or found kept on disk
        counter = NewTokens.for_settings(settings, coach.readable())
        assert counter is not None  # the embedded model's tokenizer
        ours = [coach_timing(coach, model, c, counter) for c in tqdm(cases, desc="coach ", unit="q")]
        recipe = Recipe(settings.corpus_dir, model, settings.max_answer_tokens, embedder)
        # The recipe's own fixed part (its system prompt before the passages) is kept as the
        # coach's is, so neither pipeline reads a prefix the server could keep.
        fixed = SYSTEM_TEMPLATE.split("{context}")[0]
        model.keep_prefix([{"role": "system", "content": fixed}], build=True)
        recipe.ask(WARM_UP_QUESTION, [])
        theirs = [recipe_timing(recipe, c, counter.count) for c in tqdm(cases, desc="recipe", unit="q")]
    except CoachError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return exc.exit_code

    report = {
        "split": args.split,
        "questions": len(cases),
        **summary(ours, theirs),
        "memory_pss_mb": {
            "coach process": pss_mb(os.getpid()),
            "model server": pss_mb(server_pid(settings) or -1),
        },
        "machine": machine(),
        "server": {"threads": settings.llm_threads, "context": settings.llm_context},
        "per_question": {"coach": [asdict(t) for t in ours], "baseline": [asdict(t) for t in theirs]},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return write_report(report, args.out)


def write_report(report: dict, out: Path) -> int:
    """The table (printed and in latest.md) and the plot (latest.png) of a run's report."""
    table = markdown(report)
    (out / "latest.md").write_text(table + "\n", encoding="utf-8")
    per_question = report["per_question"]
    plot(*([Timing(**t) for t in per_question[side]] for side in ("coach", "baseline")), out / "latest.png")
    print(table)
    print(f"\nWritten: {out / 'latest.json'}, latest.md, latest.png")
    return 0
