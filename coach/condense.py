"""A follow-up as retrieval and the model take it: the user's text beside the previous turn's frame.

A follow-up the previous turn left a frame for keeps the user's text as written; the frame travels
beside it, typed (`Query`): its guides are the ones retrieval prefers, what it was about is read
by the embedder and the lexical index beside the text (never for the roles it names), and the
model is told it in words. When the previous turn left no frame, the model rewrites the follow-up
to stand on its own:

"Which course does the guide suggest for it?" after a question about PyTorch for backend
developers becomes "Which course does the backend developer to deep learning engineer guide
suggest for PyTorch?". A question that already stands alone is left as it is, without asking
the model. If the model's rewrite is unusable, the previous question is prepended instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.frame import Frame
from coach.lexical import tokenize
from coach.llm import ChatModel, complete
from coach.prompts import condense_messages
from coach.roles import roles_in
from coach.verify import names_in

# Words that point back into the conversation.
REFERS_BACK = re.compile(
    r"\b(it|its|that|those|these|this|they|them|their|there|he|she|same|above|former|latter|"
    r"the guide|the course|the role|the transition|the path|the phase|the skill|one|ones)\b"
    r"|^(and|but|also|so|what about|how about|then|or)\b",
    re.IGNORECASE,
)


# Words a rewrite may add without changing what is asked.
GENERIC = frozenset(
    tokenize(
        "guide course role transition path phase skill learn learning become moving move question take "
        "engineer developer architect roadmap"
    )
)


BACK_REFERENCES = frozenset(
    tokenize("it its that those these this they them their which one ones same about")
)


@dataclass(frozen=True)
class Query:
    """A question as retrieval and the model take it.

    text: the user's text (with no frame to read a follow-up against, the model's standalone
    rewrite of it); frame: the previous turn's frame, when this turn leans on it."""

    text: str
    frame: Frame | None = None

    @property
    def follow_up(self) -> bool:
        return self.frame is not None

    @property
    def guides(self) -> tuple[str, ...]:
        """The guides the conversation was about: retrieval prefers them when the text names no role."""
        return self.frame.guides if self.frame else ()

    @property
    def named(self) -> str:
        """The text and the things the previous turn was about, with what was asked of them ("which
        course for it? Deep Learning Frameworks (PyTorch) weeks"): what a passage's heading is
        matched against."""
        return " ".join([self.text, *(self.frame.named() if self.frame else [])])

    def about(self, labels: dict[str, str]) -> str:
        """What the conversation was about, as shown ("Backend Developer → Deep Learning Engineer ·
        Deep Learning Frameworks (PyTorch) · weeks"); "" for a question read on its own."""
        return self.frame.about(labels) if self.frame else ""

    def told(self, labels: dict[str, str]) -> str:
        """The question as the model reads it: the text, and what the conversation was about in
        words ("what about her side project? (about: AI Engineer path · Yuki)")."""
        about = self.about(labels)
        return f"{self.text} (about: {about})" if about else self.text


def needs_rewrite(question: str, history: list[tuple[str, str]]) -> bool:
    if not history:
        return False
    words = question.split()
    if len(words) <= 4:
        return True
    return bool(REFERS_BACK.search(question)) or not roles_in(question)


def _clean(text: str) -> str:
    line = next((ln for ln in text.strip().splitlines() if ln.strip()), "")
    line = re.sub(r"^(rewritten|question|standalone question)\s*:\s*", "", line.strip(), flags=re.I)
    return line.strip().strip('"').strip()


def standalone_question(
    model: ChatModel, history: list[tuple[str, str]], question: str, max_chars: int = 300
) -> str:
    """The question to retrieve with. history: (user turn, coach answer) pairs, oldest first."""
    if not needs_rewrite(question, history):
        return question
    recent = history[-2:]
    rewritten = _clean(complete(model, condense_messages(recent, question), max_tokens=60))
    said = " ".join([question, *(f"{user} {coach}" for user, coach in recent)])
    usable = 8 <= len(rewritten) <= max_chars and rewritten.lower() != question.lower()
    if (
        usable
        and not invented_words(rewritten, said)
        and keeps_the_thread(rewritten, question, history[-1][0])
    ):
        return rewritten
    return f"{history[-1][0]} {question}"


def keeps_the_thread(rewritten: str, question: str, previous: str) -> bool:
    """The rewrite keeps what the follow-up asks, and names what it points back to.

    "Which of those takes longer?" must still ask about "longer"; "Which course does it suggest
    for it?" after a question about PyTorch must mention PyTorch.
    """
    words = set(tokenize(rewritten))
    own = set(tokenize(question)) - BACK_REFERENCES - GENERIC
    if not own <= words:
        return False
    if not REFERS_BACK.search(question):
        return True
    topics = {t for name in names_in(previous) for t in tokenize(name)} - _role_words(previous)
    return not topics or bool(topics & words)


def _role_words(text: str) -> set[str]:
    return set(tokenize(" ".join(roles_in(text)))) | set(tokenize("backend deep learning ml ai"))


def invented_words(rewritten: str, said: str) -> set[str]:
    """Words of the rewrite that nobody said in the conversation (the model made them up)."""
    known = set(tokenize(said)) | GENERIC
    return {w for w in tokenize(rewritten) if w not in known and not w.isdigit()}
