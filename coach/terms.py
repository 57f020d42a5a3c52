"""What the guides use and treat, read from their own chunks: their words (for telling a word
they never use from one they do, typos allowed), the roles they treat, and the guides a
question about a move could mean.

Not here: reading a question (`coach.reading`); the names people use for roles (`layout.toml`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

from coach.layout import Layout, layout, phrase_pattern
from coach.lexical import STOPWORDS, synonyms, tokenize
from coach.records import Chunk

WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#'’]*(?:[-/.][A-Za-z0-9+#]+)*")
# Two or more capitalised words in a row: a name ("AWS Solutions Architect Associate").
NAME_RUN = re.compile(r"\b[A-Z][\w/+#-]*(?:\s+[A-Z][\w/+#-]*)+")


@dataclass(frozen=True)
class GuideTerms:
    """What the guides use: word stems and words as written, and the roles they treat."""

    stems: frozenset[str]
    words: frozenset[str]
    roles: dict[str, re.Pattern[str]]  # role -> its names (plain form)
    targets: frozenset[str]  # roles a treated move can end in
    job_heads: frozenset[str]  # the last word of every role name: engineer, scientist, ...
    guide_roles: dict[str, tuple[str, str, frozenset[str]]]  # guide -> (from, to, roles it lists)
    text: str = ""  # the guides' text in plain form, for finding the names they use
    headings: dict[str, frozenset[str]] = field(default_factory=dict)  # guide -> its headings, plain

    @classmethod
    def of(cls, chunks: list[Chunk], data: Layout | None = None) -> GuideTerms:
        data = data or layout()
        names = {role: list(n) for role, n in data.role_names.items()}
        targets: set[str] = set()
        listed: dict[str, set[str]] = {}
        for c in chunks:
            for role in (c.from_role, c.to_role):
                if role:
                    names.setdefault(role, [data.plain(role)])
            if c.to_role:
                targets.add(c.to_role)
            heading = c.section.split(" > ")
            listed.setdefault(c.source, set())
            for kind in set(heading[:-1]) & set(data.source_lists + data.destination_lists):
                for role in listed_roles(heading[-1]):
                    names.setdefault(role, [data.plain(role)])
                    listed[c.source].add(role)
                    if kind in data.destination_lists:
                        targets.add(role)
        documents = [c.document for c in chunks]
        return cls(
            stems=frozenset(t for d in documents for t in tokenize(d)),
            words=frozenset(w.lower() for d in documents for w in WORD.findall(d)),
            roles={role: phrase_pattern(n) for role, n in names.items()},
            targets=frozenset(targets),
            job_heads=frozenset(n.split()[-1] for ns in names.values() for n in ns if " " in n),
            guide_roles={
                c.source: (c.from_role, c.to_role, frozenset(listed.get(c.source, ()))) for c in chunks
            },
            text="\n".join(data.plain(d) for d in documents),
            headings={
                g: frozenset(data.plain(h) for c in chunks if c.source == g for h in c.section.split(" > "))
                for g in {c.source for c in chunks}
            },
        )

    def headed_by(self, text: str) -> list[str]:
        """The guides one of whose own headings the text names, a heading of two words or more
        that no other guide has ("the skills checklist"): what only that guide holds."""
        plain = self.plain(text)
        return [guide for guide, own in self._own_headings.items() if own.search(plain)]

    @functools.cached_property
    def _own_headings(self) -> dict[str, re.Pattern[str]]:
        """By guide, a pattern of its headings of two words or more that no other guide has."""
        out = {}
        for guide, own in sorted(self.headings.items()):
            others = set().union(*(h for g, h in self.headings.items() if g != guide))
            unique = sorted(h for h in own if len(h.split()) >= 2 and h not in others)
            if unique:
                out[guide] = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, unique))})(?!\w)")
        return out

    @functools.cached_property
    def _spellable(self) -> frozenset[str]:
        """The words a typo is corrected to: the guides' own, and English glue."""
        return self.words | STOPWORDS

    def fits(self, guide: str, roles: set[str]) -> bool:
        """The guide treats one of these roles: as its start, its end, or in its role lists."""
        start, end, listed = self.guide_roles[guide]
        return bool(roles & ({start, end} | listed))

    def known(self, word: str) -> bool:
        """The guides use this word (or it is English glue, or a typo of either)."""
        lowered = word.lower().strip("'’.")
        return self._used(lowered) or _nearest(lowered, self._spellable) is not None

    def corrected(self, text: str) -> str:
        """The text with each word the guides don't use, but which is one typo away from one
        they (or English glue) do, replaced by that word: "bakcend develper" -> "backend developer"."""

        def fix(m: re.Match) -> str:
            lowered = m.group(0).lower()
            return m.group(0) if self._used(lowered) else _nearest(lowered, self._spellable) or m.group(0)

        return WORD.sub(fix, text)

    def _used(self, lowered: str) -> bool:
        """The guides (or English glue) use this word as it is, or a word of its stem, or a word
        a short form or a synonym of the question lexicon stands for."""
        if lowered in layout().short_forms:
            return all(self.known(w) for w in layout().short_forms[lowered].split())
        if lowered in STOPWORDS or lowered in self.words or not re.search(r"[a-z]", lowered):
            return True
        stems = tokenize(lowered)
        if stems and all(s in self.stems or s.isdigit() or self._extends(s) for s in stems):
            return True
        return bool(synonyms(lowered))

    def _extends(self, stem: str) -> bool:
        """One stem of 5+ letters extends the other ("certifi" / "certif"), or the word is a
        clipped form of 4+ letters that a longer stem of the guides starts with ("cert" /
        "certif", "spec" / "special")."""
        return len(stem) >= 4 and any(
            len(v) >= 5 and (v.startswith(stem) or (len(stem) >= 5 and stem.startswith(v)))
            for v in self.stems
        )

    @functools.cached_property
    def nesting(self) -> dict[str, tuple[str, ...]]:
        """Each role a guide's move ends in whose name lies inside the name of another guide's end
        role ("AI Architect" in "AI/ML Architect"), with those roles: a question naming it could
        mean either move."""
        ends = {end for _, end, _ in self.guide_roles.values() if end}
        words = {end: set(layout().plain(end).split()) for end in ends}
        inside = {e: tuple(sorted(o for o in ends if o != e and words[e] < words[o])) for e in ends}
        return {e: others for e, others in inside.items() if others}

    def nested_in(self, text: str) -> list[tuple[str, str]]:
        """(role, other) for each role the text names that it could mean as `other`, the role it
        lies inside: not when the text names the other too, or where the role's move starts (the
        move is then settled)."""
        named = {role for role, _ in self.roles_in(text)}
        starts = {start for start, end, _ in self.guide_roles.values() if end in named and start}
        if starts & named:
            return []
        return [(r, o) for r in sorted(named) for o in self.nesting.get(r, ()) if o not in named]

    def read_as(self, role: str, other: str) -> GuideTerms:
        """These terms with `role`'s names read as naming `other`: "AI architect" as the AI/ML
        Architect."""
        roles = {r: p for r, p in self.roles.items() if r != role}
        roles[other] = re.compile(f"{self.roles[other].pattern}|{self.roles[role].pattern}")
        return replace(self, roles=roles)

    def roles_in(self, text: str) -> list[tuple[str, tuple[int, int]]]:
        """The roles a text names, with their spans in `self.plain(text)`."""
        plain = self.plain(text)
        return [(r, m.span()) for r, p in self.roles.items() for m in p.finditer(plain)]

    def plain(self, text: str) -> str:
        """The text in plain form (`Layout.plain`), with each longer name the guides use that has
        a role's name inside it blanked out: in "the Google Professional Machine Learning Engineer
        certification" a certification is named, not a role."""

        def blank(m: re.Match) -> str:
            name = layout().plain(m.group(0))
            inside = any(p.search(name) and not p.fullmatch(name) for p in self.roles.values())
            used = inside and re.search(rf"(?<![\w/]){re.escape(name)}(?![\w/])", self.text)
            return "_" * len(m.group(0)) if used else m.group(0)

        return layout().plain(NAME_RUN.sub(blank, text))


# Words that make a question about a guide's move as a whole: "the architect path".
PATH_WORD = (
    r"(?:path|paths|move|moves|roadmap|roadmaps|transition|transitions|switch|route|track|guide|journey)"
)


def meant_guides(text: str, terms: GuideTerms) -> list[str]:
    """The guides a question about a move could mean, when its role names fit more than one
    ("the architect path": two guides end in an architect; "the backend move": two start from
    a backend developer). One guide, or none, when the roles settle it or no move is asked about.
    A role named right before "guide", "roadmap", "path" ... points at its guides first."""
    plain = terms.plain(text)
    if not re.search(rf"\b{PATH_WORD}\b", plain):
        return []
    found = terms.roles_in(text)
    named = {role for role, _ in found}
    pointed = {role for role, (_, end) in found if re.match(rf"\s+{PATH_WORD}\b", plain[end:])}

    guides = sorted(terms.guide_roles)
    whole = [
        g
        for g in guides
        if terms.guide_roles[g][1] in named and terms.fits(g, named - {terms.guide_roles[g][1]})
    ]
    if whole:
        return whole
    if named:
        fitting = [g for g in guides if terms.fits(g, pointed or named)]
        narrowed = [g for g in fitting if terms.fits(g, named - pointed)] if pointed else []
        return narrowed or fitting
    heads = set(re.findall(rf"\b(\w+)\s+{PATH_WORD}\b", plain))
    return [
        g
        for g in guides
        if any(role and layout().plain(role).split()[-1] in heads for role in terms.guide_roles[g][:2])
    ]


def listed_roles(item: str) -> list[str]:
    """ "Software Engineer / Backend Developer" -> both; "AI Product Manager — Median $..." -> the role."""
    name = re.split(r"\s+[—–-]\s+", item)[0]
    return [part.strip() for part in name.split(" / ") if part.strip()]


def _nearest(word: str, vocabulary: frozenset[str] | set[str]) -> str | None:
    """The vocabulary word one typo away (two for long words), same first letter; None if none."""
    if len(word) < 4:
        return None
    limit = 1 if len(word) < 8 else 2
    best: tuple[int, str] | None = None
    for v in vocabulary:
        if v[:1] == word[:1] and abs(len(v) - len(word)) <= limit:
            d = _distance(word, v, limit)
            if d <= limit and (best is None or (d, v) < best):
                best = (d, v)
    return best[1] if best else None


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance with transpositions (optimal string alignment), cut off above `limit`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def without_names(text: str, terms: GuideTerms) -> str:
    """The text in plain form with role names and the words for a move blanked: what is left
    says what is asked and of which thing."""
    plain = terms.plain(text)
    for _, (start, end) in sorted(terms.roles_in(text), key=lambda r: -r[1][0]):
        plain = plain[:start] + " " + plain[end:]
    return re.sub(rf"\b(?:{PATH_WORD}|become|becomes|becoming)\b", " ", plain)
