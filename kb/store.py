"""The Store seam: what search (StoreReader) and ingest (StoreWriter) need from an index, whatever
engine holds it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from kb.doctable import DocTable
from kb.ranking import Candidate, RankingSpec
from kb.records import BuildReport, Chunk, Document, SearchFilters

FORMAT_VERSION = 1


class StoreError(RuntimeError):
    """An index that cannot be used; the message says what to do."""


class IndexNotFound(StoreError):
    pass


class IndexBusy(StoreError):
    pass


class ModelMismatch(StoreError):
    pass


@dataclass(frozen=True)
class Manifest:
    """How an index generation was built; stored with it so the index describes itself."""

    generation: str
    model_id: str
    dim: int
    chunk_words: int
    overlap_words: int
    created: str
    documents: int = 0
    chunks: int = 0
    next_vector_id: int = 0
    stemmer: str = "dutch_porter"
    context_header: bool = True
    pdf_engine: str = "pypdf"  # what read the PDFs' text (indexes from before the field: pypdf)
    format_version: int = FORMAT_VERSION
    kb_version: str = ""
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Manifest:
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class TermStats:
    """How common words are in the live generation: for weighting a question's words by rarity
    and for telling a misspelt word from one the corpus has."""

    rows: int  # passages in the generation
    df: dict[str, int]  # stemmed term -> passages holding it (absent: none)
    known: frozenset[str]  # of the words asked about, those the corpus itself writes


@dataclass(frozen=True)
class DocumentUpdate:
    """A document to (re)write whole: its chunks and their vectors, row for row."""

    document: Document
    chunks: tuple[Chunk, ...]
    vectors: np.ndarray


@dataclass(frozen=True)
class Changeset:
    upserts: tuple[DocumentUpdate, ...] = ()
    deletes: tuple[str, ...] = ()  # doc_ids


class StoreReader(Protocol):
    """The read side of an index. One generation is visible at a time; per-request lookups cost
    the same however large the archive (documents by id and dossier come from indexes built once
    per generation)."""

    def manifest(self) -> Manifest | None: ...

    def refresh(self) -> bool:
        """Pick up a newer generation written by another process; True when it changed."""
        ...

    def snapshot(self) -> StoreReader:
        """A read view pinned to the live generation: a request that reads through it sees one
        generation whole, even if a re-index goes live halfway through."""
        ...

    def documents(self) -> list[Document]:
        """All documents (listings and re-index planning; not for per-request lookups)."""
        ...

    def documents_by_id(self, doc_ids: Iterable[str]) -> dict[str, Document]:
        """The documents with these ids that the generation holds."""
        ...

    def dossier(self, dossier: str) -> list[Document]:
        """The documents of one Kamerstuk dossier, oldest first (by date, then number)."""
        ...

    def doc_table(self) -> DocTable:
        """The documents as arrays, for filters and dates over many documents at once."""
        ...

    def chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]: ...

    def chunks_of(self, doc_id: str) -> list[Chunk]: ...

    def dense_candidates(self, vector: np.ndarray, top_k: int,
                         filters: SearchFilters | None = None) -> list[Candidate]: ...

    def lexical_candidates(self, query: str, top_k: int,
                           filters: SearchFilters | None = None) -> list[Candidate]: ...

    def rank(self, spec: RankingSpec) -> list[Candidate]:
        """The spec's ranking: equal to kb.ranking.reference_rank over this store's candidates."""
        ...

    def term_stats(self, stems: Sequence[str], words: Sequence[str] = ()) -> TermStats:
        """Document frequencies of stemmed terms, and which of `words` (lower case, unstemmed,
        alphabetic, four letters or more) the corpus contains."""
        ...

    def cached_vectors(self, content_hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of these embedded texts: the embedding cache of a build, and the
        passage vectors an answer compares its sentences with."""
        ...

    def last_report(self) -> dict[str, Any] | None:
        """The report of the last build (the operator's status)."""
        ...


class StoreWriter(Protocol):
    """The write side. Lock semantics, the same for every engine: one writer at a time; a second
    writer's writer_lock() raises IndexBusy at once (naming the holder where it can) instead of
    waiting, and a writer that dies releases the lock (a file lock, a database session)."""

    def writer_lock(self) -> AbstractContextManager[None]: ...

    def write(self, changes: Changeset, manifest: Manifest, report: BuildReport) -> Manifest:
        """Apply changes as a new generation and make it live atomically; a failure leaves the
        previous generation live and whole."""
        ...

    def record_report(self, report: BuildReport) -> None:
        """Keep the report of a build that changed nothing (no new generation)."""
        ...


class Store(StoreReader, StoreWriter, Protocol):
    """An engine: both sides (kb.embedded.EmbeddedStore, kb.postgres.PostgresStore)."""


CHUNK_COLUMNS = "chunk_id, doc_id, ordinal, text, header, page, section, content_hash"


def chunk_from_row(row: Sequence[Any]) -> Chunk:
    """A Chunk from a row selected as CHUNK_COLUMNS (both stores use this column order)."""
    return Chunk(chunk_id=row[0], doc_id=row[1], ordinal=row[2], text=row[3], header=row[4],
                 page=row[5], section=row[6], content_hash=row[7])


def iter_batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
