"""The embedded store: an index/ directory of generations, swapped in atomically.

    index/CURRENT            name of the live generation (replaced with os.replace)
    index/gen-000007/        manifest.json, chunks.sqlite, vectors.faiss, lexical/, build_report.json
    index/.lock              held by the one writer
A writer builds the next generation in a temporary directory and renames it into place, so a
crash at any moment leaves CURRENT pointing at a complete generation.
"""

from __future__ import annotations

import copy
import fcntl
import json
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from kb.doctable import EMPTY, DocIndex, DocLookups
from kb.lexical import LexicalIndex
from kb.ranking import Candidate, RankingSpec, reference_rank
from kb.records import BuildReport, Chunk, Document, SearchFilters
from kb.store import (
    CHUNK_COLUMNS,
    Changeset,
    IndexBusy,
    Manifest,
    TermStats,
    chunk_from_row,
    iter_batches,
)
from kb.vectors import VectorIndex
from kb.writer import fsync_path, write_generation

_KEEP_GENERATIONS = 2


@dataclass
class _Generation:
    """One loaded generation; readers take a reference once per query, so they see one whole."""

    name: str
    path: Path
    manifest: Manifest
    docs: DocIndex
    vectors: VectorIndex
    lexical: LexicalIndex
    vec_doc: np.ndarray  # doc ordinal per row of lexical.ids (sorted vector ids)
    db: sqlite3.Connection
    lock: threading.Lock

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        with self.lock:
            return self.db.execute(sql, tuple(args)).fetchall()


class EmbeddedStore(DocLookups):
    def __init__(self, index_dir: Path) -> None:
        self.dir = Path(index_dir)
        self._gen: _Generation | None = None
        self._load_lock = threading.Lock()
        self._pinned = False
        self.refresh()

    # -- read side -------------------------------------------------------------------------
    def _current_name(self) -> str | None:
        try:
            return (self.dir / "CURRENT").read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def refresh(self) -> bool:
        if self._pinned:
            return False
        name = self._current_name()
        with self._load_lock:
            if name is None or (self._gen is not None and self._gen.name == name):
                return False
            self._gen = self._load(name)
            return True

    def _load(self, name: str) -> _Generation:
        path = self.dir / name
        manifest = Manifest.from_dict(json.loads((path / "manifest.json").read_text(encoding="utf-8")))
        db = sqlite3.connect(f"file:{path / 'chunks.sqlite'}?mode=ro", uri=True, check_same_thread=False)
        docs = [Document.from_dict(json.loads(r[0])) for r in db.execute(
            "SELECT json FROM documents ORDER BY doc_id")]
        lexical = LexicalIndex.load(path / "lexical")
        ordinal = {d.doc_id: i for i, d in enumerate(docs)}
        rows = db.execute("SELECT vector_id, doc_id FROM chunks ORDER BY vector_id").fetchall()
        vec_doc = np.fromiter((ordinal[r[1]] for r in rows), dtype=np.int32, count=len(rows))
        if not np.array_equal(lexical.ids, np.fromiter((r[0] for r in rows), np.int64, len(rows))):
            raise RuntimeError(f"{path}: lexical rows and chunk table disagree; rebuild with kb ingest --full")
        return _Generation(name, path, manifest, DocIndex.of(docs), VectorIndex.load(path / "vectors.faiss"),
                           lexical, vec_doc, db, threading.Lock())

    def snapshot(self) -> EmbeddedStore:
        view = copy.copy(self)
        view._pinned = True
        return view

    @property
    def generation(self) -> str | None:
        return self._gen.name if self._gen else None

    def manifest(self) -> Manifest | None:
        return self._gen.manifest if self._gen else None

    def _docs(self) -> DocIndex:
        return self._gen.docs if self._gen else EMPTY

    def chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        g = self._gen
        if g is None or not chunk_ids:
            return []
        found: dict[str, Chunk] = {}
        for batch in iter_batches(list(chunk_ids), 500):
            marks = ",".join("?" * len(batch))
            for row in g.query(f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE chunk_id IN ({marks})", batch):
                found[row[0]] = chunk_from_row(row)
        return [found[c] for c in chunk_ids if c in found]

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        g = self._gen
        if g is None:
            return []
        rows = g.query(f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE doc_id = ? ORDER BY ordinal", [doc_id])
        return [chunk_from_row(r) for r in rows]

    def _doc_mask(self, g: _Generation, filters: SearchFilters | None) -> np.ndarray | None:
        """Boolean mask over rows, or None when nothing is filtered."""
        if filters is None or filters.is_empty():
            return None
        return g.docs.table.mask(filters)[g.vec_doc] if len(g.vec_doc) else np.zeros(0, dtype=bool)

    def _candidates(self, g: _Generation, rows: np.ndarray, scores: np.ndarray) -> list[Candidate]:
        ids = g.lexical.ids[rows]
        marks = ",".join("?" * len(ids))
        by_vid = dict(g.query(f"SELECT vector_id, chunk_id FROM chunks WHERE vector_id IN ({marks})",
                              [int(i) for i in ids])) if len(ids) else {}
        return [Candidate(by_vid[int(v)], g.docs.docs[int(g.vec_doc[r])].doc_id, float(s))
                for v, r, s in zip(ids, rows, scores, strict=True)]

    def dense_candidates(self, vector: np.ndarray, top_k: int,
                         filters: SearchFilters | None = None) -> list[Candidate]:
        g = self._gen
        if g is None:
            return []
        mask = self._doc_mask(g, filters)
        allowed = g.lexical.ids[mask] if mask is not None else None
        ids, scores = g.vectors.search(vector, top_k, allowed)
        rows = np.searchsorted(g.lexical.ids, ids)
        return self._candidates(g, rows, scores)

    def lexical_candidates(self, query: str, top_k: int,
                           filters: SearchFilters | None = None) -> list[Candidate]:
        g = self._gen
        if g is None:
            return []
        mask = self._doc_mask(g, filters)
        scores = g.lexical.scores(query, None if mask is None else mask.astype(np.float32))
        k = min(top_k, int((scores > 0).sum()))
        if k == 0:
            return []
        rows = np.argpartition(-scores, k - 1)[:k]
        rows = rows[np.argsort(-scores[rows], kind="stable")]
        return self._candidates(g, rows, scores[rows])

    def rank(self, spec: RankingSpec) -> list[Candidate]:
        return reference_rank(self, spec)  # in-process, the reference is the native way

    def term_stats(self, stems: Sequence[str], words: Sequence[str] = ()) -> TermStats:
        g = self._gen
        if g is None:
            return TermStats(0, {}, frozenset())
        known = g.lexical.decompounder.known
        return TermStats(len(g.lexical.ids), g.lexical.document_frequencies(stems),
                         frozenset(w for w in words if w in known))

    def cached_vectors(self, content_hashes: Sequence[str]) -> dict[str, np.ndarray]:
        g = self._gen
        if g is None or not content_hashes:
            return {}
        pairs: list[tuple[str, int]] = []
        for batch in iter_batches(list(dict.fromkeys(content_hashes)), 500):
            marks = ",".join("?" * len(batch))
            pairs += g.query(f"SELECT content_hash, MIN(vector_id) FROM chunks "
                             f"WHERE content_hash IN ({marks}) GROUP BY content_hash", batch)
        if not pairs:
            return {}
        vecs = g.vectors.reconstruct(np.array([p[1] for p in pairs], dtype=np.int64))
        return {h: vecs[i] for i, (h, _) in enumerate(pairs)}

    def last_report(self) -> dict[str, Any] | None:
        path = self.dir / "last_build_report.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    # -- write side ------------------------------------------------------------------------
    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.dir / ".lock", "a+", encoding="utf-8") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                raise IndexBusy(f"{self.dir} is being rebuilt by {holder}; wait for it to finish "
                                "and run kb ingest again") from None
            fh.truncate(0)
            fh.write(f"kb ingest (pid {os.getpid()})")
            fh.flush()
            self._remove_stale_temporaries()
            try:
                yield
            finally:
                fh.truncate(0)
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _remove_stale_temporaries(self) -> None:
        # Only the lock holder builds, so any temporary directory left now is from a killed build,
        # and generations beyond the kept ones are from a build killed while removing them.
        for p in self.dir.glob(".tmp-*"):
            shutil.rmtree(p, ignore_errors=True)
        self._prune_generations()

    def _prune_generations(self) -> None:
        gens = sorted(p for p in self.dir.glob("gen-*") if p.is_dir())
        for old in gens[:-_KEEP_GENERATIONS]:
            shutil.rmtree(old, ignore_errors=True)

    def write(self, changes: Changeset, manifest: Manifest, report: BuildReport) -> Manifest:
        prev = self._gen
        number = int(prev.name.split("-")[1]) + 1 if prev else 1
        name = f"gen-{number:06d}"
        manifest = replace(manifest, generation=name)
        fresh = prev is None or prev.manifest.model_id != manifest.model_id
        manifest = write_generation(self.dir, name, None if fresh or prev is None else prev.path,
                                    None if fresh or prev is None else prev.vectors, changes, manifest,
                                    replace(report, generation=name))
        self._publish(name)
        self.record_report(replace(report, generation=name))
        self.refresh()
        return manifest

    def record_report(self, report: BuildReport) -> None:
        rep = self.dir / f".tmp-report-{os.getpid()}"
        rep.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(rep, self.dir / "last_build_report.json")

    def _publish(self, name: str) -> None:
        tmp = self.dir / f".tmp-CURRENT-{os.getpid()}"
        tmp.write_text(name + "\n", encoding="utf-8")
        fsync_path(tmp)
        os.replace(tmp, self.dir / "CURRENT")
        fsync_path(self.dir)
        self._prune_generations()
