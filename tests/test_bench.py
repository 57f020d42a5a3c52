"""The benchmark's parts: the tutorial recipe as built, the timing of each pipeline, the
statistics and the report. The model is faked; `make bench` runs the real one."""

from __future__ import annotations

import json
import re

from bench.recipe import CHUNK_SIZE, Recipe
from bench.run import FirstToken, Timing, coach_timing, markdown, plot, recipe_timing, stats, summary
from coach.prompts import fixed_messages
from coach.settings import PROJECT_ROOT
from evals.faithfulness import Case
from evals.prompt_size import NewTokens
from tests.fake_llm import PYTORCH_Q, scripted


def case(turns: list[str], facts: list[list[str]], kind: str = "fact") -> Case:
    return Case("b1", "test", kind, "", turns, facts, None, [], "answer", [], "", [])


def timing(path: str, first: float, total: float, ok: bool | None, turns: int = 1, id: str = "x") -> Timing:
    return Timing(id, "fact", turns, path, 0.05, first, first, total, 0 if path == "facts" else 200, ok)


def test_the_recipe_stuffs_four_chunks_into_langchains_prompt_and_sends_the_history(coach_with, embedder):
    coach, fake = coach_with(lambda messages: "Six weeks on PyTorch.")
    recipe = Recipe(PROJECT_ROOT / "corpus", coach.model, 220, embedder)
    stored = recipe.collection.get()["documents"]
    assert max(len(text) for text in stored) <= CHUNK_SIZE
    assert len(recipe.retrieve(PYTORCH_Q)) == 4
    last = recipe.conversation(["How long is the backend move?", PYTORCH_Q])
    sent = fake.requests[-1]["messages"]
    assert sent[0]["content"].startswith(
        "Use the following pieces of context to answer the user's question. \n"
        "If you don't know the answer, just say that you don't know, don't try to make up an answer.\n"
        "----------------\n"
    )
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert sent[1]["content"] == "How long is the backend move?"
    assert sent[2]["content"] == "Six weeks on PyTorch."
    assert fake.requests[-1]["max_tokens"] == 220
    assert last.answer == "Six weeks on PyTorch."
    assert 0 < last.sources_s <= last.first_token_s <= last.total_s


def test_each_pipeline_is_timed_and_graded_on_the_same_question(coach_with, embedder):
    coach_reply = scripted()

    def reply(messages: list[dict]) -> str:
        """The coach's prompt gets the scripted answer; the recipe's, a wrong one."""
        return coach_reply(messages) if "Passages:" in messages[-1]["content"] else "About ten weeks."

    coach, fake = coach_with(reply)
    model = FirstToken(coach.model)
    coach.model = model
    question = case([PYTORCH_Q], [["6 weeks", "six weeks"]])
    words = NewTokens(lambda text: len(text.split()))
    ours = coach_timing(coach, model, question, words)
    assert (ours.path, ours.correct, ours.prompt_tokens) == ("facts", True, 0)
    assert ours.first_token_s == ours.first_sentence_s and ours.sources_s <= ours.first_token_s
    assert fake.requests == []  # answered from the facts
    coach.facts = {}
    by_model = coach_timing(coach, model, question, words)
    assert (by_model.path, by_model.correct) == ("model", True)
    asked = fake.requests[-1]["messages"]
    assert by_model.prompt_tokens == sum(len(m["content"].split()) for m in asked[len(fixed_messages()) :])
    assert model.first[-1] is not None  # the answer request's first piece was timed
    assert by_model.sources_s < by_model.first_token_s < by_model.first_sentence_s <= by_model.total_s

    recipe = Recipe(PROJECT_ROOT / "corpus", model, 220, embedder)
    theirs = recipe_timing(recipe, question, lambda text: len(text.split()))
    assert (theirs.path, theirs.correct) == ("model", False)
    assert theirs.prompt_tokens > 100


def test_stats_give_medians_percentiles_and_ratios_per_path():
    coach = [
        timing("facts", 0.1, 0.1, True, id="a"),
        timing("facts", 0.2, 0.2, True, id="b"),
        timing("model", 3.0, 6.0, False, 2, id="c"),
    ]
    baseline = [
        timing("model", t, t + 4, ok, id=i)
        for t, ok, i in ((8.0, True, "a"), (10.0, False, "b"), (12.0, None, "c"))
    ]
    report = summary(coach, baseline)
    assert report["coach"]["ttft_s_median"] == 0.2
    assert report["coach"]["correctness"] == round(2 / 3, 3)
    assert report["coach"]["by_path"]["model"]["n"] == 1
    assert report["coach"]["follow_ups"]["total_s_median"] == 6.0
    assert report["baseline"]["ttft_s_p90"] == 11.6
    assert report["baseline"]["correctness"] == 0.5
    assert report["ratios"]["ttft_s_median"] == 0.02
    assert report["ratios"]["model_path_ttft_s_median"] == 0.3  # 3.0 s against the recipe's 10.0 s
    # ... and against the recipe on the questions the coach's model answered (c: 12.0 s).
    assert report["ratios"]["model_path_ttft_vs_same_questions"] == 0.25
    assert report["baseline"]["by_path"]["facts"]["ttft_s_median"] == 9.0
    assert report["coach"]["by_path"]["follow-ups, model path"]["n"] == 1
    assert summary(coach, [])["ratios"]["ttft_s_median"] is None  # nothing to divide by
    assert stats([])["ttft_s_median"] is None


def test_the_report_is_a_table_and_a_plot(tmp_path):
    coach = [timing("facts", 0.1, 0.1, True), timing("model", 3.0, 6.0, True)]
    baseline = [timing("model", 9.0, 14.0, True), timing("model", 11.0, 15.0, False)]
    report = {
        "split": "test", "questions": 2, **summary(coach, baseline), "memory_pss_mb": {"model server": 2048.0},
        "machine": {"cpu": "cpu", "cores": 2, "memory_gib": 23.5, "python": "3.11"},
    }  # fmt: skip
    table = markdown(report)
    assert "| first token, median | 1.55 s | 10.00 s | 0.15 |" in table
    assert "| correctness | 100% | 50% | — |" in table
    assert "model server 2048 MB" in table
    json.dumps(report)
    plot(coach, baseline, tmp_path / "plot.png")
    assert (tmp_path / "plot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_saved_run_is_redrawn_and_a_missing_one_is_a_one_line_error(tmp_path, capsys):
    from dataclasses import asdict

    from bench.run import main

    coach = [timing("facts", 0.1, 0.1, True, id="a"), timing("model", 3.0, 6.0, True, id="b")]
    baseline = [timing("model", 9.0, 14.0, True, id="a"), timing("model", 11.0, 15.0, False, id="b")]
    saved = {
        "split": "test", "questions": 2, "machine": {"cpu": "cpu", "cores": 2, "memory_gib": 23.5, "python": "3.11"},
        "per_question": {"coach": [asdict(t) for t in coach], "baseline": [asdict(t) for t in baseline]},
    }  # fmt: skip
    (tmp_path / "latest.json").write_text(json.dumps(saved))
    assert main(["--report", "--out", str(tmp_path)]) == 0
    table = (tmp_path / "latest.md").read_text()
    assert "| model | 1 | 3.00 s | 3.00 s | 3.00 s | 6.00 s | 200 | 100% | 11.00 s | 0.27 |" in table
    assert "The model path's first token / the recipe's: 0.3 (on the same questions: 0.273);" in table
    assert (tmp_path / "latest.png").stat().st_size > 1000
    assert main(["--report", "--out", str(tmp_path / "none")]) == 1
    assert capsys.readouterr().err.startswith("bench: no readable run in ")


def test_each_context_variant_sends_the_model_what_it_names(coach_with):
    from bench.context import model_cases, table, use

    coach, fake = coach_with(scripted(), facts=False)
    question = case([PYTORCH_Q], [["6 weeks", "six weeks"]])
    assert model_cases(coach, [question]) == [question]
    assert fake.requests == []  # finding the cases that reach the model asks it nothing
    sent, examples = {}, {}
    for variant in ("passages", "grouped", "top2", "lead1", "excerpts"):
        use(coach, variant)
        coach.warm_up()  # the server is primed with the fixed part the variant is sent after
        warmed = fake.requests[-1]["messages"][1]["content"]
        assert warmed.startswith("Passages:\nGuide: ") == (variant == "grouped")
        assert coach.settings.model_context == ("grouped" if variant == "grouped" else "passages")
        coach.ask(PYTORCH_Q)
        sent[variant] = fake.requests[-1]["messages"][-1]["content"]
        examples[variant] = fake.requests[-1]["messages"][1]["content"]
    numbers = {v: [n for n in range(1, 5) if f"\n[{n}] " in "\n" + text] for v, text in sent.items()}
    assert numbers["passages"] == numbers["grouped"] == [1, 2, 3, 4]
    title = "From Backend Developer to Deep Learning Engineer: Your 9-Month Transition"
    assert sent["passages"].count(title) == 4 and sent["grouped"].count(title) == 1
    assert examples["grouped"].startswith("Passages:\nGuide: ")  # the worked examples laid out alike
    assert examples["passages"] == examples["lead1"] == examples["top2"]
    assert numbers["top2"] == [1, 2]
    first = sent["passages"].split("\n[2] ")[0]
    assert sent["lead1"].startswith(first)  # the first passage whole, as the coach sends it
    assert len(sent["lead1"]) < len(sent["passages"])  # the others cut to their excerpts
    assert len(sent["excerpts"]) < len(sent["lead1"])
    for variant in ("guide", "guide_hint"):  # the coach's own whole-guide layouts: nothing patched
        use(coach, variant)
        assert coach.settings.model_context == variant and "_generate" not in coach.__dict__
        coach.ask(PYTORCH_Q)
        sent[variant] = fake.requests[-1]["messages"][-1]["content"]
    guide = len(coach.guide_chunks["003_64d046e4da0a868d.txt"])
    assert len(re.findall(r"(?m)^\[\d+\] ", sent["guide"])) == guide and sent["guide_hint"].startswith(
        sent["guide"].split("Question:")[0]
    )
    assert "The passages nearest the question: [" in sent["guide_hint"] and "nearest" not in sent["guide"]
    rows = [
        {
            "split": "dev",
            "correct": True,
            "refused": False,
            "expect": "answer",
            "first_token": 2.0,
            "new_tokens": 200,
        },
        {
            "split": "dev",
            "correct": False,
            "refused": True,
            "expect": "answer",
            "first_token": 4.0,
            "new_tokens": 300,
        },
        {
            "split": "test",
            "correct": None,
            "refused": True,
            "expect": "refuse",
            "first_token": None,
            "new_tokens": 0,
        },
    ]
    rows[0] |= {
        "guide_read": "a.txt",
        "source": "a.txt",
        "claims_ok": [True, False],
        "verdicts": [True, True, False],
    }
    rows[1] |= {"guide_read": "b.txt", "source": "a.txt"}
    lines = table({"top2": rows}).splitlines()
    assert lines[2] == "| top2 | dev | 2 | 250.0 | 3.00 s | 1/2 | 1/2 | 0/0 | 1/2 | 2/3 | 1/2 |"
    assert lines[3] == "| top2 | test | 1 | 0 | — | 0/0 | 0/0 | 1/1 | — | — | — |"
