"""A real Chroma server for the tests: the venv's `chroma run` on a loopback port, telemetry off.

It starts in about 2 s; `ChromaServer` waits for its heartbeat (at most `START_TIMEOUT`) and
stops it on exit. Nothing here fakes Chroma.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

START_TIMEOUT = 60.0  # seconds; a cold start on a loaded 2-core machine is well under 10


class ChromaServer:
    """`with ChromaServer(folder, port) as server:` serves the data in `folder` at `server.url`."""

    def __init__(self, path: Path, port: int) -> None:
        self.path = path
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = path.parent / f"{path.name}.log"
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> ChromaServer:
        chroma = Path(sys.executable).parent / "chroma"
        command = [
            str(chroma),
            "run",
            "--path",
            str(self.path),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        with open(self.log, "wb") as log:
            self._process = subprocess.Popen(
                command,
                env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self.stop()
                raise RuntimeError(f"`chroma run` exited with {self._process.returncode}: {self.tail()}")
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"`chroma run` did not answer within {START_TIMEOUT:.0f} s: {self.tail()}")

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:]

    def client(self):
        """A plain Chroma client of this server, for looking behind the coach's back."""
        import chromadb
        from chromadb.config import Settings

        return chromadb.HttpClient(
            host="127.0.0.1", port=self.port, settings=Settings(anonymized_telemetry=False, allow_reset=False)
        )

    def wipe(self) -> None:
        """Delete every collection: each test starts from an empty server."""
        client = self.client()
        for collection in client.list_collections():
            client.delete_collection(collection.name)

    def collections(self) -> dict[str, int]:
        """Every collection's name and how many records it holds."""
        return {c.name: c.count() for c in self.client().list_collections()}
