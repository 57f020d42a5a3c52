"""`coach plan`: a dated week-by-week plan from a guide's roadmap, in the user's hours, every task cited."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest

from coach.chunking import load_corpus
from coach.cli import main
from coach.compare import resolve
from coach.facts import corpus_facts
from coach.plan import make_plan
from coach.terms import GuideTerms
from tests.conftest import CORPUS

START = date(2027, 1, 4)  # a Monday


@pytest.fixture(scope="module")
def guides():
    return corpus_facts(CORPUS, 900), GuideTerms.of(load_corpus(CORPUS, 900)[1])


def test_a_plan_at_20_hours_with_a_skill_already_had(capsys):
    code = main(
        ["plan", "backend to DL", "--hours", "20", "--start", "2027-01-04", "--have", "PyTorch", "--json"]
    )
    plan = json.loads(capsys.readouterr().out)
    assert code == 0 and plan["transition"] == "Backend Developer → Deep Learning Engineer"
    assert "A guide week is taken as 40 hours of work" in plan["assumption"]
    # 8, 6, 10, 4, 4 guide weeks at 2 calendar weeks each; PyTorch drops one of phase 2's three tasks
    # and one of phase 4's three, which keep 2/3 of their weeks: 8 and ceil(5.33) = 6.
    assert [(p["guide_weeks"]["value"], p["calendar_weeks"]) for p in plan["phases"]] == [
        ("8 weeks", 16),
        ("6 weeks", 8),
        ("10 weeks", 20),
        ("4 weeks", 6),
        ("4 weeks", 8),
    ]
    assert [d["task"]["value"] for p in plan["phases"] for d in p["dropped"]] == [
        "Complete 'PyTorch for Deep Learning' course on Udemy",
        "Experiment with distributed training using PyTorch DDP on a multi-GPU instance",
    ]
    assert plan["total_weeks"]["value"] == 58 and len(plan["weeks"]) == 58
    assert (plan["start"], plan["end"]) == ("2027-01-04", "2028-02-13")
    first = plan["weeks"][0]
    assert (first["start"], first["end"], first["phase"]) == ("2027-01-04", "2027-01-10", 1)
    assert [t["value"] for t in first["tasks"]] == [
        "Complete the 'Mathematics for Machine Learning' specialization on Coursera"
    ]
    assert [r["value"] for r in first["resources"]] == [
        "Coursera: Mathematics for Machine Learning",
        "Book: 'Python Data Science Handbook' by Jake VanderPlas",
    ]
    assert [g["value"] for g in plan["guide_states"]] == ["9-12 months", "9-Month"]


@pytest.mark.parametrize("hours", [5, 13, 40, 80])
def test_every_value_of_every_plan_is_at_its_span_and_the_weeks_add_up(guides, hours):
    facts, terms = guides
    planned = 0
    for name in ("backend to DL", "DL to MLE", "DL engineer to AI architect"):
        subject = resolve(name, facts, terms)
        plan = make_plan(subject, facts[subject.guide], hours, START, 40.0, ["Docker"])
        raw = (CORPUS / subject.guide).read_text(encoding="utf-8")
        data = plan.to_json()
        spans = [p["title"] for p in data["phases"]] + [p["guide_weeks"] for p in data["phases"]]
        spans += [v for w in data["weeks"] for v in (*w["tasks"], *w["resources"])]
        assert all(raw[v["start"] : v["end"]] == v["value"] for v in spans)
        done, ended = 0.0, 0
        for p in plan.phases:
            share = len(p.kept) / len(p.phase.tasks)
            # each phase ends in the week its work so far runs into, a week at least after the last
            done += p.guide_weeks * share * 40 / hours
            assert ended + p.calendar_weeks == max(math.ceil(done - 1e-9), ended + 1)
            ended += p.calendar_weeks
            assert {t.text for t in p.kept} | {t.text for t, _ in p.dropped} == {
                t.text for t in p.phase.tasks
            }
            # every task left to do is in the plan, in the guide's order, in its own phase's weeks
            shown = [t for w in plan.weeks if w.phase is p.phase for t in w.tasks]
            assert list(dict.fromkeys(shown)) == list(p.kept)
        assert len(plan.weeks) == sum(p.calendar_weeks for p in plan.phases)
        assert [w.start for w in plan.weeks][:2] == [START, date(2027, 1, 11)]
        planned += 1
    assert planned == 3


def test_hours_that_don_t_divide_a_guide_week_round_the_plan_once(guides):
    facts, terms = guides
    subject = resolve("DL to MLE", facts, terms)
    plan = make_plan(subject, facts[subject.guide], 25, START, 40.0)
    # 4, 6, 4, 3, 3 guide weeks are 160 ... 800 hours; at 25 a week they end in weeks 7 (6.4),
    # 16, 23 (22.4), 28 (27.2) and 32: 800 / 25, where rounding each phase up gave 34.
    assert [p.calendar_weeks for p in plan.phases] == [7, 9, 7, 5, 4]
    assert len(plan.weeks) == 32


def test_markdown_and_calendar_files(tmp_path, capsys):
    md, cal = tmp_path / "plan.md", tmp_path / "plan.ics"
    code = main(
        [
            "plan",
            "DL to MLE",
            "--hours",
            "40",
            "--start",
            "2027-01-04",
            "--markdown",
            str(md),
            "--ics",
            str(cal),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and out == md.read_text(encoding="utf-8")
    assert out.startswith("# Plan: Deep Learning Engineer → Machine Learning Engineer\n")
    assert (
        'The roadmap\'s phases add up to 20 guide weeks; the guide also states "4-Month" (its title).' in out
    )
    assert "## Week 1 · 04 Jan – 10 Jan 2027 · Phase 1: Foundation Building" in out
    data = cal.read_bytes()
    lines = data.decode("utf-8").split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2:] == ["END:VCALENDAR", ""]
    assert data.count(b"BEGIN:VEVENT") == 20 and all(len(line.encode()) <= 75 for line in lines)
    assert "DTSTART;VALUE=DATE:20270104" in lines and "DTEND;VALUE=DATE:20270111" in lines
    assert "SUMMARY:Week 1: Phase 1 – Foundation Building" in lines
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["AI engineer path", "--hours", "10"], "The AI Engineer path guide has no week-by-week roadmap"),
        (
            ["DL to MLE", "--hours", "0"],
            "Give the hours a week you can spend as a number from 1 to 80, not 0.",
        ),
        (
            ["DL to MLE", "--hours", "5", "--start", "2027-13-01"],
            "The start date '2027-13-01' is not a date.",
        ),
        (
            ["DL to MLE", "--hours", "5", "--ics", "/nonexistent/plan.ics"],
            "Can't write /nonexistent/plan.ics",
        ),
    ],
)
def test_plan_faults_are_one_line_and_exit_2(argv, error, capsys):
    assert main(["plan", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"coach: {error}") and err.count("\n") == 1
