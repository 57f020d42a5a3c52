"""The context holds what the model is sent: the fixed part, the largest guide laid out as its
passages, the longest question allowed with its about line and hint, and the longest answer,
counted with the embedded model's own tokenizer and chat template."""

from __future__ import annotations

import pytest

from coach.model_files import is_assembled, model_path
from coach.prompts import fixed_messages, guide_messages, guide_prefix
from coach.settings import PROJECT_ROOT, Settings

MODELS = PROJECT_ROOT / "models"
ABOUT = " (about: Deep Learning Engineer → Machine Learning Engineer · Cloud & Production Skills (AWS/GCP) · weeks)"


@pytest.fixture(scope="module")
def tokens():
    if not is_assembled(MODELS):
        pytest.skip("the embedded model is not set up (make setup)")
    from llama_cpp import Llama

    from coach.model_server import chat_formatter

    vocab = Llama(model_path=str(model_path(MODELS)), vocab_only=True, verbose=False)
    formatter = chat_formatter(vocab)

    def count(messages: list[dict[str, str]]) -> int:
        prompt = formatter(messages=messages).prompt
        return len(vocab.tokenize(prompt.encode("utf-8"), add_bos=False, special=True))

    return count


def test_the_largest_guide_and_the_longest_question_leave_room_for_the_answer(retriever, tokens):
    settings = Settings()
    guides: dict[str, list] = {}
    for chunk in sorted(retriever.chunks, key=lambda c: (c.source, c.position)):
        guides.setdefault(chunk.source, []).append(chunk)
    largest = max(guides.values(), key=lambda chunks: tokens(guide_prefix(chunks)))
    # The longest question allowed, in the guides' own prose (about 4 characters a token).
    prose = " ".join(c.text for c in largest)
    question = prose[: settings.max_question_chars]
    hint = list(range(len(largest) - settings.top_k + 1, len(largest) + 1))
    sent = tokens(guide_messages(question + ABOUT, largest, hint))
    assert tokens(fixed_messages()) < tokens(guide_prefix(largest)) < sent
    assert sent + settings.max_answer_tokens <= settings.llm_context
    # What the settings' comment states, so a guide grown past it is seen here first.
    assert tokens(guide_prefix(largest)) <= 3_600
