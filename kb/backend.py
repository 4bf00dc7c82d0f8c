"""Which Store the settings select: the one place that names a store class."""

from __future__ import annotations

import numpy as np

from kb.embedded import EmbeddedStore
from kb.records import BuildReport
from kb.settings import ConfigError, Settings
from kb.store import Changeset, DocumentUpdate, Manifest, Store, StoreError, iter_batches


def open_store(settings: Settings) -> Store:
    if settings.database_url:
        try:
            from kb.postgres import PostgresStore
        except ImportError as e:
            raise ConfigError(f"KB_DATABASE_URL is set but {e.name} is not installed: pip install -e '.[pg]'") from e
        return PostgresStore(settings.database_url, settings.database_schema, settings.keyword_rows)
    return EmbeddedStore(settings.index_dir)


def index_location(settings: Settings) -> str:
    """Where the settings' index lives, for messages: the directory, or the database without its password."""
    if settings.database_url:
        from kb.postgres import describe_url  # psycopg is imported only when a store connects

        return f"postgresql://{describe_url(settings.database_url)} (schema {settings.database_schema})"
    return str(settings.index_dir)


def migrate(source: Store, target: Store, batch_docs: int = 200) -> Manifest:
    """Copy every document, chunk and vector of `source` into `target` as one new generation;
    nothing is embedded again. The target's writer lock is held throughout."""
    manifest = source.manifest()
    if manifest is None:
        raise StoreError("The source index is empty; build it first with kb ingest")
    upserts: list[DocumentUpdate] = []
    docs = source.documents()
    for batch in iter_batches(docs, batch_docs):
        for doc in batch:
            chunks = tuple(source.chunks_of(doc.doc_id))
            vecs = source.cached_vectors([c.content_hash for c in chunks])
            upserts.append(DocumentUpdate(doc, chunks, np.stack([vecs[c.content_hash] for c in chunks])))
    with target.writer_lock():
        current = target.manifest()
        gone = tuple(d.doc_id for d in target.documents()) if current is not None else ()
        report = BuildReport(added=tuple(d.source for d in docs), chunks_reused=manifest.chunks)
        return target.write(Changeset(upserts=tuple(upserts), deletes=gone), manifest, report)
