"""Questions are embedded by MiniLM run in numpy: the same vectors as sentence-transformers, no torch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from coach.embeddings import MiniLMEmbedder

TEXTS = [
    "How long is the DL to MLE move?",
    "Quick one: I'm a PHP developer at a bank. Which course does it suggest for PyTorch?",
    "",
    "Ünïcödé — naïve café 🙂 RAG/LLM? 日本語 العربية",
    "word " * 400,  # past the model's 256 tokens: cut there, as sentence-transformers cuts it
]


def test_a_question_gets_the_vector_sentence_transformers_gives(embedder: MiniLMEmbedder):
    by_torch = np.array(embedder(TEXTS))
    by_numpy = np.array(embedder.embed_query(TEXTS))
    assert by_numpy.shape == (5, 384) and by_numpy.dtype == np.float32
    assert np.abs(by_numpy - by_torch).max() < 1e-5
    assert np.allclose(np.linalg.norm(by_numpy, axis=1), 1.0, atol=1e-6)
    assert np.abs(by_numpy[0] - by_numpy[1]).max() > 0.01  # different texts, different vectors


def test_searching_the_index_loads_no_torch_and_finds_what_the_build_embedded(built_index, retriever):
    question = "Which course does the backend guide suggest for PyTorch?"
    probe = (
        "import sys\n"
        "from coach.retrieve import Retriever\n"
        "from coach.settings import Settings, apply_process_switches\n"
        "apply_process_switches()\n"
        f"settings = Settings(corpus_dir={str(built_index.corpus_dir)!r}, index_dir={str(built_index.index_dir)!r})\n"
        f"found = Retriever.open(settings).search({question!r}, k=4)\n"
        "print([p.chunk.id for p in found])\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    ids, loaded = out.stdout.splitlines()
    assert loaded == "False False"
    assert ids == str([p.chunk.id for p in retriever.search(question, k=4)])
