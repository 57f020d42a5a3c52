"""The language model interface: one method that streams a chat completion.

The real implementation is the `openai` client pointed at any OpenAI-compatible endpoint
(OpenAI, Ollama, vLLM, llama.cpp, or the embedded local server). Tests fake this interface.
Not here: starting the local server (see `coach.llm_server`), prompts, or checking answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from coach.errors import CoachError


class LLMUnavailableError(CoachError):
    """The model endpoint cannot be reached or refused the request."""


class LLMConnectionLostError(LLMUnavailableError):
    """Nothing answers at the endpoint, or its connection broke in the middle of a reply: the
    server is gone (not refusing, not slow), so one that was started here can be started again."""


class ChatModel(Protocol):
    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        """Yield the reply's text in pieces, generated at temperature 0."""
        ...


def complete(model: ChatModel, messages: list[dict[str, str]], max_tokens: int) -> str:
    return "".join(model.stream(messages, max_tokens))


class OpenAIChatModel:
    """A ChatModel backed by the `openai` client at `base_url`."""

    def __init__(self, base_url: str, model: str, api_key: str | None, timeout: float) -> None:
        from openai import OpenAI

        self.base_url = base_url
        self.model = model
        self.timeout = timeout
        # Local servers ignore the key, but the client insists on one.
        self._client = OpenAI(
            base_url=base_url, api_key=api_key or "not-needed", timeout=timeout, max_retries=0
        )

    def choose(self, messages: list[dict[str, str]], schema: dict, max_tokens: int) -> str:
        """The reply, at temperature 0, constrained to JSON matching `schema` (OpenAI's structured
        outputs; the embedded server, vLLM and llama.cpp's server build a grammar from it)."""
        format_ = {"type": "json_schema", "json_schema": {"name": "choice", "schema": schema}}
        return "".join(self.stream(messages, max_tokens, response_format=format_))

    def stream(
        self, messages: list[dict[str, str]], max_tokens: int, response_format: dict | None = None
    ) -> Iterator[str]:
        import openai

        extra = {"response_format": response_format} if response_format else {}
        replied = False
        try:
            response = self._client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                max_tokens=max_tokens,
                temperature=0,
                stream=True,
                **extra,  # type: ignore[arg-type]
            )
            for event in response:
                if event.choices and event.choices[0].delta.content:
                    replied = True
                    yield event.choices[0].delta.content
        except openai.APITimeoutError:  # slow, not gone: asking again at once would not help
            raise LLMUnavailableError(
                f"The language model at {self.base_url} did not answer within {self.timeout:.0f} s. "
                "Ask again, or set COACH_LLM_TIMEOUT higher."
            ) from None
        except openai.APIConnectionError:
            if replied:  # the server went away (it was killed, or crashed) in mid-reply
                raise LLMConnectionLostError(
                    f"The language model at {self.base_url} stopped in the middle of its reply. Ask again."
                ) from None
            raise LLMConnectionLostError(
                f"The language model at {self.base_url} is not answering. Start it (`coach serve`) "
                "or set COACH_LLM_BASE_URL to a running OpenAI-compatible endpoint."
            ) from None
        except openai.AuthenticationError:
            raise LLMUnavailableError(
                f"The language model at {self.base_url} rejected the API key. Set COACH_LLM_API_KEY."
            ) from None
        except openai.NotFoundError:
            raise LLMUnavailableError(
                f"The endpoint {self.base_url} has no model '{self.model}'. Set COACH_LLM_MODEL to one it serves."
            ) from None
        except openai.APIError as exc:
            raise LLMUnavailableError(
                f"The language model at {self.base_url} failed ({type(exc).__name__}). Try again."
            ) from None
