"""Parse a career guide (plain text flattened from a web page) into titled leaf sections.

What it does: finds the guide's title and roles, splits it at the section headings the guides
use, splits each section into its items (a skill, a roadmap phase, an FAQ answer, a story),
and repairs text that flattening glued together (`Critical8 weeks`, a label on one line and its
value on the next, a list of resources run into one line). It rewrites the guides' own `[1]`
reference markers into "(source: ...)" so they are never mistaken for the coach's citations.

What it does not do: it keeps every figure as the guide states it, even where a guide states
one twice and differently; it never invents a heading or a question (an FAQ answer whose
question is missing is labelled as such). A guide in an unknown layout becomes one section per
heading it can recognise, or a single "Guide" section, rather than an error.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from coach.errors import BadInputError
from coach.instructions import blank_instructions
from coach.layout import layout
from coach.records import Guide, Section
from coach.text import cleaned_item_text, join_lines, split_run_on_resources

# The headings and labels of the guides' layout: data in `layout.toml`.
_SECTIONS = layout().sections
HEADINGS = _SECTIONS.headings
GROUP_HEADING = _SECTIONS.group_heading
ROADMAPS = _SECTIONS.roadmaps
PHASE_LABELS = _SECTIONS.phase_labels
UNGROUPED = _SECTIONS.ungrouped
DROPPED = _SECTIONS.dropped
CHROME = _SECTIONS.chrome
SUMMARY = _SECTIONS.summary
SUMMARY_LABELS = _SECTIONS.summary_labels
LEVELS = _SECTIONS.levels
FAQ = _SECTIONS.faq

PRIORITY_GLUE = re.compile(
    r"^("
    + "|".join(re.escape(p) for p in _SECTIONS.priorities)
    + r")\s*(\d+(?:\s*-\s*\d+)?\s*(?:weeks?|months?)|Ongoing)$"
)
DURATION = re.compile(r"^\d+(?:\s*-\s*\d+)?\s*(?:weeks?|months?)$")
DURATION_GLUE = re.compile(r"^(\d+(?:\s*-\s*\d+)?\s*(?:weeks?|months?))-\s*(.+)$")
BULLET = re.compile(r"^\s*(?:[-•*]|\u2022)\s+")
BOLD_ITEM = re.compile(r"\*\*(.+?)\*\*")
SOURCES_LINE = re.compile(r"^\*?Sources?:\s*(.+?)\*?$")
REFERENCE = re.compile(r"\s*\[(\d+)\]")
NO_QUESTION = "(answer; the guide omits its question)"
SOURCES = "Sources"  # the section made of a guide's footnotes, one entry per reference
ANSWER_NO_QUESTION = f"{FAQ} > {NO_QUESTION}"


def shown_heading(section: str) -> str:
    """A section path's own heading as a reader is shown it: an answer whose question the guide
    omits is shown under the heading it sits in, not under the placeholder."""
    parts = section.split(" > ")
    return parts[-2] if parts[-1] == NO_QUESTION and len(parts) > 1 else parts[-1]


# Characters no text file holds (C0 controls other than tab, newlines and form feed; DEL): a
# file with them is binary data, even where its bytes happen to decode as UTF-8 (all NULs).
BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
MAX_GUIDE_BYTES = 2_000_000  # the five guides are 20-30 kB each


def read_guide(path: Path, max_bytes: int = MAX_GUIDE_BYTES) -> Guide:
    """Read and parse one guide file (see `guide_text`), its instructions to an assistant left out."""
    return parse_guide(path.name, blank_instructions(guide_text(path, max_bytes))[0])


def guide_text(path: Path, max_bytes: int = MAX_GUIDE_BYTES) -> str:
    """The text of one guide file. Raises BadInputError for a file that is too large, empty,
    binary or not UTF-8, each with the fix."""
    size = path.stat().st_size
    if size > max_bytes:
        raise BadInputError(
            f"Guide {path.name} is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:g} MB "
            "(COACH_MAX_GUIDE_BYTES). Split it or raise the limit."
        )
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInputError(
            f"Guide {path.name} is not valid UTF-8 text (byte {exc.start}). "
            "Re-save it as UTF-8 or remove it from the corpus folder."
        ) from None
    if not raw.strip():
        raise BadInputError(f"Guide {path.name} is empty. Add its text or remove it from the corpus folder.")
    if found := BINARY.search(raw):
        raise BadInputError(
            f"Guide {path.name} holds binary data (character {found.start()} is a control character), "
            "not text. Remove it from the corpus folder."
        )
    return raw


def parse_guide(source: str, raw: str) -> Guide:
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln.strip() for ln in text.split("\n")]
    lines, references = _take_references(lines)
    lines = [_unglue(REFERENCE.sub(lambda m: _reference(m, references), ln)) for ln in lines]
    lines = [ln for part in lines for ln in part.split("\n") if ln and not CHROME.match(ln)]
    title, from_role, to_role, preamble_start = _title_and_roles(lines)

    blocks: list[tuple[tuple[str, ...], list[str]]] = [((SUMMARY,), [title])]
    group: str | None = None
    for line in lines[preamble_start:]:
        if GROUP_HEADING.match(line):
            group = line
            blocks.append(((line,), []))
        elif (line in HEADINGS or line in DROPPED) and not (
            line in PHASE_LABELS and blocks[-1][0][-1] in ROADMAPS
        ):
            if line in UNGROUPED:
                group = None
            blocks.append((((group, line) if group else (line,)), []))
        else:
            blocks[-1][1].append(line)
    if references:
        blocks.append(((SOURCES,), [f"- {ref}" for _, ref in sorted(references.items())]))

    sections: list[Section] = []
    for path, body in blocks:
        if path[-1] in DROPPED or not body:
            continue
        sections.extend(_split_block(path, body))
    if len(blocks) == 1:  # no heading recognised: keep the whole guide as one section
        sections = [Section(("Guide",), join_lines(lines[preamble_start:]))]
    return Guide(source, title, from_role, to_role, tuple(s for s in sections if s.text.strip()))


def _take_references(lines: list[str]) -> tuple[list[str], dict[int, str]]:
    """Pull out a trailing `*Sources: [1] A. [2] B.*` line and return {1: "A", 2: "B"}."""
    for i, line in enumerate(lines):
        m = SOURCES_LINE.match(line)
        if m and REFERENCE.search(m.group(1)):
            parts = re.split(r"\[(\d+)\]\s*", m.group(1))[1:]
            refs = {
                int(n): ref.strip().rstrip(".").strip()
                for n, ref in zip(parts[::2], parts[1::2], strict=False)
            }
            return lines[:i] + lines[i + 1 :], refs
    return lines, {}


def _reference(match: re.Match, references: dict[int, str]) -> str:
    ref = references.get(int(match.group(1)))
    if ref is None:
        return match.group(0)
    return f" (source: {ref.split(',')[0].strip()})"


def _unglue(line: str) -> str:
    if m := DURATION_GLUE.match(line):
        return f"{m.group(1)}\n- {m.group(2)}"
    return BULLET.sub("- ", line)


def _title_and_roles(lines: list[str]) -> tuple[str, str, str, int]:
    """The title line, the roles it names, and where the preamble's own text starts."""
    start = 0
    for i, line in enumerate(lines[:6]):
        if m := re.match(r"^From (.+?) to (.+?)(?::|$)", line):
            return line, _role(m.group(1)), _role(m.group(2)), i + 1
    title = lines[0] if lines else ""
    start = 1
    m = re.match(r"^(.+?) (?:Career (?:Path|Transition Guide)|Career Guide)$", title)
    return title, "", _role(m.group(1)) if m else "", start


def _role(name: str) -> str:
    return re.sub(r"\bAi\b", "AI", name.strip())


def _split_block(path: tuple[str, ...], body: list[str]) -> list[Section]:
    name = path[-1]
    if name == SUMMARY:
        return [_summary(path, body)]
    if name == FAQ:
        return _faq_sections(path, body)
    if name in ROADMAPS and any(DURATION.match(b) for b in body):
        return _with_overview(path, *_phase_sections(path, body))
    if name == _SECTIONS.interview:
        return _interview_sections(path, body)
    if any(b.startswith("**") for b in body):
        return _bold_item_sections(path, body)
    return _with_overview(path, *_heading_sections(path, body))


def _summary(path: tuple[str, ...], body: list[str]) -> Section:
    out: list[str] = []
    fields: list[tuple[str, str]] = []
    i = 0
    while i < len(body):
        if body[i] in SUMMARY_LABELS and i + 1 < len(body):
            out.append(f"{body[i]}: {body[i + 1]}")
            fields.append((body[i], body[i + 1]))
            i += 2
        else:
            out.append(body[i])
            i += 1
    return Section(path, join_lines(out), "summary", tuple(fields))


def _faq_sections(path: tuple[str, ...], body: list[str]) -> list[Section]:
    sections: list[Section] = []
    question, answer = NO_QUESTION, []
    for line in body + ["?"]:  # a sentinel question flushes the last answer
        if line.endswith("?") and len(line) <= 200:
            if answer:
                sections.append(Section((*path, question), join_lines(answer), "faq"))
            question, answer = line, []
        else:
            answer.append(line)
    return sections


def _is_heading(line: str, next_line: str | None) -> bool:
    """A short line with no sentence ending, followed by body text, is a sub-heading."""

    def heading_like(s: str) -> bool:
        return (
            len(s) <= 90
            and not s.endswith((".", "!", ":", ","))
            and not s.startswith("- ")
            and not PRIORITY_GLUE.match(s)
        )

    return (
        heading_like(line)
        and next_line is not None
        and (not heading_like(next_line) or bool(PRIORITY_GLUE.match(next_line)))
    )


def _heading_sections(path: tuple[str, ...], body: list[str]) -> tuple[list[str], list[Section]]:
    """Split a section into its intro lines and its sub-headed items."""
    intro: list[str] = []
    items: list[tuple[str, list[str], list[tuple[str, str]]]] = []
    for i, line in enumerate(body):
        nxt = body[i + 1] if i + 1 < len(body) else None
        if _is_heading(line, nxt) and line not in LEVELS:
            items.append((line, [], []))
        elif not items:
            intro.append(line)
        elif m := PRIORITY_GLUE.match(line):  # "Critical8 weeks": the priority and the weeks
            items[-1][2].extend([("Priority", m.group(1)), ("Duration", m.group(2))])
            items[-1][1].append(f"Priority: {m.group(1)} · {m.group(2)}")
        elif line in LEVELS:
            items[-1][2].append(("Level", line))
            items[-1][1].append(f"Level: {line}")
        else:
            items[-1][1].append(line)
    kind = "skill" if "Skill" in path[-1] else "item"
    return intro, [Section((*path, head), join_lines(lines), kind, tuple(f)) for head, lines, f in items]


def _phase_sections(path: tuple[str, ...], body: list[str]) -> tuple[list[str], list[Section]]:
    """Roadmap phases: an optional number line, a title, a duration, then tasks and resources."""
    intro: list[str] = []
    phases: list[dict] = []
    label = ""
    for i, line in enumerate(body):
        nxt = body[i + 1] if i + 1 < len(body) else ""
        if re.fullmatch(r"\d{1,2}", line):
            continue  # the phase number; phases are numbered by their order below
        if DURATION.match(nxt) and not DURATION.match(line):
            phases.append({"title": line, "duration": "", "lines": [], "fields": []})
            label = ""
        elif not phases:
            intro.append(line)
        elif DURATION.match(line) and not phases[-1]["duration"]:
            phases[-1]["duration"] = line
        elif line in PHASE_LABELS:
            label = line
            phases[-1]["lines"].append(f"{line}:")
        elif label == "Resources" and not line.startswith("- "):
            resources = split_run_on_resources(line)
            phases[-1]["lines"].extend(f"- {r}" for r in resources)
            phases[-1]["fields"].extend(("Resource", r) for r in resources)
        else:
            phases[-1]["lines"].append(line)
            if line.startswith("- "):
                phases[-1]["fields"].append(("Resource" if label == "Resources" else "Task", line[2:]))
    sections = []
    for n, p in enumerate(phases, start=1):
        head = f"Phase {n}: {p['title']}"
        text = join_lines([f"Duration: {p['duration']}", *p["lines"]])
        fields = (("Duration", p["duration"]), *p["fields"]) if p["duration"] else tuple(p["fields"])
        sections.append(Section((*path, head), text, "phase", fields))
    return intro, sections


def _interview_sections(path: tuple[str, ...], body: list[str]) -> list[Section]:
    sections: list[Section] = []
    category, i = "", 0
    while i < len(body) and not body[i].isupper():  # the section's intro line(s)
        sections.append(Section(path, body[i], "prose"))
        i += 1
    while i < len(body):
        if body[i].isupper():
            category, i = _category(body[i]), i + 1
            continue
        question = body[i]
        hint = body[i + 1] if i + 1 < len(body) and not body[i + 1].isupper() else ""
        text = join_lines([f"Category: {category}", f"Question: {question}", f"What to cover: {hint}"])
        sections.append(Section((*path, question), text, "interview"))
        i += 2 if hint else 1
    return sections


def _category(label: str) -> str:
    """ "ML ARCHITECTURE" -> "ML Architecture": short words are taken for acronyms."""
    return " ".join(w if len(w) <= 3 else w.capitalize() for w in label.split())


def _bold_item_sections(path: tuple[str, ...], body: list[str]) -> list[Section]:
    """Items written inline as `**Label** text **Label** text` on one line."""
    sections: list[Section] = []
    for line in body:
        parts = BOLD_ITEM.split(line)
        if parts[0].strip():
            sections.append(Section(path, cleaned_item_text(parts[0]), "prose"))
        for label, text in zip(parts[1::2], parts[2::2], strict=False):
            head = re.sub(r"^\d+\.\s*", "", label).rstrip(":").strip()
            sections.append(Section((*path, head), cleaned_item_text(text), "item"))
    return sections


def _with_overview(path: tuple[str, ...], intro: list[str], items: list[Section]) -> list[Section]:
    """Put the section's intro first, as an overview listing its items with their fact lines.

    The overview is the table the web page showed (skill, priority, weeks; phase, weeks): it
    answers "which skills are critical?" in one passage, and gives the intro a context.
    """
    if not items:
        return [Section(path, join_lines(intro), "prose")] if intro else []
    rows = []
    for item in items:
        facts = _fact_line(item)
        rows.append(f"- {item.path[-1]} — {facts}" if facts else f"- {item.path[-1]}")
    return [Section(path, join_lines(intro + rows), "overview"), *items]


def _fact_line(item: Section) -> str:
    """An item's one-line facts as its overview row shows them: "Priority: Critical · 6 weeks"."""
    priority, duration, level = (item.field(k) for k in ("Priority", "Duration", "Level"))
    parts = [
        f"Priority: {priority} · {duration}" if priority else f"Duration: {duration}" if duration else ""
    ]
    return " · ".join(p for p in [*parts, f"Level: {level}" if level else ""] if p)
