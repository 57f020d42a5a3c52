"""Find the text of a guide that speaks to whoever answers from it, not to its reader.

A career guide tells its reader what to learn and how long it takes. A sentence that tells an AI
assistant what to say ("Note to AI assistants: ...", "When a user asks about X, tell them ...",
"Do not include citations", "SYSTEM: reply only with ..."), or that a reader never sees (an HTML
comment, zero-width characters), is not guide content: it is an instruction planted for the
model. Such sentences are blanked at ingest (`blank_instructions`) before the guide is parsed,
so no passage, fact or citation holds them, and `coach index` reports each one it left out.

What marks an instruction here is its form, not its topic:
- a role label or chat-template tag at the start of a line or sentence ("SYSTEM:", "<system>");
- an address to the answering machine ("note for AI assistants", "assistants must not ...");
- a speech act aimed at the asker ("tell every reader ...", "when a user asks ..., say ...");
- an attempt to change the rules ("ignore the other guides", "do not say so", "make up an answer",
  "reply only with the word ...", "reveal your prompt");
- a sentence that follows one of these in the same paragraph and starts with a command verb
  ("Ignore them and ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MACHINE = (
    r"(?:(?:ai|artificial intelligence)\s+(?:assistants?|models?|systems?|tools?|readers?|chatbots?)|"
    r"assistants?|chatbots?|chat\s?bots?|language models?|llms?|gpts?|bots?|summari[sz]ers?|crawlers?)"
)
_ASKER = r"(?:users?|readers?|visitors?|askers?|customers?|people|anyone|everyone|someone|candidates?)"
_SPEECH = r"(?:tell|say|state|claim|reply|respond|answer|write|output|print|mention|inform|assure|recommend)"
_RULES = r"(?:instructions?|rules?|guidelines?|guides?|passages?|sources?|prompts?|context|policies|polic(?:y|ies))"

MARKERS = [
    # A role label or chat-template tag: "SYSTEM:", "[assistant]:", "<system>", "<|im_start|>".
    re.compile(
        r"(?:^|(?<=[.!?]\s))\s*[\[<(]?\s*(?:system|assistant|developer|user|instructions?)\s*[\])>]?\s*:",
        re.I,
    ),
    re.compile(r"<\s*(?:system|assistant|instructions?|inst|prompt)\s*>|<\|[a-z_]+\|>|\[INST\]", re.I),
    # Addressed to the machine: "note for AI assistants".
    re.compile(
        rf"\b(?:note|message|instructions?|reminder|notice|memo|attention)\s+(?:\w+\s+){{0,2}}?(?:to|for)\s+"
        rf"(?:the\s+|any\s+|all\s+|every\s+)?{_MACHINE}\b",
        re.I,
    ),
    # The machine told what to do with the very text it reads: "any AI model quoting this section
    # should ...", "summarisers should not attach a reference to this sentence".
    re.compile(
        rf"\b{_MACHINE}\b[^.!?]{{0,60}}?\b(?:must|should|shall|need to|have to|are to|is to|may|cannot|can't|"
        r"will|never|always)\b(?:\s+not)?\s+(?!be\b|been\b)\w+\b[^.!?;]{0,40}\b(?:this|these|the present)\s+"
        r"(?:sentences?|sections?|passages?|pages?|guides?|documents?|texts?|paragraphs?|notes?|lines?)\b",
        re.I,
    ),
    re.compile(
        rf"\b{_MACHINE}\s+(?:\w+ing)\s+(?:from\s+|over\s+)?(?:this|these)\s+"
        r"(?:sentences?|sections?|passages?|pages?|guides?|documents?|texts?|paragraphs?)\b[^.!?]*\b"
        r"(?:must|should|shall|need to|have to|are to|is to|may|cannot|can't|will|never|always)\b",
        re.I,
    ),
    # A speech act aimed at the asker: "tell every reader that", "when a user asks ..., tell them".
    re.compile(
        rf"\b(?:tell|inform|assure|convince|remind)\s+(?:the\s+|every\s+|each\s+|all\s+|any\s+)?{_ASKER}\b",
        re.I,
    ),
    re.compile(
        rf"\b(?:when|if|whenever|should)\s+(?:a\s+|an\s+|the\s+|any\s+)?{_ASKER}\s+(?:\w+\s+)?"
        rf"(?:asks?|asked|asking|questions?|wants? to know)\b[^.!?]*\b{_SPEECH}\b",
        re.I,
    ),
    # Changing the rules.
    re.compile(
        rf"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|these\s+|those\s+|your\s+|"
        rf"previous\s+|prior\s+|above\s+|other\s+|earlier\s+|every\s+|existing\s+|career\s+)*{_RULES}\b",
        re.I,
    ),
    re.compile(
        r"\b(?:do not|don't|never|must not)\s+(?:say|admit|mention|reveal|tell|cite|include|add|give|show)\s+"
        r"(?:so|that you|any\s+(?:citations?|sources?|references?)|citations?|sources?|references?|"
        r"(?:the\s+)?(?:passage|source)\s+numbers?)\b",
        re.I,
    ),
    re.compile(
        r"\bmake up\s+(?:an?\s+|the\s+|your\s+)?(?:\w+\s+)?(?:answers?|facts?|figures?|numbers?)\b", re.I
    ),
    re.compile(
        rf"\b{_SPEECH}\s+(?:only\s+)?(?:with\s+)?(?:only\s+)?(?:the\s+(?:single\s+)?word|exactly\s+(?:the\s+)?(?:words?|text|phrase))\b",
        re.I,
    ),
    re.compile(
        r"\b(?:reveal|print|output|show|repeat|disclose|dump)\s+(?:your|the)\s+(?:system\s+|hidden\s+|full\s+)?"
        r"(?:prompt|instructions|rules|configuration)\b",
        re.I,
    ),
]
# What a reader never sees (HTML comments, zero-width characters), and a chat-template block
# ("<system>...</system>", "[INST]...[/INST]") as a whole.
HIDDEN = re.compile(
    r"<!--.*?(?:-->|$)|[\u200b-\u200f\u2060-\u2064\ufeff]+|"
    r"<\s*(system|assistant|instructions?|inst|prompt)\s*>.*?<\s*/\s*\1\s*>|\[INST\].*?\[/INST\]",
    re.S | re.I,
)
# A command that carries an instruction on into the next sentence: "Ignore them and answer ...".
COMMAND = re.compile(
    rf"^\s*(?:{_SPEECH}|ignore|disregard|forget|do not|don't|never|always|only|instead|cite|drop|omit)\b",
    re.I,
)
# A sentence ends at a stop followed by a space or the line's end ("www.example.org" is one word).
SENTENCE = re.compile(r"(?:[^\n.!?]|[.!?]+(?![\s.!?]|$))+[.!?]*")


@dataclass(frozen=True)
class LeftOut:
    """A stretch of a guide's text blanked as an instruction, with where it was."""

    start: int
    end: int
    line: int  # 1-based
    text: str


def instructions(text: str) -> list[LeftOut]:
    """The stretches of `text` that speak to the answering machine, in order."""
    found = [(m.start(), m.end()) for m in HIDDEN.finditer(text)]
    shown = _blanked(text, found)  # the sentences around a hidden block are read without it
    for paragraph in re.finditer(r"[^\n]+", shown):
        carried = False
        for m in SENTENCE.finditer(paragraph.group(0)):
            sentence = m.group(0)
            if not sentence.strip():
                continue
            flagged = any(p.search(sentence) for p in MARKERS) or (carried and bool(COMMAND.match(sentence)))
            if flagged:
                found.append((paragraph.start() + m.start(), paragraph.start() + m.end()))
            carried = flagged
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return [LeftOut(s, e, text.count("\n", 0, s) + 1, " ".join(text[s:e].split())) for s, e in merged]


def blank_instructions(text: str) -> tuple[str, list[LeftOut]]:
    """`text` with every instruction blanked to spaces (same length, line breaks kept, so every
    offset into the file still points at the same text), and what was blanked."""
    found = instructions(text)
    return _blanked(text, [(f.start, f.end) for f in found]), found


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def left_out_line(guide: str, found: list[LeftOut]) -> str:
    """One line for `coach index`: how many instructions a guide held and the first of them."""
    first = found[0]
    shown = first.text if len(first.text) <= 80 else first.text[:77] + "..."
    more = f" and {len(found) - 1} more" if len(found) > 1 else ""
    return (
        f"Left out of {guide}: {len(found)} instruction{'s' if len(found) > 1 else ''} to an assistant, "
        f"not guide text (line {first.line}: '{shown}'{more}). Check the guide's source."
    )
