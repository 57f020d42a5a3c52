"""Probe the real configured model: answers to the retrieval golden questions, refusals of
questions the guides don't cover, and follow-ups. Prints each case and a summary.

A golden question counts as stating its fact when the answer contains the case's last phrase
(a strict, literal test: a correct answer in other words counts as a miss). Run with the model
server reachable (the embedded one starts by itself): `python -m evals.probe_answers`.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from evals.retrieval import load_cases

PROBE = Path(__file__).with_name("answer_probe.jsonl")


def main() -> int:
    from coach.session import ask_all, build_coach
    from coach.settings import apply_process_switches, load_settings

    apply_process_switches()
    settings = load_settings()
    coach = build_coach(settings)
    seconds: list[float] = []
    stated = false_refusals = removed = 0
    cases = load_cases()
    for case in cases:
        started = time.perf_counter()
        answer = coach.ask(case.question)
        seconds.append(time.perf_counter() - started)
        hit = case.phrases[-1].lower() in answer.answer.lower()
        stated += hit
        false_refusals += answer.refused
        removed += len(answer.removed)
        flag = "REFUSED" if answer.refused else ("stated " if hit else "missed ")
        print(f"{case.id} {flag} {seconds[-1]:5.1f}s {case.question}\n    -> {answer.answer}", flush=True)
    probes = [json.loads(line) for line in PROBE.read_text().splitlines() if line.strip()]
    refused = follow_hits = 0
    unanswerable = [p for p in probes if p["kind"] == "unanswerable"]
    follow_ups = [p for p in probes if p["kind"] == "follow-up"]
    for probe in unanswerable + follow_ups:
        started = time.perf_counter()
        answer = ask_all(coach, probe["turns"])
        took = time.perf_counter() - started
        if probe["kind"] == "unanswerable":
            refused += answer.refused
            flag = "refused " if answer.refused else "ANSWERED"
        else:
            ok = probe["expect"] in answer.answer
            follow_hits += ok
            flag = "stated " if ok else "missed "
        print(
            f"{probe['kind']} {flag} {took:5.1f}s {probe['turns'][-1]} [query: {answer.query}]\n    -> {answer.answer}",
            flush=True,
        )
    n = len(cases)
    print(
        f"\ngolden questions: stated the expected phrase {stated}/{n}, refused {false_refusals}/{n} "
        f"(false refusals), {removed} sentences removed by the checker; "
        f"seconds per answer: median {statistics.median(seconds):.1f}, max {max(seconds):.1f}\n"
        f"unanswerable refused {refused}/{len(unanswerable)}; follow-ups stated {follow_hits}/{len(follow_ups)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
