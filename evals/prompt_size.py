"""How much new text the model reads per question: the tokens of an answer request after its
fixed part (system rules and worked examples, which a local server keeps from one request to
the next), counted with the embedded model's own tokenizer.

`Recording` wraps the coach's model and keeps every request it is sent; `NewTokens` counts the
new tokens of the answer requests among them. Not here: timing (the suite times each case) or
any other endpoint's tokenizer (against another endpoint the count is not taken).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import get_args

from coach.llm import ChatModel
from coach.prompts import PassageLayout, fixed_messages, guide_prefix
from coach.records import Chunk
from coach.settings import Settings


class Recording:
    """A ChatModel that passes every request on and keeps its messages, in order."""

    def __init__(self, model: ChatModel) -> None:
        self.model = model
        self.requests: list[list[dict[str, str]]] = []

    def __getattr__(self, name: str):
        """What else the model offers (the embedded server's `keep_prefix`), passed through."""
        if name == "model":
            raise AttributeError(name)
        return getattr(self.model, name)

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        self.requests.append(messages)
        yield from self.model.stream(messages, max_tokens)


class NewTokens:
    """Counts the tokens an answer request adds to the fixed part, or to a guide's kept prefix."""

    def __init__(self, count: Callable[[str], int], guides: Iterable[Sequence[Chunk]] = ()) -> None:
        self.count = count
        self.fixed = [fixed_messages(layout) for layout in get_args(PassageLayout)]
        self.guides = [guide_prefix(chunks) for chunks in guides]

    def of(self, messages: list[dict[str, str]]) -> int | None:
        """The new tokens of an answer request (its question and context), after the fixed part of
        whichever layout it was sent in, or after the guide prefix it continues; None for any other
        request (a follow-up rewrite, the judge)."""
        for *fixed, opening in self.guides:
            last = messages[-1]["content"]
            if messages[:-1] == fixed and last.startswith(opening["content"]):
                return self.count(last[len(opening["content"]) :])
        for fixed in self.fixed:
            if messages[: len(fixed)] == fixed:
                return sum(self.count(m["content"]) for m in messages[len(fixed) :])
        return None

    @classmethod
    def for_settings(cls, settings: Settings, guides: Iterable[Sequence[Chunk]] = ()) -> NewTokens | None:
        """The counter for the embedded model; None when another endpoint answers."""
        if settings.llm_base_url:
            return None
        from llama_cpp import Llama

        from coach.model_files import model_path

        vocab = Llama(model_path=str(model_path(settings.models_dir)), vocab_only=True, verbose=False)
        return cls(
            lambda text: len(vocab.tokenize(text.encode("utf-8"), add_bos=False, special=True)), guides
        )
