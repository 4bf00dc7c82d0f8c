"""Our hybrid search as a llama-index retriever, to plug into llama-index query and chat engines."""

from __future__ import annotations

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from kb.records import Hit, SearchFilters
from kb.search import Searcher

# Metadata kept out of what an LLM or embedder sees (llama-index mixes metadata in by default).
_HIDDEN = ["chunk_id", "doc_id", "source", "page", "score"]


def hit_to_node(hit: Hit) -> NodeWithScore:
    doc, chunk = hit.document, hit.chunk
    node = TextNode(
        id_=chunk.chunk_id,
        text=chunk.text,
        metadata={"title": doc.title, "date": doc.date or "", "doc_type": doc.doc_type,
                  "section": chunk.section, "page": chunk.page, "source": doc.source,
                  "doc_id": doc.doc_id, "chunk_id": chunk.chunk_id},
        excluded_embed_metadata_keys=list(_HIDDEN),
        excluded_llm_metadata_keys=list(_HIDDEN),
    )
    return NodeWithScore(node=node, score=hit.score)


class KbRetriever(BaseRetriever):
    def __init__(self, searcher: Searcher, top_k: int = 8, filters: SearchFilters | None = None) -> None:
        super().__init__()
        self._searcher = searcher
        self._top_k = top_k
        self._filters = filters

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self._searcher.search(query_bundle.query_str, top_k=self._top_k, filters=self._filters)
        return [hit_to_node(h) for h in hits]
