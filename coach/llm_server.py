"""Choose the language model endpoint, and run the embedded local one when none is configured.

With `COACH_LLM_BASE_URL` set, the coach talks to that endpoint and starts nothing. Without it,
it uses the project's own OpenAI-compatible server (`coach.model_server`) on a loopback port,
serving the GGUF model assembled under `models/` and keeping the model states of prompt prefixes
(the fixed part, each guide) under `models/states/`: it reuses a server already on that port
(waiting, bounded, while it does not answer),
or starts one in the background and leaves it running for the next command (`coach stop` ends
it). The server is started on the first request, so a question refused before any model call
starts nothing, and started again on the request after it died. Each port has its own pid
file, naming the server that runs there.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from coach.errors import CoachError
from coach.llm import LLMConnectionLostError, OpenAIChatModel
from coach.model_files import MODEL_SHA256, is_assembled, model_path
from coach.settings import Settings

HOST = "127.0.0.1"


class ModelMissingError(CoachError):
    """The embedded model or its server package is not installed."""


def local_base_url(settings: Settings) -> str:
    return f"http://{HOST}:{settings.llm_port}/v1"


def _pid_file(settings: Settings) -> Path:
    return settings.models_dir / f"server-{settings.llm_port}.pid"


def states_dir(settings: Settings) -> Path:
    """Where the embedded server keeps its prefix states (under COACH_MODELS_DIR: the index may
    live on a Chroma server)."""
    return settings.models_dir / "states"


def _log_file(settings: Settings) -> Path:
    return settings.models_dir / f"server-{settings.llm_port}.log"


def serving_models(settings: Settings) -> list[str] | None:
    """The model names served on the local port, or None when nothing answers there (in 2 s)."""
    try:
        with urllib.request.urlopen(f"{local_base_url(settings)}/models", timeout=2) as response:
            data = json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return None
    return [m.get("id", "") for m in data.get("data", [])]


def _keeps_states(settings: Settings) -> bool:
    """The server on the local port is this coach's own: it keeps prompt states (`coach.model_server`)."""
    try:
        with urllib.request.urlopen(f"{local_base_url(settings)}/prefix_states", timeout=10) as response:
            return "data" in json.load(response)
    except urllib.error.HTTPError:
        return False  # a route it doesn't have: another server (an older `coach serve`'s)
    except (urllib.error.URLError, OSError, ValueError):
        return True  # gone or slow since it answered: the request that follows says so


def port_taken(settings: Settings) -> bool:
    """Something listens on the local port: a server, answering or busy."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((HOST, settings.llm_port)) == 0


def _answering(settings: Settings, wait_seconds: float) -> list[str] | None:
    """The models served on the port, waiting up to `wait_seconds` while a server there is busy;
    None when nothing listens there (any more)."""
    deadline = time.monotonic() + wait_seconds
    said = False
    while time.monotonic() < deadline:
        served = serving_models(settings)
        if served is not None or not port_taken(settings):
            return served
        if not said:
            print(
                f"The local model server on port {settings.llm_port} is busy answering; waiting for it…",
                file=sys.stderr,
            )
            said = True
        time.sleep(0.5)
    raise CoachError(
        f"The server on port {settings.llm_port} has not answered for {wait_seconds:.0f} s. "
        "Wait for it to finish, stop it (`coach stop`), or set COACH_LLM_PORT to a free port."
    )


def check_local_model(settings: Settings) -> None:
    """Raise ModelMissingError unless the embedded model and its server are installed."""
    if not is_assembled(settings.models_dir):
        raise ModelMissingError(
            f"The local model is not set up in {settings.models_dir}. Run `make setup`, "
            "or set COACH_LLM_BASE_URL to an OpenAI-compatible endpoint."
        )
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        raise ModelMissingError(
            "llama-cpp-python is not installed. Run `make setup`, "
            "or set COACH_LLM_BASE_URL to an OpenAI-compatible endpoint."
        ) from None


def start_local_server(settings: Settings, wait_seconds: float = 180.0) -> str:
    """Start (or reuse) the embedded model server. Returns its base URL."""
    served = _answering(settings, wait_seconds)
    if served is not None:
        if settings.llm_model not in served:
            raise CoachError(
                f"Port {settings.llm_port} is taken by a server without model '{settings.llm_model}'. "
                "Set COACH_LLM_PORT to a free port."
            )
        if not _keeps_states(settings):
            raise CoachError(
                f"Port {settings.llm_port} is taken by a model server that keeps no prompt states (an "
                "older `coach serve`'s): stop it (`coach stop`), or set COACH_LLM_PORT to a free port."
            )
        return local_base_url(settings)
    check_local_model(settings)
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.models_dir / "server.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two commands starting at once start one server
        if _answering(settings, wait_seconds) is not None:
            return local_base_url(settings)
        command = [
            sys.executable, "-m", "coach.model_server",
            "--model", str(model_path(settings.models_dir)),
            "--alias", settings.llm_model,
            "--host", HOST, "--port", str(settings.llm_port),
            "--context", str(settings.llm_context),
            "--threads", str(settings.llm_threads),
            "--states", str(states_dir(settings)),
            "--model-sha", MODEL_SHA256,
        ]  # fmt: skip
        with open(_log_file(settings), "ab") as log:
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,  # keeps running for the next command
            )  # fmt: skip
        _pid_file(settings).write_text(f"{process.pid}\n")
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            if process.poll() is not None:
                tail = _log_file(settings).read_text(errors="replace").strip().splitlines()[-1:]
                raise CoachError(
                    f"The local model server stopped while starting ({' '.join(tail)}). "
                    f"See {_log_file(settings)}."
                )
            if serving_models(settings) is not None:
                return local_base_url(settings)
            time.sleep(0.5)
        process.terminate()
        raise CoachError(
            f"The local model server did not start in {wait_seconds:.0f} s. See {_log_file(settings)}."
        )


def server_pid(settings: Settings) -> int | None:
    """The process id of the embedded server this coach started on its port, if it still runs."""
    pid_file = _pid_file(settings)
    try:
        pid = int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        cmdline = b""
    # An older coach ran llama-cpp-python's own server: `coach stop` stops that one too.
    if b"coach.model_server" not in cmdline and b"llama_cpp.server" not in cmdline:  # stale: gone
        pid_file.unlink(missing_ok=True)
        return None
    return pid


def stop_local_server(settings: Settings) -> bool:
    """Stop the server this coach started. Returns False when none was running."""
    pid = server_pid(settings)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    for _ in range(50):
        if not Path(f"/proc/{pid}").exists():
            break
        time.sleep(0.1)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _pid_file(settings).unlink(missing_ok=True)
    return True


class LocalChatModel:
    """The embedded server's model, started (or found) on the first request, and again on the
    first request after it stopped.

    A request that finds the server gone before any of its reply arrived is sent once more, to
    a server started again. One cut off in the middle of its reply is not: what was shown of it
    is not an answer, so it fails with a message saying so, and the next request starts the
    server. Only the embedded server is restarted: a configured endpoint is not ours to start.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._model: OpenAIChatModel | None = None

    def _connected(self) -> OpenAIChatModel:
        if self._model is None:
            url = start_local_server(self.settings)
            self._model = OpenAIChatModel(url, self.settings.llm_model, None, self.settings.llm_timeout)
        return self._model

    def keep_prefix(self, messages: list[dict[str, str]], build: bool = False) -> dict:
        """Whether the server keeps the model state of `messages` as a prefix (the last message
        being the part a question continues): `{"key", "tokens", "ready", "seconds"}`. With
        `build`, it reads the prefix and keeps it first if it has not (a guide: ~10-40 s, once;
        questions asked meanwhile go first)."""
        return self._post("prefix_states", {"messages": messages, "build": build}, 900 if build else 30)

    def prune_prefixes(self, keep: list[str]) -> list[str]:
        """Remove every kept state but those keyed `keep`; the keys removed."""
        return self._post("prefix_states/prune", {"keep": keep}, 120).get("removed", [])

    def _post(self, route: str, body: dict, timeout: float) -> dict:
        url = f"{start_local_server(self.settings)}/{route}"
        request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            try:
                detail = json.loads(exc.read() or b"{}").get("error", {}).get("message", exc.reason)
            except ValueError:
                detail = exc.reason
            raise CoachError(f"The local model server refused a prompt prefix ({detail}).") from None
        except (urllib.error.URLError, OSError, ValueError):
            raise LLMConnectionLostError(
                "The local model server is not answering. Start it (`coach serve`) and try again."
            ) from None

    def choose(self, messages: list[dict[str, str]], schema: dict, max_tokens: int) -> str:
        """The reply constrained to JSON matching `schema` (see `OpenAIChatModel.choose`)."""
        format_ = {"type": "json_schema", "json_schema": {"name": "choice", "schema": schema}}
        return "".join(self.stream(messages, max_tokens, response_format=format_))

    def stream(
        self, messages: list[dict[str, str]], max_tokens: int, response_format: dict | None = None
    ) -> Iterator[str]:
        for attempt in (1, 2):
            model = self._connected()
            replied = False
            try:
                for piece in model.stream(messages, max_tokens, response_format):
                    replied = True
                    yield piece
                return
            except LLMConnectionLostError:
                self._model = None  # the server is gone: the next request starts one
                if replied:
                    raise LLMConnectionLostError(
                        "The local model server stopped in the middle of this answer. Ask again: "
                        "it is started again for your next question."
                    ) from None
                if attempt == 2:
                    raise


def chat_model(settings: Settings) -> OpenAIChatModel | LocalChatModel:
    """The configured endpoint, or the embedded local server (started on the first request)."""
    if settings.llm_base_url:
        return OpenAIChatModel(
            settings.llm_base_url,
            settings.llm_model,
            settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
            settings.llm_timeout,
        )
    return LocalChatModel(settings)
