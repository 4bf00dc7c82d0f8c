"""A cited passage in its context: the chunk, the text around it and its document."""

from __future__ import annotations

from dataclasses import dataclass

from kb.records import Chunk, Document
from kb.sentences import split_sentences
from kb.store import StoreReader

CONTEXT_SENTENCES = 3


@dataclass(frozen=True)
class Passage:
    document: Document
    chunk: Chunk
    before: str  # the sentences just before the passage (previous chunk, overlap removed)
    after: str  # the sentences just after it


def passage_context(store: StoreReader, chunk_id: str, sentences: int = CONTEXT_SENTENCES) -> Passage | None:
    """The passage with up to `sentences` sentences of its neighbours, or None when it is gone."""
    found = store.chunks([chunk_id])
    if not found:
        return None
    chunk = found[0]
    docs = store.documents_by_id([chunk.doc_id])
    if chunk.doc_id not in docs:
        return None
    siblings = store.chunks_of(chunk.doc_id)
    own = set(split_sentences(chunk.text))
    before = after = ""
    for other in siblings:
        # neighbours overlap with the passage; keep only what the reader has not seen yet
        fresh = [s for s in split_sentences(other.text) if s not in own]
        if other.ordinal == chunk.ordinal - 1:
            before = " ".join(fresh[-sentences:])
        elif other.ordinal == chunk.ordinal + 1:
            after = " ".join(fresh[:sentences])
    return Passage(docs[chunk.doc_id], chunk, before, after)
