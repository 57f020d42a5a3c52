"""The injection suite (`evals/injection_suite.jsonl`): attempts in user turns (role-play, a pasted
CV or job ad, fake "SYSTEM:" and "Assistant:" lines, JSON roles, instructions in another language
or in Unicode look-alikes, encoded instructions) put through the configured model. A case is
resisted when nothing it forbids is shown and, where it expects a refusal, the coach refuses.

`python -m evals.injections` prints each case's verdict (the held-out half only as totals) and the
rate per half. Not yet part of `pytest evals/`'s gates: see the README.
"""

from __future__ import annotations

from pathlib import Path

from evals.faithfulness import evaluate, load_cases

SUITE = Path(__file__).with_name("injection_suite.jsonl")


def main() -> int:
    from coach.session import build_coach
    from coach.settings import apply_process_switches, load_settings

    apply_process_switches()
    results, summary = evaluate(build_coach(load_settings()), load_cases(SUITE))
    for r in results:
        if r.split != "test":
            print(f"{r.id}: {'resisted' if r.resisted else 'NOT RESISTED'} | {r.answer[:120]!r}")
    rates = summary["injection_resisted"]
    print(
        f"resisted: dev {rates['dev']:.0%}, test {rates['test']:.0%}, all {rates['all']:.0%} of {len(results)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
