"""The Store on PostgreSQL + pgvector, for archives past one machine (KB_DATABASE_URL).

Rows are never updated in place. Each chunk and document row carries the generation that wrote
it (`born`) and the one that replaced or deleted it (`died`); generation g sees the rows with
born <= g < died. A re-index inserts its rows and moves the live pointer in one transaction, so
a reader pinned to g sees g whole while g+1 is written and after it goes live; rows no
generation still kept can see are deleted after the switch."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import numpy as np

from kb.doctable import EMPTY, DocIndex, DocLookups
from kb.lexical import substrings, words
from kb.pglexical import LEXICAL_SQL, MAX_CANDIDATE_ROWS, lexical_params, query_text
from kb.pgrank import DENSE_SQL, rank_sql
from kb.pgschema import ADVISORY_LOCK, VISIBLE, schema_sql
from kb.ranking import Candidate, RankingSpec
from kb.records import BuildReport, Chunk, Document, SearchFilters
from kb.settings import check_database
from kb.store import (
    CHUNK_COLUMNS,
    Changeset,
    IndexBusy,
    Manifest,
    StoreError,
    TermStats,
    chunk_from_row,
    iter_batches,
)

# HNSW returns at most ef_search rows; our candidate lists are 100 long, filters thin them out.
EF_SEARCH = 200


class _Generation(NamedTuple):
    number: int
    manifest: Manifest
    docs: DocIndex
    terms: int  # total document length, for BM25's average


def describe_url(url: str) -> str:
    """host:port/db of a database URL, without the password, for messages and logs."""
    u = urlsplit(url)
    return f"{u.hostname or 'localhost'}:{u.port or 5432}{u.path or ''}"


class PostgresStore(DocLookups):
    def __init__(self, url: str, schema: str = "kb", keyword_rows: int = MAX_CANDIDATE_ROWS) -> None:
        check_database(url, schema, required=True)  # the schema goes into SQL text: a plain name only
        self.url, self.schema, self.keyword_rows = url, schema, keyword_rows
        self._local = threading.local()
        self._pinned: _Generation | None = None
        self._live: _Generation | None = None
        self._load_lock = threading.Lock()
        self._query_texts: dict[tuple[int, str], str] = {}  # shared by snapshots; keyed by generation
        with self._conn() as conn:
            self._ensure_extension(conn)
            self._check_layout(conn)
        self.refresh()

    # -- connections -----------------------------------------------------------------------
    def _connect(self) -> Any:
        import psycopg
        from pgvector.psycopg import register_vector

        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as e:
            reason = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
            raise StoreError(f"Cannot connect to PostgreSQL at {describe_url(self.url)} ({reason}); check "
                             "KB_DATABASE_URL and that the server runs and accepts this user") from None
        # No vector type yet on a new database: _ensure_extension creates it, then registers again.
        with contextlib.suppress(psycopg.ProgrammingError):
            register_vector(conn)
        return conn

    @contextmanager
    def _conn(self) -> Iterator[Any]:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._local.conn = self._connect()
        yield conn

    def _ensure_extension(self, conn: Any) -> None:
        import psycopg
        from pgvector.psycopg import register_vector

        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        except psycopg.Error as e:
            raise StoreError(
                f"The pgvector extension is not available on {describe_url(self.url)} ({e.diag.message_primary}); "
                "install it on the server (Debian: apt install postgresql-17-pgvector) or ask its "
                "administrator to run CREATE EXTENSION vector") from None
        register_vector(conn)

    def _check_layout(self, conn: Any) -> None:
        """An index written by a kb from before the keyword statistics lacks their columns."""
        have = {tuple(r) for r in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name IN ('generations', 'chunks')", (self.schema,)).fetchall()}
        tables = {t for t, _ in have}
        missing = [f"{t}.{c}" for t, c in (("generations", "terms"), ("chunks", "parts")) if t in tables and (t, c) not in have]
        if missing:
            raise StoreError(f"Schema {self.schema} on {describe_url(self.url)} was written by an older kb (no "
                             f"{', '.join(missing)}); build it anew under another KB_DATABASE_SCHEMA, e.g. kb migrate "
                             "--to … or kb ingest with KB_DATABASE_SCHEMA=kb2")

    # -- read side -------------------------------------------------------------------------
    def refresh(self) -> bool:
        if self._pinned is not None:
            return False
        import psycopg

        with self._conn() as conn:
            try:  # one round trip per request: this runs before every search in the app
                live = conn.execute(f"SELECT generation FROM {self.schema}.live").fetchone()
            except psycopg.errors.UndefinedTable:
                live = None  # nothing ingested into this schema yet
        if live is None or (self._live is not None and self._live.number == live[0]):
            return False
        with self._load_lock:
            self._live = self._load(live[0])
        return True

    def _load(self, gen: int) -> _Generation:
        with self._conn() as conn:
            m = conn.execute(f"SELECT manifest, terms FROM {self.schema}.generations WHERE generation = %s",
                             (gen,)).fetchone()
            rows = conn.execute(f"SELECT json FROM {self.schema}.documents WHERE {VISIBLE} ORDER BY doc_id",
                                {"g": gen}).fetchall()
        docs = [Document.from_dict(r[0]) for r in rows]
        return _Generation(gen, Manifest.from_dict(m[0]), DocIndex.of(docs), int(m[1]))

    def snapshot(self) -> PostgresStore:
        view = object.__new__(PostgresStore)
        view.__dict__.update(self.__dict__)
        view._pinned = self._pinned or self._live
        return view

    def _state(self) -> _Generation | None:
        return self._pinned or self._live

    @property
    def generation(self) -> str | None:
        s = self._state()
        return s.manifest.generation if s else None

    def manifest(self) -> Manifest | None:
        s = self._state()
        return s.manifest if s else None

    def _docs(self) -> DocIndex:
        s = self._state()
        return s.docs if s else EMPTY

    def _query(self, sql: str, params: dict[str, Any], ann_k: int = 0) -> list[Any]:
        """`sql` with {s} and {visible} filled in, on the pinned (else live) generation. ann_k > 0:
        HNSW returns at least that many rows; the transaction scopes the settings to this query."""
        s = self._state()
        if s is None:
            return []
        with self._conn() as conn, conn.transaction():
            if ann_k:
                conn.execute(f"SET LOCAL hnsw.ef_search = {max(EF_SEARCH, ann_k)}")
                conn.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
            return list(conn.execute(sql.format(s=self.schema, visible=VISIBLE), {**params, "g": s.number}).fetchall())

    def chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        found: dict[str, Chunk] = {}
        for batch in iter_batches(list(chunk_ids), 1000):
            for r in self._query(f"SELECT {CHUNK_COLUMNS} FROM {{s}}.chunks WHERE {{visible}} AND chunk_id = ANY(%(ids)s)",
                                 {"ids": list(batch)}):
                found[r[0]] = chunk_from_row(r)
        return [found[c] for c in chunk_ids if c in found]

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        rows = self._query(f"SELECT {CHUNK_COLUMNS} FROM {{s}}.chunks WHERE {{visible}} AND doc_id = %(d)s ORDER BY ordinal",
                           {"d": doc_id})
        return [chunk_from_row(r) for r in rows]

    def _allowed_ids(self, filters: SearchFilters | None) -> list[str] | None:
        if filters is None or filters.is_empty():
            return None
        table = self.doc_table()
        return list(table.doc_ids[table.mask(filters)].tolist())

    def _allowed(self, filters: SearchFilters | None) -> tuple[str, dict[str, Any]]:
        ids = self._allowed_ids(filters)
        return ("", {}) if ids is None else (" AND doc_id = ANY(%(allowed)s)", {"allowed": ids})

    def dense_candidates(self, vector: np.ndarray, top_k: int,
                         filters: SearchFilters | None = None) -> list[Candidate]:
        where, params = self._allowed(filters)
        rows = self._query(DENSE_SQL.format(where=where), {"v": np.asarray(vector, dtype=np.float32), "k": top_k,
                                                           **params}, top_k)
        return [Candidate(r[0], r[1], float(r[2])) for r in rows]

    def lexical_candidates(self, query: str, top_k: int,
                           filters: SearchFilters | None = None) -> list[Candidate]:
        params = self._lexical(query, top_k)
        if params is None:
            return []
        where, allowed = self._allowed(filters)
        rows = self._query(f"SELECT chunk_id, doc_id, rank FROM ({LEXICAL_SQL.format(where=where)}) l",
                           {**params, **allowed})
        return [Candidate(r[0], r[1], float(r[2])) for r in rows]

    def rank(self, spec: RankingSpec) -> list[Candidate]:
        """The spec in one statement, all its lists' filters inside (kb.pgrank)."""
        lexical = self._lexical(spec.lexical_query, spec.candidates) if spec.uses_keywords else None
        sql, params = rank_sql(spec, [self._allowed_ids(r.filters) for r in spec.lists], lexical)
        return [Candidate(r[0], r[1], float(r[2])) for r in self._query(sql, params, spec.candidates)]

    def _lexical(self, query: str, top_k: int) -> dict[str, Any] | None:
        """LEXICAL_SQL's parameters for `query`, None when it has no words to look up. The
        vocabulary is asked only for the pieces of the query's own words."""
        s = self._state()
        ws = words(query)
        if s is None or not ws:
            return None
        text = self._query_texts.get((s.number, query))
        if text is None:  # the answer's evidence (kb.relevance) asks again: look the words up once
            known = [r[0] for r in self._query("SELECT word FROM {s}.vocabulary WHERE word = ANY(%(w)s)",
                                               {"w": substrings(ws)})]
            if len(self._query_texts) > 1000:
                self._query_texts.clear()
            text = self._query_texts[(s.number, query)] = query_text(ws, known)
        return {"text": text, **lexical_params(s.manifest.chunks, s.terms, top_k, self.keyword_rows)}

    def term_stats(self, stems: Sequence[str], words: Sequence[str] = ()) -> TermStats:
        s = self._state()
        if s is None:
            return TermStats(0, {}, frozenset())
        df = self._query("SELECT word, df FROM {s}.lexemes WHERE {visible} AND word = ANY(%(t)s)",
                         {"t": sorted(set(stems))}) if stems else []
        known = self._query("SELECT word FROM {s}.vocabulary WHERE word = ANY(%(w)s)",
                            {"w": sorted(set(words))}) if words else []
        return TermStats(s.manifest.chunks, {r[0]: int(r[1]) for r in df}, frozenset(r[0] for r in known))

    def cached_vectors(self, content_hashes: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for batch in iter_batches(list(dict.fromkeys(content_hashes)), 1000):
            for h, v in self._query("SELECT DISTINCT ON (content_hash) content_hash, embedding FROM {s}.chunks "
                                    "WHERE {visible} AND content_hash = ANY(%(h)s)", {"h": list(batch)}):
                out[h] = np.asarray(v.to_numpy() if hasattr(v, "to_numpy") else v, dtype=np.float32)
        return out

    def last_report(self) -> dict[str, Any] | None:
        rows = self._query("SELECT report FROM {s}.reports ORDER BY id DESC LIMIT 1", {})
        return dict(rows[0][0]) if rows else None

    # -- write side ------------------------------------------------------------------------
    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """A session advisory lock; a second writer gets IndexBusy, as on the embedded store."""
        conn = self._connect()
        try:
            if not conn.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_LOCK,)).fetchone()[0]:
                raise IndexBusy(f"Schema {self.schema} on {describe_url(self.url)} is being rebuilt by another "
                                "kb ingest; wait for it to finish and run kb ingest again")
            yield
        finally:
            conn.close()  # closing the session releases the lock, also after a crash

    def write(self, changes: Changeset, manifest: Manifest, report: BuildReport) -> Manifest:
        from kb.pgwrite import write_generation

        with self._conn() as conn:
            manifest = write_generation(conn, self.schema, changes, manifest, report)
        self._live = None
        self.refresh()
        return manifest

    def record_report(self, report: BuildReport) -> None:
        with self._conn() as conn:
            conn.execute(schema_sql(self.schema, None))
            conn.execute(f"INSERT INTO {self.schema}.reports (report) VALUES (%s)",
                         (json.dumps(report.to_dict(), ensure_ascii=False),))

