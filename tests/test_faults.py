"""Faults from outside: `coach index` killed with SIGKILL at random points. Every time, the index a
query opens is a complete one, and the next run repairs what the kill left."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time

from coach.settings import Settings
from coach.store import open_index
from tests.conftest import CORPUS

GUIDE = "001_4c8e3eb882205519.txt"


def index_command(settings: Settings) -> tuple[list[str], dict]:
    env = {
        **os.environ,
        "COACH_CORPUS_DIR": str(settings.corpus_dir),
        "COACH_INDEX_DIR": str(settings.index_dir),
    }
    return [sys.executable, "-m", "coach.cli", "index"], env


def change(guide, mark: str) -> None:
    """Mark a roadmap task: the chunks holding it change, so the next run must write a new store."""
    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace("Update resume", f"Update resume {mark}", 1), encoding="utf-8")


def test_index_killed_at_random_points_is_never_half_used_and_the_next_run_repairs_it(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    command, env = index_command(settings)
    subprocess.run(command, env=env, check=True, capture_output=True)
    guide = corpus / GUIDE
    runs = []
    for mark in ("(first change)", "(second change)"):
        change(guide, mark)
        started = time.monotonic()
        subprocess.run(command, env=env, check=True, capture_output=True)
        runs.append(time.monotonic() - started)
    update_run = min(runs)  # start-up, then the changed chunks embedded and written
    rng = random.Random(15)
    kills = indexed = 0
    for n in range(6):
        # Each round changes one guide, so the run must write a new store; it is killed somewhere
        # between starting up and finishing that write.
        change(guide, f"(round {n})")
        run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 0.9) * update_run)
        if run.poll() is None:
            os.kill(run.pid, signal.SIGKILL)
            kills += 1
        run.wait()
        # What a query opens now is a complete index (open_index checks the store against its
        # manifest): the one from before this round's change, or from after it.
        notes = max(c.text.count("(round ") for c in open_index(settings, embedder).chunks)
        assert indexed <= notes <= n + 1
        indexed = notes
    assert kills >= 4  # most rounds were really killed mid-run
    repaired = subprocess.run(command, env=env, capture_output=True, text=True)
    assert repaired.returncode == 0, repaired.stderr
    again = subprocess.run(command, env=env, capture_output=True, text=True)
    assert again.stdout.startswith("Index already up to date")
    # The live store and at most the one it replaced: whatever the kills left is gone.
    stores = sorted(p.name for p in settings.index_dir.glob("store-*"))
    assert 1 <= len(stores) <= 2
    index = open_index(settings, embedder)
    assert index.manifest["fingerprint"]
    assert any("Update resume (round 5)" in c.text for c in index.chunks)
