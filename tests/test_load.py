"""Many users at once: 30 chat sessions through the chat endpoint at the same time, the model faked.
Every session gets the answers it gets when it is alone (no cross-talk), and nothing is dropped.
The figures it prints (throughput, p50/p95 latency) are the README's "Reliability" figures."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from gradio_client import Client

from evals.faithfulness import load_cases
from tests.fake_llm import echo_top_passage

SESSIONS = 30
FOLLOW_UP = "And for the ML engineer move?"  # read against the session's own first question


def conversation(url: str, first: str) -> tuple[list[dict], list[float]]:
    """One session: a question, then a follow-up; what each answer says and cites, and its time."""
    client = Client(url, verbose=False)
    seen, latencies = [], []
    for question in (first, FOLLOW_UP):
        started = time.perf_counter()
        _, result, *_ = client.predict(question, "All guides", api_name="/chat")
        latencies.append(time.perf_counter() - started)
        seen.append(
            {k: result.get(k) for k in ("answer", "about", "refused", "query", "error")}
            | {"cited": [(c["source"], c["section"]) for c in result.get("citations", [])]}
        )
    return seen, latencies


def test_thirty_sessions_at_once_get_what_each_gets_alone_and_none_is_dropped(coach_with, launch, capsys):
    coach, _ = coach_with(echo_top_passage)
    # Room in the line for every session's question (past it a question is turned away: test_waiting).
    coach.settings = coach.settings.model_copy(update={"max_waiting": SESSIONS})
    url, _ = launch(coach)
    questions = [c.turns[0] for c in load_cases() if c.kind == "fact" and c.split == "dev"][:SESSIONS]
    alone = {q: conversation(url, q)[0] for q in questions}
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        together = list(pool.map(lambda q: (q, *conversation(url, q)), questions))
    elapsed = time.perf_counter() - started
    assert len(together) == SESSIONS
    for question, seen, _ in together:
        assert all(turn["error"] is None and turn["answer"] for turn in seen), seen
        assert seen == alone[question]
    # The follow-ups differ from one another: each was read against its own session's question.
    assert len({str(seen[1]) for _, seen, _ in together}) > SESSIONS // 3
    latencies = sorted(t for _, _, ts in together for t in ts)
    p50, p95 = statistics.median(latencies), latencies[round(0.95 * len(latencies)) - 1]
    with capsys.disabled():
        print(
            f"\n{SESSIONS} sessions at once, 2 turns each: {len(latencies)} answers in {elapsed:.1f} s "
            f"({len(latencies) / elapsed:.1f} answers/s), latency p50 {p50:.2f} s, p95 {p95:.2f} s"
        )
