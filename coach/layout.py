"""The guides' layout as data (`layout.toml`): section headings, field labels, and the names
people use for the guides' roles.

`plain` reads a text's short forms as the words they stand for, lowercased ("DL to MLE" ->
"deep learning to machine learning engineer"); role names are matched on that plain form, so a
role's names are written once, in full, in the data file. The initials of a role's longer names
("DLE") are short forms too, derived from those names.

Not here: finding roles in the guides themselves (see `coach.terms.GuideTerms`).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

LAYOUT_FILE = Path(__file__).with_name("layout.toml")


@dataclass(frozen=True)
class Sections:
    """The headings and labels the guide parser reads (see `[sections]` and `[labels]`)."""

    headings: frozenset[str]
    group_heading: re.Pattern[str]
    ungrouped: frozenset[str]
    roadmaps: frozenset[str]
    faq: str
    interview: str
    dropped: frozenset[str]
    chrome: re.Pattern[str]
    summary: str
    stories: frozenset[str]
    certifications: frozenset[str]
    summary_labels: tuple[str, ...]
    phase_labels: frozenset[str]
    levels: frozenset[str]
    priorities: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    sections: Sections
    short_forms: dict[str, str]
    role_names: dict[str, tuple[str, ...]]  # canonical role -> its names, in plain form
    source_lists: tuple[str, ...]  # headings whose items are roles that lead to the guide's role
    destination_lists: tuple[str, ...]  # headings whose items are roles the guide's role leads to
    audience: tuple[str, ...] = ()  # headings whose prose says whom the guide's path is for

    @functools.cached_property
    def _short_form(self) -> re.Pattern[str]:
        forms = sorted(self.short_forms, key=len, reverse=True)
        return re.compile(r"(?<![\w/&-])(" + "|".join(re.escape(f) for f in forms) + r")(?![\w/&-])")

    @functools.cached_property
    def _short_form_any_case(self) -> re.Pattern[str]:
        return re.compile(self._short_form.pattern, re.IGNORECASE)

    def spell_out(self, text: str, keep: frozenset[str] | set[str] = frozenset()) -> str:
        """The text as written, with the short forms it uses spelled out, except those in `keep`."""
        return self._short_form_any_case.sub(
            lambda m: m.group(0) if m.group(0).lower() in keep else self.short_forms[m.group(0).lower()], text
        )

    def plain(self, text: str) -> str:
        """The text lowercased, with short forms spelled out and hyphens read as spaces."""
        lowered = text.lower().replace("’", "'")
        spelled = self._short_form.sub(lambda m: self.short_forms[m.group(1)], lowered)
        return re.sub(r"(?<=[a-z])-(?=[a-z])|\s+", " ", spelled)


@functools.cache
def layout(path: Path = LAYOUT_FILE) -> Layout:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    short = {k.lower(): v.lower() for k, v in data.get("short_forms", {}).items()}
    sec, labels = data["sections"], data["labels"]
    sections = Sections(
        headings=frozenset(sec["headings"]),
        group_heading=re.compile(sec["group_heading"]),
        ungrouped=frozenset(sec["ungrouped"]),
        roadmaps=frozenset(sec["roadmaps"]),
        faq=sec["faq"],
        interview=sec["interview"],
        dropped=frozenset(sec["dropped"]),
        chrome=re.compile(sec["chrome"]),
        summary=sec["summary"],
        stories=frozenset(sec["stories"]),
        certifications=frozenset(sec["certifications"]),
        summary_labels=tuple(labels["summary"]),
        phase_labels=frozenset(labels["phase"]),
        levels=frozenset(labels["levels"]),
        priorities=tuple(labels["priorities"]),
    )
    base = Layout(sections, short, {}, (), ())
    names = {
        role: tuple(dict.fromkeys(base.plain(n) for n in [role, *entry.get("names", [])]))
        for role, entry in data.get("roles", {}).items()
    }
    short = initials(names) | short
    lists = data.get("role_lists", {})
    return Layout(
        sections,
        short,
        names,
        tuple(lists.get("sources", ())),
        tuple(lists.get("destinations", ())),
        tuple(lists.get("audience", ())),
    )


def initials(role_names: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """The initials of every role name of three or more words, read as that name, singular and
    plural: "deep learning engineer" is also "DLE", and "DLEs" its plural. Shorter names are
    left out, two letters ("BD", "AE") stand for too many other things, and so are names that
    hold a short form already ("AI ML architect": "AMA" is not what anyone types for it)."""
    out: dict[str, str] = {}
    for names in role_names.values():
        for name in names:
            words = name.split()
            if len(words) >= 3 and all(len(w) >= 3 for w in words):
                letters = "".join(w[0] for w in words)
                out.setdefault(letters, name)
                out.setdefault(f"{letters}s", f"{name}s")
    return out


def phrase_pattern(phrases: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word match of any of these plain-form phrases, plural or possessive allowed."""
    alternatives = sorted({re.escape(p) for p in phrases if p}, key=len, reverse=True)
    return re.compile(r"(?<![\w/])(?:" + "|".join(alternatives) + r")(?:s|'s|s')?(?![\w/])")
