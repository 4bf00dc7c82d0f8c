"""A document as a reader opens it from a hit or a citation: its passages in order (the overlap
between neighbours shown once), the passage asked for, its Kamerstuk dossier, the original file
when it lies inside the indexed corpus, and a PDF page rendered as an image (PDFium)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kb.records import Chunk, Document
from kb.sentences import split_sentences
from kb.store import StoreReader

PAGE_SCALE = 1.5  # 72 dpi x 1.5: an A4 page 893 px wide, readable beside its text


class NotFound(LookupError):
    """No such document, passage, page or file (the web face answers 404)."""


@dataclass(frozen=True)
class DocumentView:
    document: Document
    passages: tuple[tuple[Chunk, str], ...]  # each passage and its text without the overlap before it
    at: Chunk | None  # the passage the reader came for
    page: int | None  # the PDF page shown
    dossier: tuple[Document, ...]  # the documents of its Kamerstuk dossier, oldest first
    has_file: bool


def find_document(store: StoreReader, doc_id: str) -> Document:
    doc = store.documents_by_id([doc_id]).get(doc_id)
    if doc is None:
        raise NotFound(f"geen document {doc_id!r} in de index")
    return doc


def open_document(store: StoreReader, doc_id: str, roots: Sequence[Path], chunk_id: str = "",
                  page: int | None = None) -> DocumentView:
    doc = find_document(store, doc_id)
    chunks = sorted(store.chunks_of(doc_id), key=lambda c: c.ordinal)
    at = next((c for c in chunks if c.chunk_id == chunk_id), None)
    if chunk_id and at is None:
        raise NotFound(f"geen passage {chunk_id!r} in dit document")
    shown = page or (at.page if at else None) or (1 if doc.page_count else None)
    if shown is not None and not 1 <= shown <= max(doc.page_count, 1):
        raise NotFound(f"dit document heeft geen pagina {shown}")
    return DocumentView(doc, tuple(without_overlap(chunks)), at, shown if doc.page_count else None,
                        tuple(store.dossier(doc.dossier) if doc.dossier else ()), source_file(doc, roots) is not None)


def without_overlap(chunks: Sequence[Chunk]) -> list[tuple[Chunk, str]]:
    """Each passage's text less the sentences it repeats from the passage before (chunks overlap)."""
    out: list[tuple[Chunk, str]] = []
    previous: set[str] = set()
    for c in chunks:
        sentences = split_sentences(c.text)
        out.append((c, " ".join(s for s in sentences if s not in previous)))
        previous = set(sentences)
    return out


def later_in_dossier(store: StoreReader, documents: Iterable[Document]) -> dict[str, Document]:
    """doc_id -> the newest later document of the same Kamerstuk dossier, where there is one; a
    lookup per document in the store's dossier index, whatever the archive's size."""
    later: dict[str, Document] = {}
    for d in documents:
        members = store.dossier(d.dossier) if d.dossier and d.date else []
        newest = members[-1] if members else None  # oldest first: the last is the newest
        if newest is not None and (newest.date or "") > (d.date or ""):
            later[d.doc_id] = newest
    return later


def source_file(doc: Document, roots: Sequence[Path]) -> Path | None:
    """The document's original file, only when it resolves to a file inside an indexed corpus
    root (a source or root that points elsewhere gives None)."""
    for root in roots:
        base = (root if root.is_dir() else root.parent).resolve()
        for source in (doc.source, *doc.aliases):
            path = (base / source).resolve()
            if path.is_relative_to(base) and path.is_file():
                return path
    return None


def page_png(path: Path, page: int) -> bytes:
    """A PDF page as a PNG image (cached: a reader pages back and forth)."""
    return _render(str(path), path.stat().st_mtime_ns, page)


@lru_cache(maxsize=32)
def _render(path: str, mtime_ns: int, page: int) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        if not 1 <= page <= len(pdf):
            raise NotFound(f"dit document heeft geen pagina {page}")
        image = pdf[page - 1].render(scale=PAGE_SCALE).to_pil()
    finally:
        pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def sections_of(chunks: Sequence[Chunk]) -> list[str]:
    """The section headings of a document, in order, once each."""
    return list(dict.fromkeys(c.section for c in sorted(chunks, key=lambda c: c.ordinal) if c.section))
