"""Every pay figure the guides state, in one table, exactly as written, each with its span.

Three kinds of statement hold pay: a move's salary change ("+40%"), a figure in prose ("Deep
Learning Engineers earn $140k-$280k", "median annual pay of $108,020") and a destination role's
heading ("— Median $200,000-$300,000/year"). Each row keeps the figure as the guide writes it,
whom it is the pay of, and, where the guide cites a source for it, that source and its year.
Nothing is converted, averaged or extrapolated; the chart only places each stated range on one
axis, labelled with the guide's own words.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

from coach.compare import Cell, cell_html
from coach.facts import DestinationRole, Fact, PayFigure, Transition, Value
from coach.frame import name_of
from coach.records import Chunk

AMOUNT = re.compile(r"\$(\d[\d,]*(?:\.\d+)?)(k?)")


@dataclass(frozen=True)
class PayRow:
    guide: str
    move: str  # the guide's move or path
    who: str  # whom or what the figure is the pay of, in the guide's words
    kind: str  # "pay": an amount; "change": a change in pay
    figure: Value
    label: Value | None  # the guide's words naming whom (None: the move's own salary change)
    reference: Value | None = None
    as_of: Value | None = None

    def to_json(self) -> dict:
        def span(v: Value | None) -> dict | None:
            return v and {"value": v.text, "source": self.guide, "start": v.start, "end": v.end}

        return {
            "guide": self.guide,
            "move": self.move,
            "who": self.who,
            "kind": self.kind,
            "figure": span(self.figure),
            "label": span(self.label),
            "reference": span(self.reference),
            "as_of": span(self.as_of),
        }

    @property
    def cell(self) -> Cell:
        return Cell(self.figure, self.guide)


def pay_rows(facts: dict[str, list[Fact]]) -> list[PayRow]:
    """Every pay figure of every guide, in guide order and then file order."""
    out: list[PayRow] = []
    for guide, guide_facts in facts.items():
        t = next((f for f in guide_facts if isinstance(f, Transition)), None)
        move = name_of(t) if t else guide
        if t and t.salary_change:
            out.append(PayRow(guide, move, "salary change of the move", "change", t.salary_change, None))
        for f in guide_facts:
            if isinstance(f, PayFigure):
                kind = "change" if f.amount.text.endswith("%") else "pay"
                out.append(PayRow(guide, move, f.label.text, kind, f.amount, f.label, f.reference, f.as_of))
            elif isinstance(f, DestinationRole) and f.pay:
                out.append(PayRow(guide, move, f.name.text, "pay", f.pay, f.name))
    return out


def dollars(text: str) -> tuple[float, float, bool] | None:
    """Where a stated amount stands on the chart's axis: (low, high, open-ended "+"); None for a
    figure with no dollar amount ("Varies widely", "+40%")."""
    found = [float(n.replace(",", "")) * (1000 if k else 1) for n, k in AMOUNT.findall(text)]
    if not found:
        return None
    return min(found), max(found), text.rstrip().endswith("+")


def table_text(rows: list[PayRow]) -> str:
    out = []
    for move in dict.fromkeys(r.move for r in rows):
        out.append(move)
        for r in (r for r in rows if r.move == move):
            source = f"  source: {r.reference.text}" if r.reference else ""
            out.append(f"  {r.who}: {r.figure.text}  [{r.guide} {r.figure.start}-{r.figure.end}]{source}")
        out.append("")
    return "\n".join(out).rstrip()


def table_html(rows: list[PayRow], chunks: list[Chunk]) -> str:
    by_id = {c.id: c for c in chunks}
    body = "".join(
        f"<tr><td>{html.escape(r.move)}</td><td>{html.escape(r.who)}</td>"
        f"<td>{cell_html(r.cell, by_id)}</td>"
        f"<td>{html.escape(r.reference.text) if r.reference else ''}</td>"
        f"<td>{html.escape(r.as_of.text) if r.as_of else ''}</td></tr>"
        for r in rows
    )
    head = "<tr><th>Guide</th><th>Whose pay</th><th>As the guide states it</th><th>Its source</th><th>As of</th></tr>"
    return f'<table class="compare pay"><thead>{head}</thead><tbody>{body}</tbody></table>'


def chart(rows: list[PayRow], path: Path) -> Path:
    """A PNG of the stated dollar ranges, one bar per figure, each labelled as the guide writes it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    placed = [(r, d) for r in rows if r.kind == "pay" and (d := dollars(r.figure.text))]
    fig, ax = plt.subplots(figsize=(10, 0.55 * len(placed) + 1.6), dpi=110)
    for y, (r, (low, high, open_ended)) in enumerate(reversed(placed)):
        ax.plot([low, high], [y, y], linewidth=7, solid_capstyle="butt", color="#5a67d8")
        if low == high:
            ax.plot([low], [y], "o", color="#5a67d8")
        if open_ended:
            ax.annotate("", xy=(high * 1.08, y), xytext=(high, y), arrowprops={"arrowstyle": "->"})
        at = high * 1.1 if open_ended else high + 6000
        ax.text(at, y, r.figure.text, va="center", fontsize=8, parse_math=False)  # "$" as written
    ax.set_yticks(range(len(placed)), [f"{r.who} ({r.move})" for r, _ in reversed(placed)], fontsize=8)
    ax.xaxis.set_major_formatter(lambda x, _: f"${x / 1000:.0f}k")
    ax.set_xlim(0, max((d[1] for _, d in placed), default=100_000) * 1.6)
    if not placed:
        ax.text(0.5, 0.5, "The guides state no pay in dollars.", ha="center", transform=ax.transAxes)
    ax.set_title("Pay as the guides state it (ranges as written; nothing converted or averaged)", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    fig.savefig(partial, format="png")
    plt.close(fig)
    os.replace(partial, path)  # a crash never leaves half a chart under the name asked for
    return path
