"""A scripted OpenAI-compatible chat server on loopback, standing in for the language model.

It speaks the same HTTP protocol as OpenAI, Ollama or llama-cpp-python's server (including
streamed server-sent events), so the coach's real client code runs against it unchanged. Each
test gives it a `reply(messages) -> str` function and reads back the requests it received.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Reply = Callable[[list[dict]], str]


class FakeLLM:
    def __init__(self, reply: Reply, model: str = "fake-model", port: int = 0) -> None:
        self.reply = reply
        self.model = model
        self.requests: list[dict] = []
        self.fail_with: int | None = None  # an HTTP status to answer every request with
        self.delay = 0.0  # seconds between streamed words, to watch an answer arrive
        # Streamed words after which the connection is cut, as a server killed mid-answer cuts it.
        self.die_after: int | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._json(200, {"object": "list", "data": [{"id": fake.model, "object": "model"}]})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(body)
                if fake.fail_with:
                    self._json(fake.fail_with, {"error": {"message": "scripted failure"}})
                    return
                text = fake.reply(body["messages"])
                if not body.get("stream"):
                    self._json(200, {
                        "id": "x", "object": "chat.completion", "created": 0, "model": fake.model,
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": text}}],
                    })  # fmt: skip
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                if fake.die_after is not None:  # promises more than it sends: a broken stream
                    self.send_header("Content-Length", str(10**7))
                self.end_headers()
                words = text.split(" ")
                for i, word in enumerate(words):
                    if i == fake.die_after:
                        self.wfile.flush()
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    piece = word if i == 0 else " " + word
                    event = {
                        "id": "x", "object": "chat.completion.chunk", "created": 0, "model": fake.model,
                        "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                    }  # fmt: skip
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                    self.wfile.flush()
                    time.sleep(fake.delay)
                self.wfile.write(b"data: [DONE]\n\n")

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeLLM:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def last_user_message(messages: list[dict]) -> str:
    return next(m["content"] for m in reversed(messages) if m["role"] == "user")


def is_condense(messages: list[dict]) -> bool:
    return last_user_message(messages).rstrip().endswith("Rewritten:")


PYTORCH_Q = "How many weeks should a backend developer spend on PyTorch when moving into deep learning?"
# An FAQ asked in words of its own: no fact answers it, so the model path does.
PHD_Q = "Is a PhD necessary to become an AI engineer?"
COURSE_Q = "Which course does the guide suggest for it?"
REWRITTEN = "Which course does the backend developer to deep learning engineer guide suggest for PyTorch?"


def passages_of(messages: list[dict]) -> dict[int, str]:
    """The numbered passages in the last request, as {n: block text}."""
    text = last_user_message(messages)
    listed = text.split("Passages:\n", 1)[1].split("\n\nQuestion:")[0]
    # Laid out by guide, a "Guide: ..." line stands over its passages: each block starts at its number.
    blocks = re.split(r"\n\n(?:Guide: [^\n]*\n)?(?=\[\d+\] )", re.sub(r"\AGuide: [^\n]*\n", "", listed))
    return {int(b[1 : b.index("]")]): b for b in blocks}


def scripted(answer: str | None = None, rewrite: str = REWRITTEN):
    """A reply function: rewrites follow-ups, and answers with `answer` (or from the passages)."""

    def reply(messages: list[dict]) -> str:
        if is_condense(messages):
            return rewrite
        if answer is not None:
            return answer
        wants_course = "course" in last_user_message(messages).split("Question:")[-1]
        for n, block in passages_of(messages).items():
            if wants_course and "Daniel Bourke" in block:
                return f"The guide suggests the 'PyTorch for Deep Learning' course on Udemy by Daniel Bourke [{n}]."
            if "Priority: Critical · 6 weeks" in block:
                return f"The guide gives Deep Learning Frameworks (PyTorch) 6 weeks [{n}]."
        return "NOT IN GUIDES"

    return reply


def echo_top_passage(messages: list[dict]) -> str:
    """A reply function: the first line of passage [1], cited; follow-ups rewritten as asked."""
    if is_condense(messages):
        return last_user_message(messages).rsplit("User:", 1)[-1].split("Rewritten:")[0].strip()
    return f"{first_sentence(passages_of(messages)[1].split(chr(10), 1)[1]).rstrip('.')} [1]."


def first_sentence(text: str) -> str:
    """The first sentence of a passage that has at least five words."""
    from coach.verify import split_sentences

    return next(s for s, _ in split_sentences(text) if len(s.split()) >= 5)
