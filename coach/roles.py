"""Recognise the roles a question names, to prefer the guide about that transition.

"backend developer to deep learning engineer" names both roles of one guide, so that guide's
passages are preferred. This only ranks: it never hides another guide's passages.
"""

from __future__ import annotations

import re

ROLE_PATTERNS: dict[str, re.Pattern[str]] = {
    "Backend Developer": re.compile(r"\bback[- ]?end\b(?: (?:developer|engineer|dev))?s?"),
    "Deep Learning Engineer": re.compile(r"\bdeep[- ]learning\b|\bdl engineers?\b"),
    "Machine Learning Engineer": re.compile(r"\b(?:machine[- ]learning|ml) engineers?\b|\bmles?\b"),
    "AI/ML Architect": re.compile(r"\b(?:ai ?/ ?ml|ml|machine[- ]learning|ai and ml) architects?\b"),
    "AI Architect": re.compile(r"(?<!/)\bai architects?\b"),
    "AI Engineer": re.compile(r"\bai engineer(?:s|ing)?\b"),
}


# The words after a destination cue: "to ...", "into ...", "become a ...", "as an ...".
TARGET_CUE = re.compile(
    r"\b(?:to|into|become|becoming|as an?|towards?)\s+((?:an?\s+)?[a-z/&-]+(?:\s+[a-z/&-]+){0,3})"
)


def roles_in(text: str) -> set[str]:
    """Canonical names of the roles mentioned in a piece of text."""
    lowered = text.lower()
    return {name for name, pattern in ROLE_PATTERNS.items() if pattern.search(lowered)}


def canonical_role(name: str) -> str:
    found = roles_in(name)
    return next(iter(found)) if len(found) == 1 else name


def guide_preference(query: str, guides: dict[str, tuple[str, str]]) -> dict[str, float]:
    """Score each guide (source -> (from_role, to_role)) by how clearly the query names its move.

    1.0 when the query names both of the guide's roles; 0.5 when it names the guide's target
    role as a destination ("become an AI engineer", "move into deep learning"). A role merely
    mentioned ("the Google Professional Machine Learning Engineer exam") prefers nothing.
    Only the best-scoring guides are returned.
    """
    named = roles_in(query)
    if not named:
        return {}
    targets = roles_in(" ".join(TARGET_CUE.findall(query.lower())))
    scores: dict[str, float] = {}
    for source, (from_role, to_role) in guides.items():
        start, goal = canonical_role(from_role), canonical_role(to_role)
        if from_role and start in named and goal in named:
            scores[source] = 1.0
        elif goal in targets:
            scores[source] = 0.5
    best = max(scores.values(), default=0.0)
    return {s: v for s, v in scores.items() if v == best and v > 0}
