"""How fast the embedded model reads a prompt at each micro-batch size, measured in-process: the
first TOKENS tokens of a guide evaluated from an empty context, RUNS times per size, with the
server's threads and batch (COACH_LLM_THREADS, 512).

`python -m bench.batch [--ubatch 512,256,128,64]` prints the median per size. It measures; it
changes nothing in the coach.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from coach.chunking import guide_files
from coach.errors import CoachError
from coach.llm_server import check_local_model
from coach.model_files import model_path
from coach.settings import load_settings

TOKENS = 430  # about what the model path reads after the fixed part of the prompt
RUNS = 5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.batch")
    parser.add_argument("--ubatch", default="512,256,128,64", help="micro-batch sizes, comma-separated")
    sizes = [int(s) for s in parser.parse_args(argv).ubatch.split(",")]
    settings = load_settings()
    try:
        check_local_model(settings)
        guide = guide_files(settings.corpus_dir)[0].read_text(encoding="utf-8")
    except CoachError as exc:
        print(f"bench.batch: {exc}", file=sys.stderr)
        return exc.exit_code
    from llama_cpp import Llama  # the embedded model's runtime; only this measurement loads it here

    print(f"{TOKENS} prompt tokens, {RUNS} runs per size, {settings.llm_threads} threads, batch 512")
    for size in sizes:
        llm = Llama(
            model_path=str(model_path(settings.models_dir)),
            n_ctx=settings.llm_context,
            n_threads=settings.llm_threads,
            n_batch=512,
            n_ubatch=size,
            logits_all=False,
            verbose=False,
        )
        tokens = llm.tokenize(guide.encode())[:TOKENS]
        times = []
        for _ in range(RUNS):
            llm.reset()
            start = time.perf_counter()
            llm.eval(tokens)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"n_ubatch {size:>4}: {median:.2f} s median ({TOKENS / median:.0f} tokens/s); runs {runs}")
        llm.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
