"""Writing one generation of the embedded store into a temporary directory, then into place."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np

from kb.records import BuildReport
from kb.store import Changeset, Manifest
from kb.terms import RowWords, build_lexical
from kb.vectors import VectorIndex

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (doc_id TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    vector_id INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL, doc_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL, content_hash TEXT NOT NULL, page INTEGER, section TEXT NOT NULL,
    header TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, ordinal);
CREATE INDEX IF NOT EXISTS chunks_hash ON chunks(content_hash);
CREATE INDEX IF NOT EXISTS chunks_id ON chunks(chunk_id);
"""


def write_generation(index_dir: Path, name: str, prev_path: Path | None, prev_vectors: VectorIndex | None,
                     changes: Changeset, manifest: Manifest, report: BuildReport) -> Manifest:
    """Build generation `name` from the previous one plus `changes`; returns its manifest."""
    tmp = index_dir / f".tmp-{name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    if prev_path is not None:
        shutil.copy2(prev_path / "chunks.sqlite", tmp / "chunks.sqlite")
    vectors = prev_vectors.copy() if prev_vectors is not None else VectorIndex(manifest.dim)
    db = sqlite3.connect(tmp / "chunks.sqlite")
    try:
        db.executescript(SCHEMA)
        first_new = manifest.next_vector_id if prev_path else 0
        next_id = _apply(db, vectors, changes, first_new)
        vectors = vectors.rebalanced()  # exact while small, IVF past the threshold
        db.commit()
        ids = np.array([r[0] for r in db.execute("SELECT vector_id FROM chunks ORDER BY vector_id")], np.int64)
        n_docs = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        words = _row_words(db, prev_path, changes, ids, np.arange(first_new, next_id, dtype=np.int64)).compact()
    finally:
        db.close()
    build_lexical(words, ids).save(tmp / "lexical")
    words.save(tmp / "lexical")
    vectors.save(tmp / "vectors.faiss")
    manifest = replace(manifest, documents=n_docs, chunks=len(ids), next_vector_id=next_id)
    (tmp / "manifest.json").write_text(json.dumps(manifest.to_dict(), indent=1), encoding="utf-8")
    (tmp / "build_report.json").write_text(
        json.dumps(report.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    for p in tmp.rglob("*"):
        if p.is_file():
            fsync_path(p)
    os.rename(tmp, index_dir / name)
    fsync_path(index_dir)
    return manifest


def _row_words(db: sqlite3.Connection, prev_path: Path | None, changes: Changeset, ids: np.ndarray,
               new_ids: np.ndarray) -> RowWords:
    """The keyword rows of this generation: the previous generation's words for the chunks it
    keeps, and only the new chunks tokenised (new ids are above every kept one)."""
    prev = RowWords.load(prev_path / "lexical") if prev_path is not None else None
    if prev is not None and prev_path is not None:
        prev_ids = np.load(prev_path / "lexical" / "row_ids.npy")
        keep = np.flatnonzero(np.isin(prev_ids, ids))
        if np.array_equal(np.concatenate([prev_ids[keep], new_ids]), ids):
            new = RowWords.from_texts([f"{c.header}\n{c.text}" for u in changes.upserts for c in u.chunks])
            return prev.take(keep).extend(new)
    # a generation from before row words were kept: tokenise every chunk once
    rows = db.execute("SELECT header, text FROM chunks ORDER BY vector_id")
    return RowWords.from_texts([f"{header}\n{text}" for header, text in rows])


def _apply(db: sqlite3.Connection, vectors: VectorIndex, changes: Changeset, next_id: int) -> int:
    gone = list(changes.deletes) + [u.document.doc_id for u in changes.upserts]
    for doc_id in gone:
        vids = [r[0] for r in db.execute("SELECT vector_id FROM chunks WHERE doc_id = ?", (doc_id,))]
        vectors.remove(np.array(vids, dtype=np.int64))
        db.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
        db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
    for u in changes.upserts:
        ids = np.arange(next_id, next_id + len(u.chunks), dtype=np.int64)
        next_id += len(u.chunks)
        db.executemany(
            "INSERT INTO chunks (vector_id, chunk_id, doc_id, ordinal, content_hash, page, section, header, text)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            [(int(i), c.chunk_id, c.doc_id, c.ordinal, c.content_hash, c.page, c.section, c.header, c.text)
             for i, c in zip(ids, u.chunks, strict=True)])
        db.execute("INSERT INTO documents (doc_id, json) VALUES (?, ?)",
                   (u.document.doc_id, json.dumps(u.document.to_dict(), ensure_ascii=False)))
        vectors.add(ids, u.vectors)
    return next_id


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
