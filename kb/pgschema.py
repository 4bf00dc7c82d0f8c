"""The PostgreSQL tables of one index (a schema per index; `kb` unless KB_DATABASE_SCHEMA says)."""

from __future__ import annotations

# Rows visible to generation %(g)s: written by it or before, not yet replaced at it.
VISIBLE = "born <= %(g)s AND (died IS NULL OR died > %(g)s)"
# pg_advisory_lock key of the writer ("kb-ingest" in ASCII, truncated to 63 bits).
ADVISORY_LOCK = 0x6B622D696E676573


def schema_sql(schema: str, dim: int | None) -> str:
    """DDL for the index tables; `dim` None creates only what does not need the vector size."""
    s = schema
    base = f"""
CREATE SCHEMA IF NOT EXISTS {s};
CREATE TABLE IF NOT EXISTS {s}.live (one boolean PRIMARY KEY DEFAULT true CHECK (one), generation integer NOT NULL);
CREATE TABLE IF NOT EXISTS {s}.generations (
    generation integer PRIMARY KEY, manifest jsonb NOT NULL, created timestamptz NOT NULL DEFAULT now(),
    terms bigint NOT NULL DEFAULT 0);
-- Every word the chunks have used, for splitting compounds into words the corpus uses alone.
CREATE TABLE IF NOT EXISTS {s}.vocabulary (word text PRIMARY KEY);
-- BM25 document frequency of each lexeme of tsv, born/died per generation like the chunks.
CREATE TABLE IF NOT EXISTS {s}.lexemes (
    word text NOT NULL, born integer NOT NULL, died integer, df integer NOT NULL, PRIMARY KEY (word, born));
CREATE TABLE IF NOT EXISTS {s}.reports (id bigserial PRIMARY KEY, report jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS {s}.documents (
    doc_id text NOT NULL, born integer NOT NULL, died integer, json jsonb NOT NULL,
    PRIMARY KEY (doc_id, born));
"""
    if dim is None:
        return base
    return base + f"""
DO $$ BEGIN IF to_regclass('{s}.chunks') IS NULL THEN
CREATE TABLE {s}.chunks (
    chunk_id text NOT NULL, doc_id text NOT NULL, born integer NOT NULL, died integer,
    ordinal integer NOT NULL, content_hash text NOT NULL, page integer, section text NOT NULL,
    header text NOT NULL, text text NOT NULL,
    -- parts: the compound parts kb.lexical finds ('dutch' does not split compounds);
    -- term_count: BM25's document length, counted as the embedded keyword index counts it.
    parts text NOT NULL, term_count integer NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('dutch', header || ' ' || text || ' ' || parts)) STORED,
    embedding vector({dim}) NOT NULL,
    PRIMARY KEY (chunk_id, born));
-- Keyword scoring reads tsv of thousands of rows; kept in the row, not in TOAST, it costs no extra
-- page reads (the text and the vector, read only for the final hits, move out instead).
ALTER TABLE {s}.chunks ALTER COLUMN tsv SET STORAGE MAIN;
END IF; END $$;
CREATE INDEX IF NOT EXISTS chunks_tsv ON {s}.chunks USING gin (tsv);
CREATE INDEX IF NOT EXISTS chunks_embedding ON {s}.chunks USING hnsw (embedding vector_cosine_ops);
CREATE INDEX IF NOT EXISTS chunks_doc ON {s}.chunks (doc_id, ordinal);
CREATE INDEX IF NOT EXISTS chunks_hash ON {s}.chunks (content_hash);
CREATE INDEX IF NOT EXISTS chunks_died ON {s}.chunks (died) WHERE died IS NOT NULL;
"""
