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

from coach.errors import BadInputError, CorpusMissingError
from coach.guides import MAX_GUIDE_BYTES, guide_text, parse_guide
from coach.instructions import blank_instructions, left_out_line
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


def read_corpus(
    corpus_dir: Path, strict: bool = False, max_bytes: int = MAX_GUIDE_BYTES
) -> tuple[list[tuple[Path, Guide]], list[str]]:
    """Every usable guide with its file, in file order, and one line per file skipped with why:
    too large, empty, binary, not UTF-8, or the same text as a guide before it; and one line per
    guide whose instructions to an assistant were left out (`coach.instructions`). `strict`: raise
    BadInputError for the first such file instead. Raises CorpusMissingError when none is usable."""
    guides: list[tuple[Path, Guide]] = []
    skipped: list[str] = []
    seen: dict[str, str] = {}
    for path in guide_files(corpus_dir):
        try:
            raw = guide_text(path, max_bytes)
            digest = hashlib.sha256(" ".join(raw.split()).encode()).hexdigest()
            if digest in seen:
                raise BadInputError(
                    f"Guide {path.name} has the same text as {seen[digest]}. Remove one of them."
                )
        except BadInputError as exc:
            if strict:
                raise
            skipped.append(f"Skipped: {exc}")
            continue
        seen[digest] = path.name
        text, left_out = blank_instructions(raw)
        if left_out:
            skipped.append(left_out_line(path.name, left_out))
        guides.append((path, parse_guide(path.name, text)))
    if not guides:
        raise CorpusMissingError(
            f"The corpus folder {corpus_dir} holds no usable guide. " + " ".join(skipped)
        )
    return guides, skipped


def load_corpus(
    corpus_dir: Path, chunk_chars: int, strict: bool = False, max_bytes: int = MAX_GUIDE_BYTES
) -> tuple[list[Guide], list[Chunk], list[str]]:
    """Read, parse and chunk every usable guide (see `read_corpus`), before anything is written;
    with the lines saying which files were skipped and why."""
    read, skipped = read_corpus(corpus_dir, strict, max_bytes)
    guides = [g for _, g in read]
    return guides, [c for g in guides for c in chunk_guide(g, chunk_chars)], skipped
