"""Writing one generation into PostgreSQL: new rows, old rows marked dead, the live pointer moved,
all in one transaction; then rows that no kept generation can see are deleted."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from kb.pglexical import chunk_terms, update_lexemes, update_vocabulary
from kb.pgschema import schema_sql
from kb.records import BuildReport
from kb.store import Changeset, Manifest

# A first load this large builds its search indexes after the rows are in (no reader can see
# them before the transaction commits).
BULK_CHUNKS = 20_000


def write_generation(conn: Any, schema: str, changes: Changeset, manifest: Manifest,
                     report: BuildReport) -> Manifest:
    s = schema
    with conn.transaction():
        conn.execute(schema_sql(s, None))
        live = conn.execute(f"SELECT generation FROM {s}.live FOR UPDATE").fetchone()
        prev = _manifest_of(conn, s, live[0]) if live else None
        if prev is not None and (prev.model_id, prev.dim) != (manifest.model_id, manifest.dim):
            conn.execute(f"DROP TABLE IF EXISTS {s}.chunks")  # another model: its vectors are no use
        conn.execute(schema_sql(s, manifest.dim))
        gen = int(conn.execute(f"SELECT COALESCE(MAX(generation), 0) + 1 FROM {s}.generations").fetchone()[0])
        fresh = prev is None or prev.model_id != manifest.model_id
        gone = [u.document.doc_id for u in changes.upserts] + list(changes.deletes)
        for table in ("chunks", "documents"):
            cond = "" if fresh else "AND doc_id = ANY(%(gone)s)"
            conn.execute(f"UPDATE {s}.{table} SET died = %(g)s WHERE died IS NULL {cond}", {"g": gen, "gone": gone})
        bulk = fresh and sum(len(u.chunks) for u in changes.upserts) >= BULK_CHUNKS
        if bulk:  # pgvector and GIN build far faster over loaded rows than row by row
            conn.execute(f"DROP INDEX IF EXISTS {s}.chunks_embedding, {s}.chunks_tsv")
        _insert(conn, s, changes, gen)
        if bulk:
            conn.execute(schema_sql(s, manifest.dim))
            conn.execute(f"ANALYZE {s}.chunks")  # the planner's first statistics, not autovacuum's later ones
        term_total = update_lexemes(conn, s, gen, fresh)
        n_docs, n_chunks = conn.execute(
            f"SELECT (SELECT COUNT(*) FROM {s}.documents WHERE died IS NULL), "
            f"(SELECT COUNT(*) FROM {s}.chunks WHERE died IS NULL)").fetchone()
        manifest = replace(manifest, generation=f"gen-{gen:06d}", documents=n_docs, chunks=n_chunks)
        conn.execute(f"INSERT INTO {s}.generations (generation, manifest, terms) VALUES (%s, %s, %s)",
                     (gen, json.dumps(manifest.to_dict(), ensure_ascii=False), term_total))
        conn.execute(f"INSERT INTO {s}.live (generation) VALUES (%(g)s) "
                     "ON CONFLICT (one) DO UPDATE SET generation = %(g)s", {"g": gen})
        conn.execute(f"INSERT INTO {s}.reports (report) VALUES (%s)",
                     (json.dumps(replace(report, generation=manifest.generation).to_dict(), ensure_ascii=False),))
    _collect(conn, s, gen)
    return manifest


def _manifest_of(conn: Any, s: str, gen: int) -> Manifest | None:
    row = conn.execute(f"SELECT manifest FROM {s}.generations WHERE generation = %s", (gen,)).fetchone()
    return Manifest.from_dict(row[0]) if row else None


def _insert(conn: Any, s: str, changes: Changeset, gen: int) -> None:
    with conn.cursor().copy(f"COPY {s}.documents (doc_id, born, json) FROM STDIN") as copy:
        for u in changes.upserts:
            copy.write_row((u.document.doc_id, gen, json.dumps(u.document.to_dict(), ensure_ascii=False)))
    texts = [f"{c.header}\n{c.text}" for u in changes.upserts for c in u.chunks]
    terms = chunk_terms(texts, update_vocabulary(conn, s, texts))  # the vocabulary before COPY starts
    cols = "chunk_id, doc_id, born, ordinal, content_hash, page, section, header, text, parts, term_count, embedding"
    with conn.cursor().copy(f"COPY {s}.chunks ({cols}) FROM STDIN WITH (FORMAT BINARY)") as copy:
        copy.set_types(["text", "text", "int4", "int4", "text", "int4", "text", "text", "text", "text", "int4",
                        "vector"])
        for u in changes.upserts:
            for c, v in zip(u.chunks, u.vectors, strict=True):
                copy.write_row((c.chunk_id, c.doc_id, gen, c.ordinal, c.content_hash, c.page, c.section,
                                c.header, c.text.replace("\x00", " "), *next(terms), v))


def _collect(conn: Any, s: str, gen: int) -> None:
    """Keeps generations gen-1 and gen (a reader may still be pinned to the one before)."""
    with conn.transaction():
        for table in ("chunks", "documents", "lexemes"):
            conn.execute(f"DELETE FROM {s}.{table} WHERE died <= %s", (gen - 1,))
        conn.execute(f"DELETE FROM {s}.generations WHERE generation < %s", (gen - 1,))
        conn.execute(f"DELETE FROM {s}.reports WHERE id < (SELECT MAX(id) - 20 FROM {s}.reports)")
