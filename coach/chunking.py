"""Turn parsed guides into index chunks: one per leaf section, split further only when long.

A chunk never spans two sections, and every chunk carries its guide and heading path, so a
skill row or a roadmap phase keeps its table's context. Ids are content hashes: the same text
under the same heading in the same guide always gets the same id, which is what lets
`coach index` skip what it has already embedded.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from langchain_text_splitters import RecursiveCharacterTextSplitter

from coach.errors import CorpusMissingError
from coach.guides import read_guide
from coach.records import Chunk, Guide

# Bump when chunk text or ids would change for the same corpus; forces a full re-embed.
CHUNKER_VERSION = "1"


def guide_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise CorpusMissingError(
            f"No corpus folder at {corpus_dir}. Put the guide .txt files there "
            "or set COACH_CORPUS_DIR to the folder that holds them."
        )
    files = sorted(p for p in corpus_dir.glob("*.txt") if p.is_file())
    if not files:
        raise CorpusMissingError(
            f"The corpus folder {corpus_dir} holds no .txt guides. Add the guide files to it."
        )
    return files


def chunk_guide(guide: Guide, chunk_chars: int) -> list[Chunk]:
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_chars,
        chunk_overlap=chunk_chars // 8,
        separators=["\n\n", "\n", ". ", "; ", ", ", " "],
        keep_separator="end",
    )
    chunks: list[Chunk] = []
    seen: Counter[str] = Counter()
    for section in guide.sections:
        pieces = [section.text] if len(section.text) <= chunk_chars else splitter.split_text(section.text)
        for piece in pieces:
            text = piece.strip()
            key = f"{CHUNKER_VERSION}\x00{guide.source}\x00{section.heading}\x00{text}"
            seen[key] += 1
            digest = hashlib.sha256(f"{key}\x00{seen[key]}".encode()).hexdigest()[:32]
            chunks.append(
                Chunk(
                    id=digest,
                    source=guide.source,
                    title=guide.title,
                    from_role=guide.from_role,
                    to_role=guide.to_role,
                    section=section.heading,
                    kind=section.kind,
                    position=len(chunks),
                    text=text,
                )
            )
    return chunks


def load_corpus(corpus_dir: Path, chunk_chars: int) -> tuple[list[Guide], list[Chunk]]:
    """Read, parse and chunk every guide. Raises before anything is written if a guide is unusable."""
    guides = [read_guide(path) for path in guide_files(corpus_dir)]
    return guides, [c for g in guides for c in chunk_guide(g, chunk_chars)]
