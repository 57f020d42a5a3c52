"""`coach`: the command line. A thin edge over the core: parse arguments, call, print.

Expected faults become one line on stderr and an exit code (2: bad input, 1: the coach cannot
work yet), never a traceback, with or without --json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import textwrap
import time

from coach.errors import BadInputError, CoachError
from coach.settings import Settings, settings_or_error
from coach.text import without_controls


class _UsageError(Exception):
    """The command line doesn't parse (argparse's message)."""


class _Parser(argparse.ArgumentParser):
    """argparse, its errors raised as one line for `main` to print, never its usage block."""

    def error(self, message: str):  # type: ignore[override]
        # One line, whatever the arguments hold: a line break in one is shown as "\\n".
        raise _UsageError(" ".join(message.replace("\n", "\\n").split()))


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="coach",
        description="A career coach that answers only from its career guides.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    index = sub.add_parser("index", help="build or update the search index from corpus/")
    index.add_argument("--rebuild", action="store_true", help="start from scratch")
    index.add_argument("--json", action="store_true", help="print a JSON report")
    index.add_argument(
        "--strict",
        action="store_true",
        help="stop (exit 2) at a guide file that can't be used, instead of skipping it",
    )
    index.add_argument(
        "--no-states",
        action="store_true",
        help="don't have the embedded model read the guides now (the chat page does it behind itself)",
    )

    retrieve = sub.add_parser("retrieve", help="show the guide passages found for a question")
    retrieve.add_argument("turns", nargs="+", metavar="TURN", help="user turns, oldest first")
    retrieve.add_argument("-k", type=int, default=None, help="how many passages (default 4)")
    retrieve.add_argument("--json", action="store_true", help="print JSON")

    ask = sub.add_parser("ask", help="answer a question (or a conversation) from the guides")
    ask.add_argument("turns", nargs="+", metavar="TURN", help="user turns, oldest first")
    ask.add_argument("--json", action="store_true", help="print JSON")

    facts = sub.add_parser("facts", help="print the facts read from the guides, with their spans")
    facts.add_argument(
        "guide", nargs="?", metavar="GUIDE", help="one guide: a file name in the corpus folder"
    )
    facts.add_argument("--json", action="store_true", help="print JSON")

    compare = sub.add_parser(
        "compare", help="two or three transitions side by side, every value with its place in the guide"
    )
    compare.add_argument(
        "transitions",
        nargs="+",
        metavar="TRANSITION",
        help='a transition named loosely: "backend to deep learning", "DL engineer to architect"',
    )
    compare.add_argument("--json", action="store_true", help="print JSON")

    plan = sub.add_parser("plan", help="a dated week-by-week plan from a guide's roadmap, in your hours")
    plan.add_argument("transition", metavar="TRANSITION", help='e.g. "backend to deep learning"')
    plan.add_argument("--hours", type=float, required=True, help="hours a week you can spend")
    plan.add_argument("--start", metavar="YYYY-MM-DD", help="the first day (default: today)")
    plan.add_argument(
        "--have", action="append", default=[], metavar="SKILL", help="a skill you already have (repeatable)"
    )
    plan.add_argument("--json", action="store_true", help="print JSON")
    plan.add_argument("--markdown", metavar="FILE", help="also write the plan as Markdown")
    plan.add_argument("--ics", metavar="FILE", help="also write the plan as an iCalendar (.ics) file")

    pay = sub.add_parser("pay", help="every pay figure the guides state, as written, with its source")
    pay.add_argument("--json", action="store_true", help="print JSON")
    pay.add_argument("--chart", metavar="FILE", help="also draw the stated ranges into this PNG file")

    sub.add_parser("serve", help="start the embedded local model server (if not running)")
    sub.add_parser("stop", help="stop the embedded local model server")
    return parser


def validate_turns(turns: list[str], max_chars: int, max_turns: int | None = None) -> list[str]:
    """Check the user's turns; the last one is the question. Raises BadInputError. Control
    characters become spaces: echoed to a terminal they would be commands."""
    if max_turns is not None and len(turns) > max_turns:
        raise BadInputError(
            f"{len(turns)} turns were given; the limit is {max_turns} (COACH_MAX_TURNS). Give fewer turns."
        )
    cleaned = []
    for turn in turns:
        try:
            turn.encode("utf-8")
        except UnicodeEncodeError:
            raise BadInputError(
                "The question is not valid UTF-8 text. Retype it or set a UTF-8 locale (e.g. LANG=C.UTF-8)."
            ) from None
        if len(turn) > max_chars:
            raise BadInputError(
                f"The question is {len(turn)} characters long; the limit is {max_chars}. Ask a shorter question."
            )
        cleaned.append(without_controls(turn).strip())
    if not cleaned[-1]:
        raise BadInputError(
            'The question is empty. Ask a question, e.g. coach retrieve "How long does the transition take?"'
        )
    return cleaned


def _cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from coach.backends import backend_for
    from coach.embeddings import MiniLMEmbedder
    from coach.store import build_index

    embedder = MiniLMEmbedder(settings.embedding_model_dir)
    report = build_index(settings, embedder, rebuild=args.rebuild, strict=args.strict)
    for line in report.skipped:
        print(f"coach: {line}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.__dict__))
    else:
        state = "updated" if report.changed else "already up to date"
        print(
            f"Index {state}: {report.guides} guides, {report.chunks} chunks "
            f"({report.embedded} embedded, {report.reused} reused, {report.removed} removed) "
            f"in {backend_for(settings).where}"
        )
    if not args.no_states and not settings.llm_base_url:
        _keep_states(settings, embedder, quiet=args.json)
    return 0


def _keep_states(settings: Settings, embedder, quiet: bool) -> None:
    """Have the embedded model read each guide once and keep its state (skipped when the layout
    reads no whole guide); progress on stderr."""
    from coach.kept import GUIDE_LAYOUTS
    from coach.session import build_coach

    if settings.model_context not in GUIDE_LAYOUTS:
        return
    coach = build_coach(settings, embedder)
    started = time.monotonic()

    def progress(done: int, of: int, guide: str) -> None:
        if not quiet:
            print(
                f"Model states: {done}/{of} guides kept ({guide}), {time.monotonic() - started:.0f} s",
                file=sys.stderr,
            )

    read = coach.keep_states(progress)
    if not quiet:
        print(f"Model states: {read} read now, the others already kept")


def _cmd_retrieve(args: argparse.Namespace, settings: Settings) -> int:
    from coach.condense import needs_rewrite, standalone_question
    from coach.retrieve import Retriever

    turns = validate_turns(args.turns, settings.max_question_chars, settings.max_turns)
    k = settings.top_k if args.k is None else args.k
    if not 1 <= k <= 50:
        raise BadInputError(f"-k must be between 1 and 50, not {k}.")
    retriever = Retriever.open(settings)
    query = turns[-1]
    # Earlier turns stand in for the conversation; retrieve produces no answers of its own. The
    # guides the latest earlier turn naming a move is about are preferred.
    history = [(t, "") for t in turns[:-1]]
    prefer = next((p for t in reversed(turns[-3:-1]) if (p := retriever.preferred(t))), ())
    if needs_rewrite(query, history):
        from coach.llm_server import chat_model

        query = standalone_question(chat_model(settings), history, query)
    passages = retriever.search(query, k=k, prefer=prefer)
    if args.json:
        print(json.dumps({"query": query, "passages": [p.to_json() for p in passages]}, ensure_ascii=False))
        return 0
    print(f"Query: {query}\n")
    for n, p in enumerate(passages, start=1):
        print(f"[{n}] {p.chunk.title}\n    {p.chunk.section}  (score {p.score:.4f})")
        print(textwrap.indent(p.chunk.text, "    | "), end="\n\n")
    return 0


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from coach.session import Session, build_coach

    turns = validate_turns(args.turns, settings.max_question_chars, settings.max_turns)
    if any(not t for t in turns):
        raise BadInputError("One of the turns is empty. Give every turn some text.")
    coach = build_coach(settings)
    session = Session()
    for turn in turns[:-1]:
        session.ask(coach, turn)
    if args.json:
        print(json.dumps(session.ask(coach, turns[-1]).to_json(), ensure_ascii=False))
        return 0
    answer = _print_streamed(session, coach, turns[-1])
    if answer.not_covered:
        print(f"\n{answer.not_covered}")
    if answer.note:
        print(f"\n({answer.note})")
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            print(f"[{c.n}] {c.title}\n    {c.section}")
    return 0


def _print_streamed(session, coach, question: str, width: int = 100):
    """Print each checked sentence of the answer as soon as it is ready, its markers numbered
    as the passages are (the chat page's numbers, which the sources listed after it keep), wrapped at `width`; return
    the final answer. Should the coach withdraw what it streamed (most of the draft failed the
    checker), the refusal follows, saying so; should the model stop in the middle of the answer,
    a line says that what was printed is incomplete (the error itself goes to stderr)."""
    from coach.answer import Answer, with_markers
    from coach.llm import LLMUnavailableError
    from coach.verify import CheckedSentence

    column = 0
    try:
        for event in session.stream(coach, question):
            if isinstance(event, CheckedSentence):
                for word in with_markers(event.text, [i + 1 for i in event.sources]).split():
                    if column and column + 1 + len(word) > width:
                        sys.stdout.write("\n")
                        column = 0
                    sys.stdout.write(f"{' ' if column else ''}{word}")
                    column += len(word) + (1 if column else 0)
                sys.stdout.flush()
            elif isinstance(event, Answer):
                if event.refused and column:
                    print("\n\n(Withdrawn: most of what the model drafted was not in the guides.)")
                if event.refused or not column:
                    print(textwrap.fill(event.answer, width=width))
                else:
                    print()
                return event
    except LLMUnavailableError:
        if column:
            print("\n\n(Interrupted: the model stopped, so the answer above is incomplete.)", flush=True)
        raise
    raise AssertionError("Coach.stream ends with an Answer")


def _cmd_facts(args: argparse.Namespace, settings: Settings) -> int:
    from coach.facts import corpus_facts, fact_json, fact_lines

    by_guide = corpus_facts(settings.corpus_dir, settings.chunk_chars, args.guide, settings.max_guide_bytes)
    if args.json:
        out = {"guides": [{"source": g, "facts": [fact_json(f) for f in fs]} for g, fs in by_guide.items()]}
        print(json.dumps(out, ensure_ascii=False))
        return 0
    for source, facts in by_guide.items():
        print(f"== {source} ({len(facts)} facts; [start:end] are character offsets into the file)")
        for fact in facts:
            print("\n".join(fact_lines(fact)))
    return 0


def _guides(settings: Settings):
    """The guides' facts and the names they use, read from the corpus (no index or model needed)."""
    from coach.chunking import load_corpus
    from coach.facts import corpus_facts
    from coach.terms import GuideTerms

    facts = corpus_facts(settings.corpus_dir, settings.chunk_chars, max_bytes=settings.max_guide_bytes)
    return facts, GuideTerms.of(
        load_corpus(settings.corpus_dir, settings.chunk_chars, max_bytes=settings.max_guide_bytes)[1]
    )


def _cmd_compare(args: argparse.Namespace, settings: Settings) -> int:
    from coach.compare import compare, resolve, table_text

    if not 2 <= len(args.transitions) <= 3:
        raise BadInputError(f"Name two or three transitions to compare, not {len(args.transitions)}.")
    facts, terms = _guides(settings)
    subjects = [resolve(name, facts, terms) for name in validate_turns(args.transitions, 200)]
    if len({s.name for s in subjects}) < len(subjects):
        raise BadInputError("Two of the names mean the same transition. Name different ones.")
    columns = compare(subjects, facts)
    if args.json:
        print(json.dumps({"transitions": [c.to_json() for c in columns]}, ensure_ascii=False))
    else:
        print(table_text(columns))
    return 0


def _cmd_plan(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import date

    from coach.compare import resolve
    from coach.plan import ics, make_plan, markdown

    try:
        start = date.fromisoformat(args.start) if args.start else date.today()
    except ValueError:
        raise BadInputError(f"The start date {args.start!r} is not a date. Write it as YYYY-MM-DD.") from None
    facts, terms = _guides(settings)
    subject = resolve(validate_turns([args.transition], 200)[0], facts, terms)
    have = [h.strip() for h in args.have if h.strip()]
    plan = make_plan(subject, facts[subject.guide], args.hours, start, settings.plan_week_hours, have)
    for path, text in ((args.markdown, markdown(plan)), (args.ics, ics(plan))):
        if path:
            _write_whole(path, text)
    if args.json:
        print(json.dumps(plan.to_json(), ensure_ascii=False))
    else:
        print(markdown(plan), end="")
    return 0


def _write_whole(path: str, text: str) -> None:
    """Write a file the user asked for, whole or not at all (a crash leaves no half file)."""
    from pathlib import Path

    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8", newline="")
        os.replace(partial, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise BadInputError(f"Can't write {path}: {exc.strerror}. Give another path.") from None


def _cmd_pay(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from coach.facts import corpus_facts
    from coach.pay import chart, pay_rows, table_text

    rows = pay_rows(
        corpus_facts(settings.corpus_dir, settings.chunk_chars, max_bytes=settings.max_guide_bytes)
    )
    if args.chart:
        target = Path(args.chart)
        if target.suffix.lower() != ".png" or target.is_dir():
            raise BadInputError(
                f"The chart is a PNG file: give a file name ending in .png, not {args.chart}."
            )
        try:
            chart(rows, target)
        except OSError as exc:
            raise BadInputError(
                f"Can't write the chart to {args.chart}: {exc.strerror}. Give another path."
            ) from None
    if args.json:
        print(json.dumps({"pay": [r.to_json() for r in rows]}, ensure_ascii=False))
    else:
        print(table_text(rows))
        if args.chart:
            print(f"\nChart written to {args.chart}")
    return 0


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from coach.llm_server import start_local_server

    if settings.llm_base_url:
        print(f"COACH_LLM_BASE_URL is set ({settings.llm_base_url}): no local server is needed.")
        return 0
    print(f"Local model server running at {start_local_server(settings)}")
    return 0


def _cmd_stop(args: argparse.Namespace, settings: Settings) -> int:
    from coach.llm_server import stop_local_server

    print(
        "Local model server stopped." if stop_local_server(settings) else "No local model server was running."
    )
    return 0


COMMANDS = {
    "index": _cmd_index,
    "retrieve": _cmd_retrieve,
    "ask": _cmd_ask,
    "facts": _cmd_facts,
    "compare": _cmd_compare,
    "plan": _cmd_plan,
    "pay": _cmd_pay,
    "serve": _cmd_serve,
    "stop": _cmd_stop,
}


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except _UsageError as exc:
        turns = "unrecognized" in str(exc) or "TURN" in str(exc)  # a question read as an option
        dash = "; put `--` before a question that starts with '-'" if turns else ""
        print(f"coach: {exc}. See `coach --help`{dash}.", file=sys.stderr)
        return 2
    settings = settings_or_error("coach")
    if settings is None:
        return 2
    try:
        return COMMANDS[args.command](args, settings)
    except CoachError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("coach: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped early (`coach facts | head`): not a fault
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
