"""A week-by-week plan from a guide's roadmap, in the user's hours, with dates, each task cited.

The guides state weeks, not hours. One assumption turns them into the user's calendar: a guide
week is taken to be `week_hours` hours of work (a full-time week, 40, unless the setting
`COACH_PLAN_WEEK_HOURS` says otherwise), so at `hours` a week, each guide week takes
week_hours / hours calendar weeks. A phase's tasks are taken in the guide's order, spread evenly
over its calendar weeks; its resources are listed in its first week. Skills the user already has
drop the tasks that name them; a phase keeps the share of its weeks that its remaining tasks are
of its tasks, and a phase with none left is skipped. A phase ends in the week its work so far runs
into (at least one week after the phase before), so the plan's length is the roadmap's work in the
user's hours rounded up once, not once per phase. The plan says all of this.
Every task, resource and phase length is the guide's value with its span; dates and totals are
computed, and cite the values they were computed from.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from coach.compare import Subject
from coach.errors import BadInputError
from coach.facts import Fact, Phase, Transition, Value
from coach.lexical import tokenize

WEEKS = re.compile(r"(\d+)\s*weeks?$")


@dataclass(frozen=True)
class PhasePlan:
    phase: Phase
    guide_weeks: int  # as the guide states them (phase.duration)
    kept: tuple[Value, ...]  # its tasks left to do
    dropped: tuple[tuple[Value, str], ...]  # tasks dropped, each with the skill the user has
    calendar_weeks: int  # computed: guide weeks (shortened for dropped tasks) in the user's hours

    @property
    def skipped(self) -> bool:
        return self.calendar_weeks == 0


@dataclass(frozen=True)
class Week:
    number: int
    start: date
    phase: Phase
    tasks: tuple[Value, ...]
    resources: tuple[Value, ...]
    continued: bool = False  # its task began the week before

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)


@dataclass
class Plan:
    subject: Subject
    hours: float
    week_hours: float
    start: date
    phases: list[PhasePlan]
    weeks: list[Week] = field(default_factory=list)
    stated: tuple[tuple[str, Value], ...] = ()  # the lengths the guide states for the whole move

    @property
    def assumption(self) -> str:
        factor = self.week_hours / self.hours
        return (
            f"The guide gives its roadmap in weeks, not hours. A guide week is taken as {self.week_hours:g} "
            f"hours of work (a full-time week; setting COACH_PLAN_WEEK_HOURS), so at {self.hours:g} hours a "
            f"week each guide week takes {factor:.2g} calendar week{'' if factor == 1 else 's'}. Tasks are spread evenly over their "
            "phase, in the guide's order."
        )

    def to_json(self) -> dict:
        def span(v: Value) -> dict:
            return {"value": v.text, "source": self.subject.guide, "start": v.start, "end": v.end}

        return {
            "transition": self.subject.name,
            "source": self.subject.guide,
            "hours_per_week": self.hours,
            "guide_week_hours": self.week_hours,
            "assumption": self.assumption,
            "guide_states": [{"what": what} | span(v) for what, v in self.stated],
            "start": self.start.isoformat(),
            "end": self.weeks[-1].end.isoformat() if self.weeks else None,
            "total_weeks": {
                "value": len(self.weeks),
                "computed_from": [span(p.phase.duration) for p in self.phases],
            },
            "phases": [
                {
                    "number": p.phase.number,
                    "title": span(p.phase.title),
                    "guide_weeks": span(p.phase.duration),
                    "calendar_weeks": p.calendar_weeks,
                    "dropped": [{"task": span(t), "because_you_have": s} for t, s in p.dropped],
                }
                for p in self.phases
            ],
            "weeks": [
                {
                    "week": w.number,
                    "start": w.start.isoformat(),
                    "end": w.end.isoformat(),
                    "phase": w.phase.number,
                    "tasks": [span(t) for t in w.tasks],
                    "resources": [span(r) for r in w.resources],
                }
                for w in self.weeks
            ],
        }


def roadmap(facts: list[Fact]) -> list[Phase]:
    return [f for f in facts if isinstance(f, Phase)]


def make_plan(
    subject: Subject,
    facts: list[Fact],
    hours: float,
    start: date,
    week_hours: float = 40.0,
    have: list[str] | None = None,
) -> Plan:
    """The plan; BadInputError when the guide has no roadmap in weeks or the hours are unusable."""
    phases = roadmap(facts)
    if not phases:
        raise BadInputError(
            f"The {subject.name} guide has no week-by-week roadmap, so there is nothing to plan."
        )
    if not 1 <= hours <= 80:
        raise BadInputError(f"Give the hours a week you can spend as a number from 1 to 80, not {hours:g}.")
    if any(p.duration is None or not WEEKS.search(p.duration.text) for p in phases):
        raise BadInputError(
            f"The {subject.name} roadmap doesn't give every phase in weeks, so it can't be dated."
        )
    factor = week_hours / hours
    planned = []
    done, ended = 0.0, 0  # the calendar weeks of work so far, and the week the last phase ended in
    for p in phases:
        dropped = tuple((t, skill) for t in p.tasks if (skill := _named_skill(t.text, have or [])))
        kept = tuple(t for t in p.tasks if all(t is not d for d, _ in dropped))
        guide_weeks = int(WEEKS.search(p.duration.text).group(1))  # type: ignore[union-attr]
        share = len(kept) / len(p.tasks) if p.tasks else 1.0
        # A phase ends in the week its work so far runs into, counted from where the one before
        # ended: rounding once, not per phase (800 hours at 25 a week is 32 weeks, not 34).
        done += guide_weeks * share * factor
        end = max(math.ceil(done - 1e-9), ended + 1) if share else ended
        planned.append(PhasePlan(p, guide_weeks, kept, dropped, end - ended))
        ended = end
    t = next((f for f in facts if isinstance(f, Transition)), None)
    said = (("its timeline", t.timeline), ("its title", t.headline_duration)) if t else ()
    plan = Plan(subject, hours, week_hours, start, planned, stated=tuple((w, v) for w, v in said if v))
    number = 0
    for p in planned:
        n, span = len(p.kept), p.calendar_weeks
        for i in range(span):
            if n and span >= n:  # a task over one or more weeks: the one in progress
                tasks, continued = (p.kept[i * n // span],), i > 0 and i * n // span == (i - 1) * n // span
            else:  # several tasks a week
                tasks, continued = tuple(t for k, t in enumerate(p.kept) if k * span // n == i), False
            number += 1
            resources = p.phase.resources if i == 0 else ()
            day = start + timedelta(weeks=number - 1)
            plan.weeks.append(Week(number, day, p.phase, tasks, resources, continued))
    return plan


def _named_skill(task: str, have: list[str]) -> str:
    """The skill the user has that the task is about: all of the skill's words are in the task."""
    words = set(tokenize(task))
    return next((s for s in have if (own := set(tokenize(s))) and own <= words), "")


def markdown(plan: Plan) -> str:
    """The plan as Markdown: the assumption, the phases, then each week with its dates."""
    p0 = plan.phases
    out = [
        f"# Plan: {plan.subject.name}",
        "",
        f"From {plan.start:%A %d %B %Y} to {plan.weeks[-1].end:%A %d %B %Y}, {len(plan.weeks)} weeks at "
        f"{plan.hours:g} hours a week (source: {plan.subject.guide}, its roadmap).",
        "",
        *(
            [
                "The roadmap's phases add up to "
                f"{sum(p.guide_weeks for p in p0)} guide weeks; the guide also states "
                + " and ".join(f'"{v.text}" ({what})' for what, v in plan.stated)
                + ".",
                "",
            ]
            if plan.stated
            else []
        ),
        f"> {plan.assumption}",
        "",
        "| Phase | Guide weeks | Your weeks |",
        "|---|---|---|",
        *(
            f"| {p.phase.number}. {p.phase.title.text} | {p.phase.duration.text} | "  # type: ignore[union-attr]
            f"{'skipped: you have what it teaches' if p.skipped else p.calendar_weeks} |"
            for p in p0
        ),
    ]
    dropped = [(p, t, s) for p in p0 for t, s in p.dropped]
    if dropped:
        out += ["", "Dropped because you already have the skill (the phase's weeks shortened in proportion):"]
        out += [f"- Phase {p.phase.number}: {t.text} ({s})" for p, t, s in dropped]
    for w in plan.weeks:
        out += [
            "",
            f"## Week {w.number} · {w.start:%d %b} – {w.end:%d %b %Y} · Phase {w.phase.number}: {w.phase.title.text}",
        ]
        go_on = "(continued) " if w.continued else ""
        out += [f"- {go_on}{t.text} [{plan.subject.guide} {t.start}-{t.end}]" for t in w.tasks]
        out += [f"- Resource: {r.text} [{plan.subject.guide} {r.start}-{r.end}]" for r in w.resources]
    return "\n".join(out) + "\n"


def ics(plan: Plan, stamp: datetime | None = None) -> str:
    """The plan as an iCalendar file: one all-day event per week, its tasks in the description."""
    made = f"{stamp or datetime.now(UTC):%Y%m%dT%H%M%SZ}"

    def text(s: str) -> str:
        return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")

    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Career Coach//Plan//EN", "CALSCALE:GREGORIAN"]
    for w in plan.weeks:
        tasks = "\n".join(f"- {'(continued) ' if w.continued else ''}{t.text}" for t in w.tasks)
        lines += [
            "BEGIN:VEVENT",
            f"UID:coach-plan-{plan.subject.guide}-{plan.start:%Y%m%d}-{w.number}",
            f"DTSTAMP:{made}",
            f"DTSTART;VALUE=DATE:{w.start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{w.end + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{text(f'Week {w.number}: Phase {w.phase.number} – {w.phase.title.text}')}",
            f"DESCRIPTION:{text(tasks + chr(10) + 'Source: ' + plan.subject.guide)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def _fold(line: str) -> str:
    """RFC 5545: lines longer than 75 octets continue on the next line after a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for ch in line:
        piece = ch.encode("utf-8")
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)
