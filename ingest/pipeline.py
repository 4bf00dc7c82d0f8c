"""build_index(): scan, extract, clean, describe, chunk, embed what is new, write atomically."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from ingest.chunk import chunk_document
from ingest.clean import clean_pages
from ingest.extract import ExtractionError, PageReader, extract_file, structure_pages
from ingest.layout import read_hints
from ingest.metadata import (
    document_kind,
    load_catalog,
    merge_metadata,
    metadata_from_filename,
    metadata_from_hints,
    metadata_from_meta,
    metadata_from_text,
)
from ingest.ocr import make_ocr
from ingest.sources import Plan, SourceFile, collapse_duplicates, doc_id_for, plan_changes, scan
from kb import __version__
from kb.embed import Embedder
from kb.guide import read_guide
from kb.lexical import words
from kb.records import BuildReport, Chunk, Document, FailedFile
from kb.settings import Settings
from kb.store import Changeset, DocumentUpdate, Manifest, Store
from kb.wordspace import grow_wordspace

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
EMBED_BATCH = 16
# Below this many files per extra process, starting it (imports, ~0.5 s) costs more than it saves.
_FILES_PER_WORKER = 4
# How files are read into documents; an index read by another version is read again on the next
# build. 2: recognition guides.
READER_VERSION = 2


@dataclass
class _Prepared:
    file: SourceFile
    document: Document
    chunks: list[Chunk]
    warnings: list[str] = field(default_factory=list)


def build_index(settings: Settings, store: Store, embedder: Embedder, paths: Sequence[Path] = (),
                full: bool = False, progress: Progress | None = None) -> BuildReport:
    """Bring the index in line with the corpus; the previous generation stays live until the new
    one is complete. A file that fails is reported and skipped; its previous version is kept."""
    started = time.perf_counter()
    progress = progress or (lambda stage, done, total: None)
    ocr = make_ocr(settings)
    with store.writer_lock():
        store.refresh()
        manifest = store.manifest()
        full = full or manifest is None or manifest.model_id != embedder.model_id or _reading_changed(
            manifest, settings)
        # a newer reader (metadata, guides, list numbers) reads every file again; unchanged
        # passages keep their cached vectors
        reread = full or (manifest is not None and manifest.extra.get("reader") != READER_VERSION)
        roots = list(paths) or [settings.corpus_dir]
        files, failed, whole = scan(roots)
        indexed = store.documents()
        files = collapse_duplicates(files, (d.source for d in indexed))
        plan = plan_changes(files, indexed, whole, reread)
        prepared, more_failed = prepare_files(plan.added + plan.changed, progress, settings, ocr)
        failed += more_failed
        vectors, embedded, reused = _embed(prepared, store, embedder, settings, full, progress)
        report = _report(plan, prepared, failed, embedded, reused, started)
        changes = _changeset(plan, prepared, vectors)
        if not changes.upserts and not changes.deletes and manifest is not None:
            report = _with_total(report, manifest.chunks, time.perf_counter() - started, manifest.generation)
            store.record_report(report)
            return report
        new = store.write(changes, _manifest(settings, embedder, manifest, roots), report)
        _grow_words(settings, prepared, embedder, progress)
        return _with_total(report, new.chunks, time.perf_counter() - started, new.generation)


def _grow_words(settings: Settings, prepared: list[_Prepared], embedder: Embedder, progress: Progress) -> None:
    """Add the words new to the corpus to the word space beside the index (kb.wordspace), which
    translates foreign queries; a failure here leaves the index as written and is logged."""
    texts = [c.text for p in prepared for c in p.chunks]
    if not texts:
        return
    progress("woorden", 0, 1)
    try:
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        space, added = grow_wordspace(settings.index_dir, {w for t in texts for w in words(t)}, embedder)
        log.info("word space: %d words added, %d in all", added, len(space.words))
    except (OSError, ValueError) as exc:
        log.warning("word space not updated (%s); foreign queries are translated without it", exc)
    progress("woorden", 1, 1)


def _reading_changed(m: Manifest, s: Settings) -> bool:
    """Chunk sizes or the PDF engine differ from the index's: every file is read again."""
    return (m.chunk_words, m.overlap_words, m.pdf_engine) != (s.chunk_words, s.overlap_words, s.pdf_engine)


def prepare_file(f: SourceFile, catalog: dict[str, dict[str, str]], settings: Settings,
                 ocr: PageReader | None = None) -> _Prepared:
    """One file to a Document and its chunks; raises ExtractionError with a user-facing reason."""
    raw = extract_file(f.path, ocr, settings.pdf_engine)
    empty = [p.number for p in raw if not p.text.strip()]
    if raw and len(empty) == len(raw):
        what = f"{len(raw)} pagina's" if raw[0].number else "het bestand"
        how = "ook OCR vond geen tekst" if ocr is not None and raw[0].number else "gescand?"
        raise ExtractionError(f.path, f"geen tekstlaag: {what} zonder tekst ({how}); niet geïndexeerd")
    ocr_pages = tuple(p.number for p in raw if p.ocr and p.number and p.text.strip())
    pages = clean_pages(raw)
    raw_text = "\n".join(p.text for p in raw[:50])
    tail = "\n".join(p.text for p in pages[-2:])[-2500:]
    hints = read_hints(f.path)
    values, sources = merge_metadata(("catalog", catalog.get(f.source, {})), metadata_from_meta(hints),
                                     ("text", metadata_from_text(raw_text, tail)),
                                     *metadata_from_hints(hints, raw[0].text if raw else ""),
                                     ("filename", metadata_from_filename(f.source)))
    values["doc_type"], sources["doc_type"] = document_kind(values, sources, raw_text[:4000])
    doc = Document(doc_id=doc_id_for(f.source), source=f.source, sha256=f.sha256,
                   title=values.get("title", f.source), doc_type=values["doc_type"], date=values.get("date"),
                   kenmerk=values.get("kenmerk"), dossier=values.get("dossier"), number=values.get("number"),
                   author=values.get("author"), organisation=values.get("organisation"),
                   language=values.get("language", "nl"),
                   page_count=len(raw) if raw and raw[0].number else 0, ocr_pages=ocr_pages, aliases=f.aliases,
                   metadata_sources=sources, guide=read_guide(values.get("title", ""), structure_pages(f.path, raw)))
    chunks = chunk_document(doc, pages, settings.chunk_words, settings.overlap_words)
    if not chunks:
        raise ExtractionError(f.path, "geen tekst gevonden na opschonen")
    warnings = [f"{f.source}: pagina {', '.join(map(str, empty))} zonder tekstlaag (gescand?)"] if empty else []
    if ocr_pages:
        warnings.append(f"{f.source}: pagina {', '.join(map(str, ocr_pages))} gelezen met OCR")
    warnings += [f"{alias}: zelfde inhoud als {f.source}; één keer geïndexeerd" for alias in f.aliases]
    return _Prepared(f, doc, chunks, warnings)


def _prepare_one(f: SourceFile, catalog: dict[str, dict[str, str]], settings: Settings,
                 ocr: PageReader | None) -> _Prepared | FailedFile:
    try:
        return prepare_file(f, catalog, settings, ocr)
    except ExtractionError as e:
        log.warning("%s: %s", f.source, e.reason)
        return FailedFile(f.source, e.reason)
    except Exception as e:  # one bad file must not stop the batch
        log.exception("%s: unexpected error", f.source)
        return FailedFile(f.source, f"onverwachte fout: {type(e).__name__}: {e}")


def prepare_files(files: list[SourceFile], progress: Progress, settings: Settings,
             ocr: PageReader | None) -> tuple[list[_Prepared], list[FailedFile]]:
    """Read files on up to `ingest_threads` processes (pypdf is pure Python, so threads would
    share one core); results keep the order of `files`."""
    catalogs = {root: load_catalog(root) for root in dict.fromkeys(f.root for f in files)}
    jobs = [(f, catalogs[f.root], settings, ocr) for f in files]
    workers = min(settings.ingest_threads, len(files) // _FILES_PER_WORKER)
    results: list[_Prepared | FailedFile | None] = [None] * len(files)
    progress("lezen", 0, len(files))
    if workers < 2:
        for i, job in enumerate(jobs):
            results[i] = _prepare_one(*job)
            progress("lezen", i + 1, len(files))
    else:
        # spawn, not fork: the parent may already run OpenMP threads (model, faiss)
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(_prepare_one, *job): i for i, job in enumerate(jobs)}
            for done, future in enumerate(as_completed(futures), start=1):
                results[futures[future]] = future.result()
                progress("lezen", done, len(files))
    prepared = [r for r in results if isinstance(r, _Prepared)]
    return prepared, [r for r in results if isinstance(r, FailedFile)]


def _embed(prepared: list[_Prepared], store: Store, embedder: Embedder, settings: Settings, full: bool,
           progress: Progress) -> tuple[dict[str, np.ndarray], int, int]:
    """Vectors per content hash: from the cache where the text is unchanged, else from the model."""
    hashes = list(dict.fromkeys(c.content_hash for p in prepared for c in p.chunks))
    cached = {} if full else store.cached_vectors(hashes)
    texts = {c.content_hash: c.embed_text for p in prepared for c in p.chunks}
    todo = [h for h in hashes if h not in cached]
    vectors = dict(cached)
    # An embedder on servers takes several batches per call and spreads them over its endpoints.
    step = EMBED_BATCH * 4 * getattr(embedder, "parallel_batches", 0) or EMBED_BATCH
    for start in range(0, len(todo), step):
        progress("embedden", start, len(todo))
        batch = todo[start : start + step]
        out = embedder.embed_passages([texts[h] for h in batch], threads=settings.ingest_threads)
        vectors.update(zip(batch, out, strict=True))
    progress("embedden", len(todo), len(todo))
    return vectors, len(todo), len(hashes) - len(todo)


def _changeset(plan: Plan, prepared: list[_Prepared], vectors: dict[str, np.ndarray]) -> Changeset:
    upserts = tuple(DocumentUpdate(p.document, tuple(p.chunks),
                                   np.stack([vectors[c.content_hash] for c in p.chunks]))
                    for p in prepared)
    # A changed file that now fails keeps its previous version: nothing is lost on bad input.
    return Changeset(upserts=upserts, deletes=tuple(d.doc_id for d in plan.removed))


def _report(plan: Plan, prepared: list[_Prepared], failed: list[FailedFile], embedded: int, reused: int,
            started: float) -> BuildReport:
    ok = {p.file.source for p in prepared}
    return BuildReport(
        added=tuple(f.source for f in plan.added if f.source in ok),
        changed=tuple(f.source for f in plan.changed if f.source in ok),
        removed=tuple(d.source for d in plan.removed),
        unchanged=tuple(d.source for d in plan.unchanged),
        failed=tuple(failed),
        warnings=tuple(w for p in prepared for w in p.warnings),
        chunks_embedded=embedded,
        chunks_reused=reused,
        seconds=time.perf_counter() - started,
        metadata_sources={p.document.source: p.document.metadata_sources for p in prepared},
    )


def _with_total(report: BuildReport, chunks: int, seconds: float, generation: str) -> BuildReport:
    return replace(report, chunks_total=chunks, seconds=seconds, generation=generation)


def _manifest(settings: Settings, embedder: Embedder, prev: Manifest | None, roots: list[Path]) -> Manifest:
    return Manifest(
        generation="", model_id=embedder.model_id, dim=embedder.dim, chunk_words=settings.chunk_words,
        overlap_words=settings.overlap_words, created=datetime.now(UTC).isoformat(timespec="seconds"),
        pdf_engine=settings.pdf_engine,
        next_vector_id=prev.next_vector_id if prev and prev.model_id == embedder.model_id else 0,
        kb_version=__version__, extra={"embedder_version": getattr(embedder, "version", ""),
               # so an operator's re-index from the app reads the same corpus as this build did
               "corpus_roots": [str(p.resolve()) for p in roots], "reader": READER_VERSION},
    )
