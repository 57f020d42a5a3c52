"""Recognise the roles a question names, to prefer the guide about that transition.

"backend developer to deep learning engineer" names both roles of one guide, so that guide's
passages are preferred. This only ranks: it never hides another guide's passages. The names
people use for each role ("DL engineer", "MLE") come from the layout data (`layout.toml`).
"""

from __future__ import annotations

import functools
import re

from coach.layout import layout, phrase_pattern


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {role: phrase_pattern(names) for role, names in layout().role_names.items()}


# The words after a destination cue: "to ...", "into ...", "become a ...", "as an ...".
TARGET_CUE = re.compile(
    r"\b(?:to|into|become|becoming|as an?|towards?)\s+((?:an?\s+)?[a-z/&-]+(?:\s+[a-z/&-]+){0,3})"
)


def _specific(found: set[str], plain: str) -> set[str]:
    """Drop a role whose every match lies inside another role's match ("deep learning" inside
    "deep learning engineer" is one role; "AI architect" inside "AI ML architect" too)."""
    spans = {r: [m.span() for m in _patterns()[r].finditer(plain)] for r in found}

    def inside(span, other: str) -> bool:
        return any(s <= span[0] and span[1] <= e and (s, e) != span for s, e in spans[other])

    return {r for r in found if not all(any(inside(sp, o) for o in found if o != r) for sp in spans[r])}


def roles_in(text: str) -> set[str]:
    """Canonical names of the guides' roles mentioned in a piece of text."""
    plain = layout().plain(text)
    return _specific({role for role, pattern in _patterns().items() if pattern.search(plain)}, plain)


def canonical_role(name: str) -> str:
    found = roles_in(name)
    return next(iter(found)) if len(found) == 1 else name


def aimed_at(text: str) -> str:
    """The words the text names as where a move goes: what follows "become", "into", "as a" ..."""
    return " ".join(TARGET_CUE.findall(layout().plain(text)))


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
    targets = roles_in(aimed_at(query))
    scores: dict[str, float] = {}
    for source, (from_role, to_role) in guides.items():
        start, goal = canonical_role(from_role), canonical_role(to_role)
        if from_role and start in named and goal in named:
            scores[source] = 1.0
        elif goal in targets:
            scores[source] = 0.5
    best = max(scores.values(), default=0.0)
    return {s: v for s, v in scores.items() if v == best and v > 0}
