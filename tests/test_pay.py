"""`coach pay`: every pay figure the guides state, as written, each at its span, with its source."""

from __future__ import annotations

import json
import re

from coach.cli import main
from coach.facts import corpus_facts
from coach.pay import dollars, pay_rows
from tests.conftest import AI_ENGINEER, BACKEND_TO_DL, CORPUS, DL_TO_ARCHITECT

BLS = "U.S. Bureau of Labor Statistics, Occupational Outlook Handbook, Data Scientists, 2024"


def test_every_pay_figure_of_the_five_guides_as_written():
    rows = pay_rows(corpus_facts(CORPUS, 900))
    assert [(r.guide, r.who, r.kind, r.figure.text, r.as_of.text if r.as_of else None) for r in rows] == [
        (DL_TO_ARCHITECT, "salary change of the move", "change", "+20%", None),
        (BACKEND_TO_DL, "salary change of the move", "change", "+40%", None),
        (BACKEND_TO_DL, "Backend Developers", "pay", "$85k-$140k", None),
        (BACKEND_TO_DL, "Deep Learning Engineers", "pay", "$140k-$280k", None),
        (BACKEND_TO_DL, "increase", "change", "40-100%", None),
        (AI_ENGINEER, "median annual pay", "pay", "$108,020", "2024"),
        (AI_ENGINEER, "ML Engineering Manager / Head of AI", "pay", "Median $200,000-$300,000/year", None),
        (AI_ENGINEER, "Staff/Principal ML Engineer", "pay", "Median $250,000-$400,000/year", None),
        (AI_ENGINEER, "AI Research Scientist", "pay", "Median $150,000-$300,000/year", None),
        (AI_ENGINEER, "AI Product Manager", "pay", "Median $160,000-$250,000/year", None),
        (AI_ENGINEER, "AI Startup Founder", "pay", "Varies widely", None),
        (AI_ENGINEER, "Entry-level AI engineers", "pay", "$120,000-$160,000", None),
        (AI_ENGINEER, "Mid-level", "pay", "$160,000-$250,000", None),
        (AI_ENGINEER, "Senior/Staff", "pay", "$250,000-$400,000+", "2024"),
    ]
    assert {r.reference.text for r in rows if r.reference} == {BLS}


def test_every_value_of_the_pay_table_is_what_its_guide_holds_at_its_span():
    checked = 0
    for r in pay_rows(corpus_facts(CORPUS, 900)):
        raw = (CORPUS / r.guide).read_text(encoding="utf-8")
        for v in (r.figure, r.label, r.reference, r.as_of):
            if v is not None:
                assert raw[v.start : v.end].replace("**", "") == v.text, (r.who, v)
                checked += 1
    assert checked == 30  # 14 figures, 12 labels naming whose pay, 2 sources and their 2 years


def test_a_figure_is_placed_on_the_chart_as_written_never_converted():
    assert dollars("$85k-$140k") == (85_000, 140_000, False)
    assert dollars("Median $200,000-$300,000/year") == (200_000, 300_000, False)
    assert dollars("$250,000-$400,000+") == (250_000, 400_000, True)
    assert dollars("$108,020") == (108_020, 108_020, False)
    assert dollars("Varies widely") is None and dollars("+40%") is None


def test_cli_json_and_chart(tmp_path, capsys):
    target = tmp_path / "charts" / "pay.png"
    assert main(["pay", "--json", "--chart", str(target)]) == 0
    rows = json.loads(capsys.readouterr().out)["pay"]
    median = next(r for r in rows if r["who"] == "median annual pay")
    assert median["figure"] == {"value": "$108,020", "source": AI_ENGINEER, "start": 413, "end": 421}
    assert median["reference"]["value"] == BLS and median["as_of"]["value"] == "2024"
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and not list(target.parent.glob(".*partial"))


def test_cli_chart_path_faults_are_one_line_and_exit_2(tmp_path, capsys):
    assert main(["pay", "--chart", str(tmp_path / "pay.jpg")]) == 2
    assert capsys.readouterr().err.startswith(
        "coach: The chart is a PNG file: give a file name ending in .png"
    )
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert main(["pay", "--chart", str(blocked / "pay.png")]) == 2
    err = capsys.readouterr().err
    assert re.match(r"coach: Can't write the chart to .*pay\.png: .+\. Give another path\.\n$", err)


def test_a_corpus_without_pay_figures_still_gets_its_chart_and_an_empty_table(tmp_path):
    from coach.pay import chart, table_text

    assert pay_rows({}) == [] and table_text([]) == ""
    assert chart([], tmp_path / "pay.png").read_bytes()[:4] == b"\x89PNG"
