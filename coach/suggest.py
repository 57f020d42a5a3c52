"""Suggest follow-up questions drawn from the guide an answer came from.

Each suggestion asks about one section of that guide (the next roadmap phase, another skill, an
FAQ the guide itself asks), worded so that it stands on its own: it names its section or role
and leans on nothing said before, so a click asks it without a rewrite. Sections the answer
already cited and questions already asked are skipped.

Not here: answering them. A section with no template below is never suggested.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from coach.records import Chunk

Template = Callable[[re.Match, Chunk], str]


def _a(role: str) -> str:
    return f"an {role}" if role[:1] in "AEIOU" or role.startswith("ML ") else f"a {role}"


def _move(c: Chunk) -> str:
    return f"from {c.from_role} to {c.to_role}" if c.from_role else f"to {c.to_role}"


WHEN = {
    "This Week": "in my first week",
    "This Month": "in my first month",
    "Next 90 Days": "in the next 90 days",
}

# (pattern on the section's heading path, how to ask about it). The first match wins.
TEMPLATES: list[tuple[re.Pattern[str], Template]] = [
    (re.compile(r"^At a Glance$"), lambda m, c: f"What is the timeline of the move {_move(c)}?"),
    (
        re.compile(r"^Skills You'll Need to Learn > (.+)$"),
        lambda m, c: f"How should I learn {m[1]} to become {_a(c.to_role)}?",
    ),
    (
        re.compile(r"^Your Transferable Skills > (.+)$"),
        lambda m, c: f"How does my {m[1]} experience help me as {_a(c.to_role)}?",
    ),
    (re.compile(r"^Skills Checklist > (.+)$"), lambda m, c: f"What does {m[1]} cover for {_a(c.to_role)}?"),
    (
        re.compile(r"^Your Learning Roadmap > (Phase \d+): (.+)$"),
        lambda m, c: f"What do I do in {m[1]} ({m[2]}) on the way to {_a(c.to_role)}?",
    ),
    (re.compile(r"^Frequently Asked Questions > ([^(].+\?)$"), lambda m, c: m[1]),
    (
        re.compile(r"^Reality Check > What You'll Love$"),
        lambda m, c: f"What will I love about working as {_a(c.to_role)}?",
    ),
    (
        re.compile(r"^Reality Check > What You Might Miss$"),
        lambda m, c: f"What might I miss after becoming {_a(c.to_role)}?",
    ),
    (
        re.compile(r"^Reality Check > Biggest Challenges$"),
        lambda m, c: f"What are the biggest challenges in becoming {_a(c.to_role)}?",
    ),
    (
        re.compile(r"^Start Your Journey Now > (This Week|This Month|Next 90 Days)$"),
        lambda m, c: f"What should I do {WHEN[m[1]]} to start becoming {_a(c.to_role)}?",
    ),
    (re.compile(r"> Common Source Roles > (.+)$"), lambda m, c: f"How does a {m[1]} become {_a(c.to_role)}?"),
    (
        re.compile(r"> Common Destination Roles > ([^—]+?) —"),
        lambda m, c: f"What does {_a(m[1])} earn after AI engineering?",
    ),
    (
        re.compile(r"^Success Stories > From (.+) \((\w+), \d+\)$"),
        lambda m, c: f"How did {m[2]} go from {m[1]}?",
    ),
    (
        re.compile(r"> Realistic Timeline$"),
        lambda m, c: f"What is a realistic timeline to become {_a(c.to_role)}?",
    ),
    (re.compile(r"> Gaps to Fill$"), lambda m, c: f"Which gaps do I need to fill to become {_a(c.to_role)}?"),
    (
        re.compile(r"> Skills That Transfer$"),
        lambda m, c: f"Which of my skills transfer to {c.to_role} work?",
    ),
    (
        re.compile(r"> Bridge Certifications$"),
        lambda m, c: f"Which certifications help {_a(c.to_role)} move on?",
    ),
    (re.compile(r"^Who This Path Is For$"), lambda m, c: f"Who is the {c.to_role} path for?"),
    (re.compile(r"^Learning Roadmap$"), lambda m, c: f"What are the phases of the {c.to_role} roadmap?"),
    (
        re.compile(r"^Interview Preparation$"),
        lambda m, c: f"Which interview questions should I prepare for as {_a(c.to_role)}?",
    ),
    (re.compile(r"^Interview Tips$"), lambda m, c: f"What interview tips does the {c.to_role} path give?"),
    (
        re.compile(r"^Resources > Recommended Reading$"),
        lambda m, c: f"Which books should {_a(c.to_role)} read?",
    ),
    (
        re.compile(r"^Resume Positioning Tips > Transitioning (.+)$"),
        lambda m, c: f"How should I position my resume when transitioning {m[1][:1].lower() + m[1][1:]}?",
    ),
]


def question_for(chunk: Chunk) -> str | None:
    """The suggested question about this chunk's section, or None when it has no template."""
    for pattern, template in TEMPLATES:
        if match := pattern.search(chunk.section):
            return template(match, chunk)
    return None


def _sections(chunks: list[Chunk], source: str) -> list[tuple[Chunk, str]]:
    """One (first chunk, question) per askable section of the guide, in document order."""
    out: dict[str, tuple[Chunk, str]] = {}
    for chunk in sorted((c for c in chunks if c.source == source), key=lambda c: c.position):
        question = question_for(chunk)
        if question and chunk.section not in out:
            out[chunk.section] = (chunk, question)
    return list(out.values())


def follow_ups(chunks: list[Chunk], cited: list[Chunk], asked: list[str], n: int = 3) -> list[str]:
    """Up to n questions from the guide of the first cited chunk: the next section under the
    same heading (the next phase, the next skill), then the next under another heading, then
    a question the guide's FAQ asks; then the following sections in order."""
    if not cited:
        return []
    first = cited[0]
    done = {c.section for c in cited if c.source == first.source}
    seen = {q.strip().lower() for q in asked}
    sections = _sections(chunks, first.source)
    after = [s for s in sections if s[0].position > first.position]
    ordered = after + [s for s in sections if s[0].position <= first.position]
    fresh = [(c, q) for c, q in ordered if c.section not in done and q.lower() not in seen]
    top = first.section.split(" > ")[0]
    picks = [
        next((q for c, q in fresh if c.section.startswith(top + " > ")), None),
        next((q for c, q in fresh if not c.section.startswith(top)), None),
        next((q for c, q in fresh if c.kind == "faq"), None),
    ]
    chosen = list(dict.fromkeys(q for q in picks if q))
    chosen += [q for _, q in fresh if q not in chosen]
    return chosen[:n]


def starters(chunks: list[Chunk], sources: list[str]) -> list[str]:
    """One opening question per guide: how long its move takes."""
    out = []
    for source in sources:
        summary = next((c for c in chunks if c.source == source and c.section == "At a Glance"), None)
        if summary and (question := question_for(summary)):
            out.append(question)
    return out
