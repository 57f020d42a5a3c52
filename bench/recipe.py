"""The tutorial recipe the coach is measured against, as the common tutorials build it.

The guides split by RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200), embedded
into a Chroma collection, dense-only top-4 retrieval, and LangChain's classic "stuff" question
answering prompt for chat models, verbatim, with the four chunks stuffed into it. A follow-up is
sent with the whole conversation before it; retrieval uses the turn's own text.

It shares with the coach only what a fair comparison needs: the same local MiniLM embedder
(Chroma's default embedding function would download one), the same language model and the same
answer length (`max_answer_tokens`).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from langchain_text_splitters import RecursiveCharacterTextSplitter

from coach.chroma_function import ChromaMiniLM
from coach.chunking import guide_files
from coach.embeddings import MiniLMEmbedder
from coach.llm import ChatModel

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 4
# langchain's chains/question_answering/stuff_prompt.py, CHAT_PROMPT: the system message, then
# the question as the human message; documents are joined with a blank line.
SYSTEM_TEMPLATE = """Use the following pieces of context to answer the user's question. 
If you don't know the answer, just say that you don't know, don't try to make up an answer.
----------------
{context}"""
DOCUMENT_SEPARATOR = "\n\n"


@dataclass
class RecipeTurn:
    """One answered turn and when each part of it arrived, in seconds from the question."""

    question: str
    answer: str = ""
    messages: list[dict[str, str]] = field(default_factory=list)
    sources_s: float = 0.0
    first_token_s: float | None = None
    total_s: float = 0.0


class Recipe:
    """The tutorial recipe over one folder of guides, answering with `model`."""

    def __init__(self, corpus_dir: Path, model: ChatModel, max_tokens: int, embedder: MiniLMEmbedder) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.model = model
        self.max_tokens = max_tokens
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        texts = [
            chunk
            for path in guide_files(corpus_dir)
            for chunk in splitter.split_text(path.read_text("utf-8"))
        ]
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        # An in-memory store, shared by every client of this process: a name of its own.
        self.collection = client.create_collection(
            f"recipe-{uuid.uuid4().hex}", embedding_function=ChromaMiniLM(embedder)
        )
        self.collection.add(ids=[str(i) for i in range(len(texts))], documents=texts)

    def retrieve(self, question: str) -> list[str]:
        found = self.collection.query(query_texts=[question], n_results=TOP_K)
        return found["documents"][0]

    def messages(
        self, question: str, chunks: list[str], history: list[tuple[str, str]]
    ) -> list[dict[str, str]]:
        system = SYSTEM_TEMPLATE.format(context=DOCUMENT_SEPARATOR.join(chunks))
        earlier = [
            message
            for user, answer in history
            for message in ({"role": "user", "content": user}, {"role": "assistant", "content": answer})
        ]
        return [{"role": "system", "content": system}, *earlier, {"role": "user", "content": question}]

    def ask(self, question: str, history: list[tuple[str, str]]) -> RecipeTurn:
        started = time.perf_counter()
        turn = RecipeTurn(question)
        chunks = self.retrieve(question)
        turn.sources_s = time.perf_counter() - started
        turn.messages = self.messages(question, chunks, history)
        pieces = []
        for piece in self.model.stream(turn.messages, self.max_tokens):
            if turn.first_token_s is None:
                turn.first_token_s = time.perf_counter() - started
            pieces.append(piece)
        turn.answer = "".join(pieces).strip()
        turn.total_s = time.perf_counter() - started
        return turn

    def conversation(self, turns: list[str]) -> RecipeTurn:
        """Each turn in order, with the whole conversation before it; the last turn."""
        history: list[tuple[str, str]] = []
        for question in turns:
            last = self.ask(question, history)
            history.append((question, last.answer))
        return last
