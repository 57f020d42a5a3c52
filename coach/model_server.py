"""The embedded model's own OpenAI-compatible server, which keeps the model states of prompt prefixes.

`python -m coach.model_server --model FILE --alias NAME --port N --context N --threads N --states DIR
--model-sha HEX` serves on loopback:
- `GET /v1/models`: the one model, by its alias;
- `POST /v1/chat/completions`: `messages`, `max_tokens`, `temperature`, `stream`, `stop`, and
  `response_format` (`{"type": "json_schema", "json_schema": {"schema": ...}}` or `json_object`),
  answered under a grammar built from the schema;
- `POST /v1/prefix_states`: `{"messages": [...], "build": bool}`. The prefix is the messages in the
  model's chat format up to the end of the last one's content (a user message that a question will
  continue). Answers `{"key", "tokens", "ready", "seconds"}`; with `build`, reads the prefix once (if
  no state of it is on disk) and saves its state;
- `GET /v1/prefix_states`: the states kept; `POST /v1/prefix_states/prune` with `{"keep": [key, ...]}`
  removes the others.

Each chat request starts from the kept state sharing the longest token prefix with its prompt: read
from its file (the page cache keeps it; ~10-20 ms) unless the model holds it already, and only the
rest of the prompt is read. What a request adds (its question, its answer) is never kept: the next
request starts again from a kept prefix, so a question asked twice is read twice. A state is keyed
by the model file's SHA-256, the llama-cpp-python version, the KV cache type and the prefix text, so
a state of another model, build or text is never restored. States are written whole (a temporary
file renamed into place) and only for prefixes: nothing of a user's question is written to disk.

One completion or build runs at a time; a question waiting goes before a build waiting, so a build
of several prefixes (one request each) delays a question by one prefix's reading at most.
A state file that can't be read (cut short, or removed by another server sharing the folder) is
forgotten and the next-longest kept prefix used. Several servers (ports) may share one folder:
each writes under its own temporary names.
Not here: starting and stopping it (`coach.llm_server`), which prefixes to keep (`coach.kept`).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import hashlib
import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# The KV cache layout, set explicitly and part of every state's key: f16 keys and values (a q8_0
# cache read the question turn slower here, measured) and no flash attention (slower here too).
KV_TYPE = "f16"
FLASH_ATTENTION = False
# llama-cpp-python's own server's sampling defaults, so answers are the same as they were with it.
SAMPLING = {"top_k": 40, "top_p": 0.95, "min_p": 0.05, "repeat_penalty": 1.1}
MAX_BODY = 4_000_000


class Gate:
    """One model user at a time; a waiting question goes before a waiting build."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._busy = False
        self._questions = 0

    @contextlib.contextmanager
    def hold(self, question: bool) -> Iterator[None]:
        with self._cond:
            self._questions += question
            self._cond.wait_for(lambda: not self._busy and (question or not self._questions))
            self._questions -= question
            self._busy = True
        try:
            yield
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()


def chat_formatter(llama):
    """The model's own chat template (from its GGUF file), as llama-cpp-python applies it."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    eos_id, bos_id = llama.token_eos(), llama.token_bos()
    return Jinja2ChatFormatter(
        template=llama.metadata["tokenizer.chat_template"],
        eos_token=llama._model.token_get_text(eos_id) if eos_id != -1 else "",
        bos_token=llama._model.token_get_text(bos_id) if bos_id != -1 else "",
        stop_token_ids=[eos_id],
    )


@dataclass(frozen=True)
class State:
    key: str
    tokens: tuple[int, ...]
    path: Path


def common_prefix(a: tuple[int, ...] | list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _alive(pid: str) -> bool:
    """A process of this id runs (a temporary file's writer)."""
    return pid.isdigit() and Path(f"/proc/{pid}").exists()


def _synced(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


class PrefixModel:
    """A llama_cpp.Llama with kept prefix states. Not thread-safe: callers hold the Gate."""

    def __init__(self, args: argparse.Namespace) -> None:
        import llama_cpp

        self.llama_cpp = llama_cpp
        self.llama = llama_cpp.Llama(
            model_path=args.model,
            n_ctx=args.context,
            n_threads=args.threads,
            n_batch=512,
            n_ubatch=256,  # read prompts 1-8% faster than 512 here over four runs (python -m bench.batch)
            logits_all=False,
            type_k=llama_cpp.GGML_TYPE_F16,
            type_v=llama_cpp.GGML_TYPE_F16,
            flash_attn=FLASH_ATTENTION,
            verbose=False,
        )
        self.formatter = chat_formatter(self.llama)
        eos = self.formatter.eos_token
        self.stop = [eos] if eos else []
        self.salt = f"{args.model_sha}\n{llama_cpp.__version__}\n{KV_TYPE}\n"
        if FLASH_ATTENTION:
            self.salt += "flash-attention\n"
        self.states_dir = Path(args.states)
        self.states_dir.mkdir(parents=True, exist_ok=True)
        self.states: dict[str, State] = {}
        self.covered = 0  # the tokens the last request found kept
        self._load_index()

    # -- states on disk ------------------------------------------------------------------------

    def _load_index(self) -> None:
        """The kept states of this model, build and KV type; others' files are removed."""
        for meta in sorted(self.states_dir.glob("*.json")):
            try:
                data = json.loads(meta.read_text(encoding="utf-8"))
                key, salt, tokens = data["key"], data["salt"], tuple(int(t) for t in data["tokens"])
            except (OSError, ValueError, KeyError, TypeError):  # unreadable: removed below
                key, salt, tokens = meta.stem, None, ()
            path = meta.with_suffix(".state")
            if salt != self.salt or key != meta.stem or not path.exists():
                meta.unlink(missing_ok=True)
                path.unlink(missing_ok=True)
                continue
            self.states[key] = State(key, tokens, path)
        for orphan in self.states_dir.glob("*.state"):  # killed between its two renames
            if orphan.stem not in self.states:
                orphan.unlink(missing_ok=True)
        for leftover in self.states_dir.glob("*.partial"):  # from a build killed before its rename
            if not _alive(leftover.name.split(".")[1]):  # another server's build in progress is left
                leftover.unlink(missing_ok=True)

    def key(self, prefix_text: str) -> str:
        return hashlib.sha256((self.salt + prefix_text).encode("utf-8")).hexdigest()[:32]

    def prefix_text(self, messages: list[dict]) -> str:
        """The chat-formatted messages up to the end of the last one's content."""
        last = messages[-1]["content"]
        prompt = self.formatter(messages=messages).prompt
        cut = prompt.rfind(last)
        if not last or cut < 0:
            raise ValueError("the last message's content is not in the formatted prompt")
        return prompt[: cut + len(last)]

    def tokenize(self, text: str) -> list[int]:
        return self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def lookup(self, messages: list[dict]) -> tuple[str, list[int]]:
        """A prefix's key and tokens; needs only the tokenizer, never the model's context."""
        text = self.prefix_text(messages)
        return self.key(text), self.tokenize(text)

    def build(self, key: str, tokens: list[int]) -> None:
        """Read the prefix (from the longest kept part of it) and keep its state, unless kept."""
        if key in self.states:
            return
        if len(tokens) >= self.llama.n_ctx():
            raise ValueError(
                f"the prefix has {len(tokens)} tokens; the context holds {self.llama.n_ctx()} "
                "(raise COACH_LLM_CONTEXT, then `coach stop` so the server starts again with it)"
            )
        covered = self._restore(tokens)  # a kept fixed part is not read again
        self.llama.eval(tokens[covered:])
        self._save(key, tokens)

    def _clear(self) -> None:
        memory = self.llama_cpp.llama_get_memory(self.llama.ctx)
        self.llama_cpp.llama_memory_clear(memory, True)

    def _save(self, key: str, tokens: list[int]) -> None:
        """Write the state, then its index entry, each whole and on disk before it is named: a
        crash or power loss leaves the old files or none, never a cut-short one under its name."""
        path = self.states_dir / f"{key}.state"
        partial = self.states_dir / f"{key}.{os.getpid()}.state.partial"
        array = (self.llama_cpp.llama_token * len(tokens))(*tokens)
        written = self.llama_cpp.llama_state_seq_save_file(
            self.llama.ctx, str(partial).encode(), 0, array, len(tokens)
        )
        if not written:
            partial.unlink(missing_ok=True)
            raise OSError(f"could not write the state file {partial}")
        _synced(partial)
        os.replace(partial, path)
        meta = path.with_suffix(".json")
        partial_meta = self.states_dir / f"{key}.{os.getpid()}.json.partial"
        partial_meta.write_text(
            json.dumps({"key": key, "salt": self.salt, "tokens": tokens}), encoding="utf-8"
        )
        _synced(partial_meta)
        os.replace(partial_meta, meta)
        self.states[key] = State(key, tuple(tokens), path)

    def _forget(self, key: str) -> None:
        """Drop a kept state that can't be read, and its files: it is built again when asked."""
        state = self.states.pop(key, None)
        if state is not None:
            state.path.with_suffix(".json").unlink(missing_ok=True)
            state.path.unlink(missing_ok=True)

    def prune(self, keep: set[str]) -> list[str]:
        removed = [k for k in self.states if k not in keep]
        for key in removed:
            self._forget(key)
        return removed

    def _restore(self, tokens: list[int]) -> int:
        """Start from the kept state sharing the longest prefix with `tokens`; how many tokens it
        covers (0: none, the prompt is read whole). A state whose file can't be read is forgotten
        and the next-longest tried."""
        while True:
            best, covered = None, 0
            for state in self.states.values():
                n = common_prefix(state.tokens, tokens)
                if n > covered:
                    best, covered = state, n
            if best is None or self._holds(best) or self._load(best):
                break
            self._forget(best.key)
        # Only the kept prefix counts as held: what the last request added is read again.
        self.llama.n_tokens = covered
        self.llama._requires_eval = True
        return covered

    def _holds(self, state: State) -> bool:
        """The model's context holds this state's tokens already (the last request started there)."""
        held = self.llama.n_tokens
        return held >= len(state.tokens) and common_prefix(
            state.tokens, list(self.llama.input_ids[:held])
        ) == len(state.tokens)

    def _load(self, state: State) -> bool:
        """Load a state's file into the context; False (the context cleared) when it can't be read."""
        self._clear()
        capacity = len(state.tokens)
        out = (self.llama_cpp.llama_token * capacity)()
        count = ctypes.c_size_t(0)
        read = self.llama_cpp.llama_state_seq_load_file(
            self.llama.ctx, str(state.path).encode(), 0, out, capacity, ctypes.byref(count)
        )
        if not read or count.value != capacity or list(out) != list(state.tokens):
            self._clear()
            self.llama.n_tokens = 0
            return False
        self.llama.input_ids[:capacity] = state.tokens
        return True

    # -- completions ---------------------------------------------------------------------------

    def complete(self, request: dict) -> Iterator[str]:
        """The reply's text in pieces."""
        messages = request["messages"]
        prompt = self.formatter(messages=messages).prompt
        tokens = self.tokenize(prompt)
        max_tokens = int(request.get("max_tokens") or 256)
        if len(tokens) + max_tokens > self.llama.n_ctx():
            raise ValueError(
                f"the prompt ({len(tokens)} tokens) and max_tokens ({max_tokens}) exceed the context "
                f"({self.llama.n_ctx()} tokens)"
            )
        grammar = self._grammar(request.get("response_format"))
        self.covered = self._restore(tokens)
        stop = list(self.stop) + (
            [request["stop"]] if isinstance(request.get("stop"), str) else request.get("stop") or []
        )
        for chunk in self.llama.create_completion(
            prompt=tokens,
            max_tokens=max_tokens,
            temperature=float(request.get("temperature", 0.8)),
            stop=stop,
            stream=True,
            grammar=grammar,
            **SAMPLING,
        ):
            text = chunk["choices"][0]["text"]
            if text:
                yield text

    def _grammar(self, response_format: dict | None):
        if not response_format or response_format.get("type") == "text":
            return None
        from llama_cpp import LlamaGrammar

        if response_format.get("type") == "json_schema":
            schema = (response_format.get("json_schema") or {}).get("schema")
            if not isinstance(schema, dict):
                raise ValueError("response_format json_schema needs a 'schema' object")
            return LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
        if response_format.get("type") == "json_object":
            return LlamaGrammar.from_json_schema(json.dumps({"type": "object"}), verbose=False)
        raise ValueError(f"unknown response_format type {response_format.get('type')!r}")


class Handler(BaseHTTPRequestHandler):
    server_version = "coach-model/1"
    # HTTP/1.1, so a streamed reply is sent in chunks: a reply cut off (the server killed) is an
    # incomplete body to the client, never an answer that looks complete.
    protocol_version = "HTTP/1.1"
    model: PrefixModel
    gate: Gate
    alias: str

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        sys.stderr.write(f"{self.log_date_time_string()} {format % args}\n")

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": {"message": message, "type": "invalid_request_error"}})

    def _body(self) -> dict | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large")
            return None
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self._error(HTTPStatus.BAD_REQUEST, "the body is not JSON")
            return None
        if not isinstance(body, dict):
            self._error(HTTPStatus.BAD_REQUEST, "the body is not a JSON object")
            return None
        return body

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path.rstrip("/") == "/v1/models":
            self._json(
                200, {"object": "list", "data": [{"id": self.alias, "object": "model", "owned_by": "coach"}]}
            )
        elif self.path.rstrip("/") == "/v1/prefix_states":
            kept = list(self.model.states.values())  # a copy: a build may add one meanwhile
            states = [{"key": s.key, "tokens": len(s.tokens)} for s in kept]
            self._json(200, {"object": "list", "data": states})
        else:
            self._error(HTTPStatus.NOT_FOUND, f"no route {self.path}")

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        path = self.path.rstrip("/")
        if path not in ("/v1/chat/completions", "/v1/prefix_states", "/v1/prefix_states/prune"):
            self._error(HTTPStatus.NOT_FOUND, f"no route {self.path}")
            return
        body = self._body()
        if body is None:
            return
        messages = body.get("messages")
        if path != "/v1/prefix_states/prune" and not (
            isinstance(messages, list)
            and messages
            and all(
                isinstance(m, dict) and isinstance(m.get("content"), str) and m.get("role") for m in messages
            )
        ):
            self._error(HTTPStatus.BAD_REQUEST, "'messages' must be a list of {role, content}")
            return
        if path == "/v1/prefix_states/prune":
            with self.gate.hold(question=False):
                removed = self.model.prune(set(body.get("keep") or []))
            self._json(200, {"removed": removed})
        elif path == "/v1/prefix_states":
            self._prefix_state(messages, bool(body.get("build")))
        else:
            self._chat(body)

    def _prefix_state(self, messages: list[dict], build: bool) -> None:
        """Whether a prefix is kept, building it first when asked. A prefix already kept (or only
        asked about) needs only the tokenizer: it never waits for the model."""
        started = time.perf_counter()
        try:
            key, tokens = self.model.lookup(messages)
            if build and key not in self.model.states:
                with self.gate.hold(question=False):
                    self.model.build(key, tokens)
        except (ValueError, TypeError) as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
            return
        except OSError as exc:
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"could not keep the prefix's state: {exc}")
            return
        seconds = round(time.perf_counter() - started, 3)
        self._json(
            200, {"key": key, "tokens": len(tokens), "ready": key in self.model.states, "seconds": seconds}
        )

    def _chat(self, body: dict) -> None:
        created = int(time.time())
        ident = f"chatcmpl-{uuid.uuid4().hex[:16]}"
        stream = bool(body.get("stream"))
        with self.gate.hold(question=True):
            pieces = self.model.complete(body)
            try:
                first = next(pieces, None)
            except (ValueError, TypeError) as exc:
                self._error(HTTPStatus.BAD_REQUEST, str(exc))
                return
            if not stream:
                text = (first or "") + "".join(pieces)
                self._json(200, {
                    "id": ident, "object": "chat.completion", "created": created, "model": self.alias,
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens_cached": self.model.covered},
                })  # fmt: skip
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

            def send(data: bytes) -> None:
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def event(delta: dict, finish: str | None = None) -> None:
                chunk = {
                    "id": ident, "object": "chat.completion.chunk", "created": created, "model": self.alias,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }  # fmt: skip
                send(f"data: {json.dumps(chunk)}\n\n".encode())

            try:
                event({"role": "assistant"})
                if first is not None:
                    event({"content": first})
                for piece in pieces:
                    event({"content": piece})
                event({}, "stop")
                send(b"data: [DONE]\n\n")
                self.wfile.write(b"0\r\n\r\n")  # the last chunk: the reply is whole
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pieces.close()  # the client went away: stop writing
            self.close_connection = True


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m coach.model_server", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--model", required=True)
    parser.add_argument("--alias", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--context", type=int, default=4096)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--states", required=True, help="folder of the kept prefix states")
    parser.add_argument(
        "--model-sha", required=True, help="the model file's SHA-256, part of each state's key"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    model = PrefixModel(args)
    handler = type("BoundHandler", (Handler,), {"model": model, "gate": Gate(), "alias": args.alias})
    server = ThreadingHTTPServer((args.host, args.port), handler)
    server.daemon_threads = True
    print(
        f"coach.model_server: {args.alias} on {args.host}:{args.port}, {len(model.states)} kept states",
        file=sys.stderr,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
