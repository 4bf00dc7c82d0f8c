"""kb against a plain llama-index pipeline on the same corpus, in one run (ratios: the machine is shared).

    python bench/compare.py [--corpus corpus] [--queries 220] [--small]

The plain pipeline is what a typical llama-index user builds from the documentation:
SimpleDirectoryReader(corpus) -> SentenceSplitter() with its defaults -> HuggingFaceEmbedding with
the bundled all-MiniLM-L6-v2 -> VectorStoreIndex (the default in-memory vector store) ->
as_retriever(similarity_top_k=10). kb is `build_index` into a fresh index, then `Searcher`.
Prints for both: ingest seconds (model load excluded for both), warm query latency p50/p95 over the
same queries, and the shared dev-set scorer's R@5 and MRR@10; then the ratios.
--small: only the dev questions once and a check that both pipelines run (CI)."""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devset import load_questions, score_search  # bench/ is on sys.path
from timing import latency_ms

import kb  # noqa: F401  (offline switches, before llama-index and transformers are imported)
from ingest.pipeline import build_index
from kb.embed import _bundled_minilm_path, make_embedder
from kb.embedded import EmbeddedStore
from kb.search import Searcher
from kb.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
Search = Callable[[str], list[dict[str, Any]]]


def plain_llama_index(corpus: Path, threads: int) -> tuple[float, Search]:
    import torch
    from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    torch.set_num_threads(threads)
    embed_model = HuggingFaceEmbedding(model_name=_bundled_minilm_path(), device="cpu")
    started = time.perf_counter()
    docs = SimpleDirectoryReader(str(corpus), exclude=["catalog.toml"]).load_data()  # our metadata file
    nodes = SentenceSplitter().get_nodes_from_documents(docs)
    index = VectorStoreIndex(nodes, embed_model=embed_model)
    seconds = time.perf_counter() - started
    retriever = index.as_retriever(similarity_top_k=10)

    def search(q: str) -> list[dict[str, Any]]:
        return [{"text": n.node.get_content(), "score": n.score} for n in retriever.retrieve(q)]

    return seconds, search


def kb_pipeline(corpus: Path, index_dir: Path, threads: int) -> tuple[float, Search]:
    settings = Settings.from_env().with_paths(corpus_dir=corpus, index_dir=index_dir)
    embedder = make_embedder(settings, threads=threads)
    started = time.perf_counter()
    build_index(settings, EmbeddedStore(index_dir), embedder)
    seconds = time.perf_counter() - started
    searcher = Searcher(EmbeddedStore(index_dir), make_embedder(settings))

    def search(q: str) -> list[dict[str, Any]]:
        return [h.to_dict() for h in searcher.search(q, top_k=10)]

    return seconds, search


def measure(name: str, ingest_s: float, search: Search, questions: list[dict[str, Any]],
            queries: list[str]) -> dict[str, float]:
    run = {it["id"]: search(it["question"]) for it in questions}  # also warms the process
    p50, p95 = latency_ms(search, queries)
    scores = score_search(run)["all"]
    r = {"ingest_s": ingest_s, "p50_ms": p50, "p95_ms": p95, "R5": scores["R5"], "MRR10": scores["MRR10"]}
    print(f"{name:18} ingest {r['ingest_s']:6.1f} s | query p50 {r['p50_ms']:5.0f} ms, p95 {r['p95_ms']:5.0f} ms "
          f"| R@5 {r['R5']:.3f}, MRR@10 {r['MRR10']:.3f}", flush=True)
    return r


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    p.add_argument("--queries", type=int, default=220)
    p.add_argument("--small", action="store_true")
    args = p.parse_args()
    threads = Settings.from_env().ingest_threads
    questions = load_questions()
    texts = [it["question"] for it in questions]
    queries = texts if args.small else (texts * (args.queries // len(texts) + 1))[: args.queries]
    plain = measure("plain llama-index", *plain_llama_index(args.corpus, threads), questions, queries)
    with tempfile.TemporaryDirectory() as tmp:
        ours = measure("kb", *kb_pipeline(args.corpus, Path(tmp) / "index", threads), questions, queries)
    print(f"ratios kb / plain: ingest time {ours['ingest_s'] / plain['ingest_s']:.2f}x, query p50 "
          f"{ours['p50_ms'] / plain['p50_ms']:.2f}x, p95 {ours['p95_ms'] / plain['p95_ms']:.2f}x; "
          f"MRR@10 {ours['MRR10'] - plain['MRR10']:+.3f} (target >= +0.25), R@5 {ours['R5'] - plain['R5']:+.3f}")


if __name__ == "__main__":
    main()
