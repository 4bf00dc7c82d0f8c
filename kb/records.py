"""Frozen records shared by ingest, store, search and the faces."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from kb.guide import Guide

# The fixed vocabulary of document kinds: kamerstuk covers moties, amendementen, Aanhangsel
# Handelingen and other numbered papers; besluit a Woo- or Wob-besluit.
DOC_TYPES = ("kamerbrief", "kamerstuk", "advies", "rapport", "besluitenlijst", "nota", "factsheet", "roadmap",
             "besluit", "other")
# as the Dutch UI names them
DOC_TYPE_LABELS = {"kamerbrief": "Kamerbrief", "kamerstuk": "Kamerstuk", "advies": "Advies", "rapport": "Rapport",
                   "besluitenlijst": "Besluitenlijst", "nota": "Nota", "factsheet": "Factsheet", "roadmap": "Roadmap",
                   "besluit": "Besluit", "other": "Overig"}


@dataclass(frozen=True)
class Page:
    number: int | None  # 1-based PDF page; None for text files without pages
    text: str
    ocr: bool = False  # the text was read from the page's image, not from a text layer


@dataclass(frozen=True)
class Document:
    doc_id: str
    source: str  # path relative to the corpus, POSIX style
    sha256: str
    title: str = ""
    doc_type: str = "other"
    date: str | None = None  # ISO 'YYYY-MM-DD', or 'YYYY-MM' when only the month is known
    kenmerk: str | None = None
    dossier: str | None = None  # Kamerstuk dossier, e.g. '32 851'
    number: str | None = None  # Kamerstuk number within the dossier, e.g. '79'
    author: str | None = None
    organisation: str | None = None  # the issuing body: ministry, agency, advisory body, municipality
    language: str = "nl"
    page_count: int = 0
    ocr_pages: tuple[int, ...] = ()
    aliases: tuple[str, ...] = ()  # other files in the corpus with exactly the same content
    # field -> 'catalog' | 'text' | 'layout' | 'html' | 'pdfinfo' | 'firstline' | 'filename':
    # which source won, for the build report
    metadata_sources: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    guide: Guide | None = None  # what a diploma-recognition guide says (kb.guide), read at ingest

    @property
    def kamerstuk(self) -> str | None:
        if self.dossier and self.number:
            return f"{self.dossier}, nr. {self.number}"
        return self.dossier

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ocr_pages"] = list(self.ocr_pages)
        d["aliases"] = list(self.aliases)
        d["kamerstuk"] = self.kamerstuk
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        d = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        d["ocr_pages"] = tuple(d.get("ocr_pages") or ())
        d["aliases"] = tuple(d.get("aliases") or ())
        d["metadata_sources"] = dict(d.get("metadata_sources") or {})
        d["guide"] = Guide.from_dict(d["guide"]) if d.get("guide") else None
        return cls(**d)


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    ordinal: int
    text: str  # the passage itself, as shown and returned
    header: str  # short context header embedded and indexed with the passage
    page: int | None
    section: str
    content_hash: str  # sha256 of embed_text: the key of the embedding cache

    @property
    def embed_text(self) -> str:
        return f"{self.header}\n{self.text}" if self.header else self.text


@dataclass(frozen=True)
class SearchFilters:
    doc_types: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    sources: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.doc_types or self.since or self.until or self.sources or self.doc_ids)


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    chunk: Chunk
    document: Document

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": round(self.score, 6),
            "chunk_id": self.chunk.chunk_id,
            "doc_id": self.document.doc_id,
            "title": self.document.title,
            "doc_type": self.document.doc_type,
            "date": self.document.date,
            "source": self.document.source,
            "kamerstuk": self.document.kamerstuk,
            "page": self.chunk.page,
            "section": self.chunk.section,
            "ocr": self.chunk.page in self.document.ocr_pages,
            "text": self.chunk.text,
        }


@dataclass(frozen=True)
class FailedFile:
    source: str
    reason: str


@dataclass(frozen=True)
class BuildReport:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    failed: tuple[FailedFile, ...] = ()
    warnings: tuple[str, ...] = ()
    chunks_embedded: int = 0
    chunks_reused: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    generation: str | None = None
    metadata_sources: dict[str, dict[str, str]] = field(default_factory=dict, hash=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": {
                "added": len(self.added),
                "changed": len(self.changed),
                "removed": len(self.removed),
                "unchanged": len(self.unchanged),
                "failed": len(self.failed),
            },
            "added": list(self.added),
            "changed": list(self.changed),
            "removed": list(self.removed),
            "unchanged": list(self.unchanged),
            "failed": [{"path": f.source, "reason": f.reason} for f in self.failed],
            "warnings": list(self.warnings),
            "chunks_embedded": self.chunks_embedded,
            "chunks_reused": self.chunks_reused,
            "chunks_total": self.chunks_total,
            "seconds": round(self.seconds, 3),
            "generation": self.generation,
            "metadata_sources": self.metadata_sources,
        }
